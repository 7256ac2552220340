"""Portal pages. Thin: a form, one call to ``tousu.cases.services.public`` (the same functions
as the public API), a template. Proof of access to a case (the phone, or the follow-up code's
hash, never the code) is kept in the session once the customer has given it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tousu import ratelimit
from tousu.cases.public_queries import Step, customer_view
from tousu.cases.services import public
from tousu.packs.registry import active_pack, active_packs
from tousu.rules.errors import IllegalAction, NotFound, RuleError, ValidationFailed
from tousu.rules.public import code_hash, format_code, normalize_phone
from tousu.web.console.labels import REFUSALS, SATISFACTIONS, SOLUTION_KINDS, label
from tousu.web.portal import labels
from tousu.web.portal.forms import (
    AppealForm,
    RateForm,
    RejectForm,
    SubmitForm,
    TrackForm,
    add_rule_errors,
)

ACCESS = "portal_access"  # session: {number: {"phone": …} or {"code_hash": …}}


def _grant(request: HttpRequest, number: str, proof: dict[str, str]) -> None:
    access = dict(request.session.get(ACCESS, {}))
    access[number] = proof
    request.session[ACCESS] = access


def _proof(request: HttpRequest, number: str) -> dict[str, str] | None:
    return request.session.get(ACCESS, {}).get(number)


def _too_many(request: HttpRequest, exc: ratelimit.RateLimited) -> HttpResponse:
    minutes = max(1, exc.retry_after // 60)
    response = render(request, "portal/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def choose_pack(request: HttpRequest) -> HttpResponse:
    packs = [a.pack for a in active_packs()]
    if len(packs) == 1:
        return redirect("portal:submit", pack=packs[0].code)
    return render(request, "portal/choose_pack.html", {"packs": packs})


def submit(request: HttpRequest, pack: str) -> HttpResponse:
    try:
        chosen = active_pack(pack).pack
    except ValidationFailed:
        return redirect("portal:choose_pack")
    form = SubmitForm(request.POST or None, pack=chosen)
    context: dict[str, Any] = {"form": form, "pack": chosen, "types": labels.REQUEST_TYPE_HINTS}
    if request.method != "POST":
        return render(request, "portal/submit.html", context)
    if form.is_bot():
        return render(request, "portal/refused.html", status=400)
    try:
        ratelimit.check_submit(request, request.POST.get("phone", ""))
    except ratelimit.RateLimited as exc:
        return _too_many(request, exc)
    if not form.is_valid():
        return render(request, "portal/submit.html", context, status=422)
    try:
        done = public.submit(submission=_submission(form, chosen.code, request))
    except RuleError as exc:
        add_rule_errors(form, exc)
        return render(request, "portal/submit.html", context, status=422)
    case = done.case
    if done.follow_up_code:
        _grant(request, case.number, {"code_hash": code_hash(done.follow_up_code)})
    else:
        _grant(request, case.number, {"phone": normalize_phone(case.customer.phone)})
    code = format_code(done.follow_up_code) if done.follow_up_code else ""
    # rendered here, not after a redirect: the code is shown this once and kept nowhere
    return render(request, "portal/submitted.html", {"case": case, "code": code}, status=201)


def _submission(form: SubmitForm, pack: str, request: HttpRequest) -> public.Submission:
    data = form.cleaned_data
    anonymous = bool(data.get("anonymous"))
    files = [
        public.Upload(f.name or "", f.read(), f.content_type or "")
        for f in request.FILES.getlist("attachments")
    ]
    return public.Submission(
        pack=pack,
        request_type=data["request_type"],
        description=data["description"],
        category=data.get("category") or "",
        occurred_at=data.get("occurred_at"),
        location=data.get("location") or "",
        demand=data.get("demand") or "",
        name="" if anonymous else data.get("name") or "",
        phone="" if anonymous else data.get("phone") or "",
        email="" if anonymous else data.get("email") or "",
        anonymous=anonymous,
        files=files,
    )


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    if request.method != "POST":
        return render(request, "portal/track.html", {"form": form})
    try:
        ratelimit.check_lookup(request)
    except ratelimit.RateLimited as exc:
        return _too_many(request, exc)
    if not form.is_valid():
        return render(request, "portal/track.html", {"form": form}, status=422)
    data = form.cleaned_data
    try:
        case = public.find_case(data["number"], phone=data["phone"], code=data["code"])
    except NotFound:
        return render(request, "portal/track.html", {"form": form, "not_found": True}, status=404)
    if data["phone"] and normalize_phone(data["phone"]) == normalize_phone(case.customer.phone):
        _grant(request, case.number, {"phone": normalize_phone(data["phone"])})
    else:
        _grant(request, case.number, {"code_hash": code_hash(data["code"])})
    return redirect("portal:case", number=case.number)


def _page(request: HttpRequest, number: str, status: int = 200, **forms: Any) -> HttpResponse:
    proof = _proof(request, number)
    if proof is None:
        return redirect(reverse("portal:track") + f"?number={number}")
    try:
        case = public.find_case(number, **proof)
    except NotFound:
        return redirect(reverse("portal:track") + f"?number={number}")
    view = customer_view(case, timezone.now())
    context = {
        "view": view,
        "steps": [_step(s) for s in reversed(view.steps)],
        "solutions": _solutions(view.proposal.solutions) if view.proposal else [],
        "case": case,
        "status_label": labels.label(labels.STATUSES, case.status),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "rate_form": forms.get("rate_form") or RateForm(),
        "appeal_form": forms.get("appeal_form") or AppealForm(),
        "error": forms.get("error", ""),
    }
    return render(request, "portal/case.html", context, status=status)


def _solutions(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for item in items:
        kind = label(SOLUTION_KINDS, item.get("kind"))
        text = f"{kind}：{item.get('description') or ''}"
        if item.get("amount") not in (None, ""):
            text += _("（金额 %(amount)s 元）") % {"amount": item["amount"]}
        out.append(text)
    return out


def _step(step: Step) -> dict[str, Any]:
    """One timeline line: the step's title and the details meant for the customer."""
    detail = step.detail
    lines: list[str] = []
    if detail.get("message"):
        lines.append(detail["message"])
    lines += _solutions(detail.get("solutions") or [])
    if detail.get("reason"):
        lines.append(_("原因：%(reason)s") % {"reason": detail["reason"]})
    if detail.get("satisfaction"):
        lines.append(label(SATISFACTIONS, detail["satisfaction"]))
    if detail.get("name"):
        lines.append(detail["name"])
    title = labels.label(labels.STEPS, step.step)
    return {"at": step.at, "title": title, "lines": lines, "step": step.step}


