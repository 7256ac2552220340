"""The intake page (受理登记) with the guided script beside the form.

htmx endpoints refresh parts of the page as the agent works: the pack's fields, the script
panel for the chosen category, the script's outcome as questions are answered, the
customer look-up by phone, and the categories the description suggests (a suggestion only:
the agent clicks one to choose it; nothing is assigned on its own). The form itself posts
to ``intake`` and works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.cases.models import MAX_DESCRIPTION, Case
from tousu.cases.queries import attach_pack_versions
from tousu.cases.suggest import suggest_for
from tousu.org.models import Unit
from tousu.org.permissions import visible_cases
from tousu.packs.registry import active_packs
from tousu.rules.errors import RuleError
from tousu.rules.lifecycle import ACTIVE
from tousu.web.console import workflows
from tousu.web.console.access import INTAKE_ROLES, actor, roles_view
from tousu.web.console.errors import add_rule_error
from tousu.web.console.forms import IntakeForm

LOOKUP_LIMIT = 10


def _params(request: HttpRequest) -> dict[str, str]:
    """What the page sent: the htmx helpers post the form (personal data stays out of URLs
    and access logs); a plain GET may preset fields (?pack=telecom)."""
    return (request.POST if request.method == "POST" else request.GET).dict()


def _form(request: HttpRequest, data: object = None) -> IntakeForm:
    initial = _params(request) if data is None else {}
    initial.setdefault("pack", request.session.get("intake_pack", ""))
    initial.setdefault("channel", "phone")
    units = list(Unit.objects.filter(active=True).order_by("code"))
    return IntakeForm(data, initial=initial, packs=active_packs(), units=units)  # type: ignore[arg-type]


def _suggest_context(request: HttpRequest, form: IntakeForm) -> dict[str, object]:
    """Up to three categories of the chosen pack for the description, each with its path."""
    params = _params(request)
    text = (params.get("description") or "")[:MAX_DESCRIPTION]
    pack = form.pack
    found = suggest_for(pack, text, field="description") if pack and text.strip() else []
    return {
        "suggestions": [
            (s, " › ".join(c.name for c in reversed(list(pack.lineage(s.code)))))
            for s in found if pack
        ],
        "category": params.get("category") or "",
        "described": bool(text.strip()),
    }


def _done_message(then: str, number: str) -> str:
    texts = {
        "register": _("已登记投诉单 %(number)s。"),
        "close": _("投诉单 %(number)s 已登记并窗口直接办结。"),
        "dispatch": _("投诉单 %(number)s 已登记并派单。"),
        "urge": _("已对投诉单 %(number)s 催办，未新建投诉单。"),
    }
    return texts.get(then, texts["register"]) % {"number": number}


@roles_view(INTAKE_ROLES)
def intake(request: HttpRequest) -> HttpResponse:
    form = _form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            done = workflows.register(actor=actor(request), data=form.to_intake(),
                                      then=d["then"], dispatch_unit=d.get("dispatch_unit") or "")
        except RuleError as error:
            add_rule_error(form, error)
        else:
            request.session["intake_pack"] = d["pack"]
            messages.success(request, _done_message(done.then, done.case.number))
            return redirect("console:case", number=done.case.number)
    status = 422 if form.errors else 200
    context = {"form": form, "panel": form.panel, **_suggest_context(request, form)}
    return render(request, "console/intake.html", context, status=status)


@roles_view(INTAKE_ROLES)
def pack_fields(request: HttpRequest) -> HttpResponse:
    """The fields that depend on the pack (request type, category, severity) and the panel."""
    form = _form(request)
    context = {"form": form, "panel": form.panel, "oob": True, **_suggest_context(request, form)}
    return render(request, "console/intake/_pack_fields.html", context)


@roles_view(INTAKE_ROLES)
def category_suggest(request: HttpRequest) -> HttpResponse:
    """The categories the description points to, from the pack's keywords."""
    form = _form(request)
    return render(request, "console/intake/_suggest.html", _suggest_context(request, form))


@roles_view(INTAKE_ROLES)
def script_panel(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    return render(request, "console/intake/_script_panel.html", {"form": form, "panel": form.panel})


@roles_view(INTAKE_ROLES)
def script_outcome(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    return render(request, "console/intake/_outcome.html", {"form": form, "panel": form.panel})


@roles_view(INTAKE_ROLES)
def customer_lookup(request: HttpRequest) -> HttpResponse:
    """Earlier cases of this phone number; open ones are offered for urging instead."""
    params = _params(request)
    phone = (params.get("customer_phone") or "").strip()
    found: list[Case] = []
    if len(phone) >= 5:
        cases = Case.objects.filter(customer__phone=phone)
        found = list(
            visible_cases(request.user, cases)  # type: ignore[arg-type]
            .only("number", "status", "category", "pack", "pack_version", "description",
                  "created_at")
            .order_by("-created_at")[:LOOKUP_LIMIT]
        )
    attach_pack_versions(found)
    active = {s.value for s in ACTIVE}
    context = {
        "phone": phone,
        "open_cases": [c for c in found if c.status in active],
        "closed_cases": [c for c in found if c.status not in active],
        "category": params.get("category", ""),
        "now": timezone.now(),
    }
    return render(request, "console/intake/_customer_lookup.html", context)
