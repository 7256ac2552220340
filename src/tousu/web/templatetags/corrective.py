"""``{% corrective_panel %}``: the 纠正预防措施 panel of the case page, for hot and major
complaints (the pack's full-treatment levels) or any case that already has measures."""

from __future__ import annotations

from typing import Any

from django import template

from tousu.cases.services.common import pack_for
from tousu.reports import corrective
from tousu.reports.models import CorrectiveAction

register = template.Library()


@register.inclusion_tag("console/corrective/_panel.html", takes_context=True)
def corrective_panel(context: template.Context, case: Any) -> dict[str, Any]:
    from tousu.web.console.views.corrective import ActionForm, VerifyForm, today

    user = context["request"].user
    actions = list(case.corrective_actions.select_related("owner", "verified_by"))
    shown = bool(actions) or corrective.expected(pack_for(case), case.severity)
    day = today()
    verify_id = context.get("capa_verify_id")
    rows = [
        {
            "action": a,
            "overdue": a.state == CorrectiveAction.State.OPEN and a.due_on < day,
            "verifiable": a.state == CorrectiveAction.State.OPEN and a.verify_from <= day,
            "refused": a.pk == verify_id,
            "form": context.get("capa_verify") if a.pk == verify_id else VerifyForm(),
        }
        for a in actions
    ]
    return {
        "shown": shown,
        "case": case,
        "rows": rows,
        "may_edit": user.role_code in corrective.ROLES,
        "form": context.get("capa_form") or ActionForm(),
        "csrf_token": context.get("csrf_token"),
    }