def case_page(request: HttpRequest, number: str) -> HttpResponse:
    return _page(request, number)


def refusal_text(exc: RuleError) -> str:
    """Why the lifecycle refused, in the customer's words; field errors show on the form."""
    if not isinstance(exc, IllegalAction):
        return ""
    for english, text in REFUSALS.items():
        if english in exc.message:
            return _("现在无法办理：%(why)s。") % {"why": text}
    return _("现在无法办理此项，请刷新页面查看最新状态。")


def _act(request: HttpRequest, number: str, form_name: str, form: Any, call: Any) -> HttpResponse:
    """Run one customer action with the session's proof; on refusal show the page again."""
    proof = _proof(request, number)
    if proof is None:
        return redirect(reverse("portal:track") + f"?number={number}")
    try:
        ratelimit.check_lookup(request)
    except ratelimit.RateLimited as exc:
        return _too_many(request, exc)
    if form is not None and not form.is_valid():
        return _page(request, number, 422, **{form_name: form})
    try:
        call(number=number, **proof, **(form.cleaned_data if form is not None else {}))
    except NotFound:
        return redirect(reverse("portal:track") + f"?number={number}")
    except RuleError as exc:
        if form is not None:
            add_rule_errors(form, exc)
        status = 409 if isinstance(exc, IllegalAction) else 422
        return _page(request, number, status, **{form_name: form, "error": refusal_text(exc)})
    return redirect("portal:case", number=number)


@require_POST
def accept(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        "reject_form",
        None,
        lambda **kw: public.confirm(accept=True, **kw),
    )


@require_POST
def reject(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        "reject_form",
        RejectForm(request.POST),
        lambda **kw: public.confirm(accept=False, **kw),
    )


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "rate_form", RateForm(request.POST), public.rate)


@require_POST
def appeal(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "appeal_form", AppealForm(request.POST), public.appeal)
