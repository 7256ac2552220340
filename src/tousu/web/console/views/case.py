"""The case page: all fields, the timeline, work orders, and the allowed actions as buttons,
each opening its form (htmx) that posts to one lifecycle service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tousu.cases import queries, services
from tousu.cases.models import Case
from tousu.cases.services.audit import reveal_personal_data as log_reveal
from tousu.cases.services.common import pack_for
from tousu.org.models import Unit
from tousu.rules.errors import NotFound, RuleError
from tousu.rules.lifecycle import Action
from tousu.web.console import case_view, labels
from tousu.web.console.access import actor, is_htmx, not_found, staff_view
from tousu.web.console.action_forms import ACTION_FORMS, ActionForm
from tousu.web.console.errors import add_rule_error


def _units() -> list[Unit]:
    return list(Unit.objects.filter(active=True).order_by("code"))


def _action_form(case: Case, action: Action, data: dict | None = None) -> ActionForm:
    form_class = ACTION_FORMS[action]
    return form_class(data, case=case, pack=pack_for(case), units=_units())


def _back_to(request: HttpRequest, case: Case) -> str:
    target = request.POST.get("back") or request.GET.get("back") or ""
    if target.startswith("/console/") and url_has_allowed_host_and_scheme(target, None):
        return target
    return reverse("console:case", args=[case.number])


def render_case(
    request: HttpRequest,
    case: Case,
    *,
    form: ActionForm | None = None,
    action: str = "",
    reveal: bool = False,
    status: int = 200,
    template: str = "console/case.html",
    extra: dict | None = None,
) -> HttpResponse:
    """The case page (or, for htmx, the fragment ``template`` names) with an open form."""
    now = timezone.now()
    view = case_view.build(case, request.user, now, reveal=reveal)  # type: ignore[arg-type]
    only = (extra or {}).get("order_actions")
    context = {
        "view": view,
        "buttons": [b for b in view.actions if only is None or b[0] in only],
        "order": None,
        "case": case,
        "now": now,
        "form": form,
        "action": action,
        "action_label": labels.label(labels.ACTIONS, action) if action else "",
        "back": _back_to(request, case),
        **(extra or {}),
    }
    return render(request, template, context, status=status)


@staff_view
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    try:
        case = queries.case_detail(request.user, number)  # type: ignore[arg-type]
    except NotFound:
        return not_found(request, number)
    return render_case(request, case)


@staff_view
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """GET: the action's form; POST: validate, call the action's service, show the case."""
    try:
        code = Action(action)
        case = queries.case_detail(request.user, number)  # type: ignore[arg-type]
    except (ValueError, NotFound):
        return not_found(request, number)
    if request.method != "POST":
        template = "console/case/_action_panel.html" if is_htmx(request) else "console/case.html"
        return render_case(request, case, form=_action_form(case, code), action=action,
                           template=template)
    form = _action_form(case, code, request.POST)
    if form.is_valid():
        try:
            services.ACTIONS[code](actor=actor(request), number=number,
                                   expected_version=form.cleaned_data["version"], **form.payload())
        except RuleError as error:
            add_rule_error(form, error)
        else:
            messages.success(request, _("已完成：%(action)s") % {"action": labels.ACTIONS[action]})
            return _after(request, case)
    return _refused(request, number, code, form)


def _after(request: HttpRequest, case: Case) -> HttpResponse:
    target = _back_to(request, case)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _refused(request: HttpRequest, number: str, code: Action, form: ActionForm) -> HttpResponse:
    """The page again, with the case as it is now and the form as the user filled it; the form
    then carries the current version, so the user decides again on fresh facts."""
    from tousu.web.console.views import work_order

    try:
        case = queries.case_detail(request.user, number)  # type: ignore[arg-type]
    except NotFound:
        return not_found(request, number)
    data = request.POST.copy()
    data["version"] = str(case.version)
    form.data = data  # errors stay; the hidden version is now the case's current one
    found = work_order.order_for(request, request.POST.get("order", ""))
    if found is not None and found[1].pk == case.pk:
        order, case = found
        template = work_order.order_template(request, is_htmx(request))
        return render_case(request, case, form=form, action=code.value, status=422,
                           template=template, extra=work_order.order_extra(order))
    template = "console/case/_page.html" if is_htmx(request) else "console/case.html"
    return render_case(request, case, form=form, action=code.value, status=422,
                       template=template)


@staff_view
def reveal_personal_data(request: HttpRequest, number: str) -> HttpResponse:
    """The audited "show": log the view (the same log as the API's), then render the unmasked
    customer block."""
    if request.method != "POST":
        return redirect("console:case", number=number)
    template = "console/case/_customer.html" if is_htmx(request) else "console/case.html"
    try:
        log_reveal(actor=actor(request), number=number,
                   source=f"console {request.method} {request.path}",
                   address=request.META.get("REMOTE_ADDR", ""))
        revealed = True
    except NotFound:
        return not_found(request, number)
    except RuleError:  # a role that may not see personal data: the masked block again
        revealed = False
    case = queries.case_detail(request.user, number)  # type: ignore[arg-type]
    return render_case(request, case, reveal=revealed, status=200 if revealed else 403,
                       template=template)
