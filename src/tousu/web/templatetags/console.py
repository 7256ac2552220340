"""Template filters of the console: labels for codes, severity badges and clocks.

``{% load console %}`` then ``{{ case.status|label:"status" }}``, ``{% severity case %}``,
``{% clock case.next_due_at %}``.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tousu.web.console import labels
from tousu.web.console.display import clock_of, severity_tone

register = template.Library()

TABLES = {
    "status": labels.STATUSES,
    "channel": labels.CHANNELS,
    "request_type": labels.REQUEST_TYPES,
    "validity": labels.VALIDITIES,
    "responsibility_class": labels.RESPONSIBILITY_CLASSES,
    "satisfaction": labels.SATISFACTIONS,
    "solution_kind": labels.SOLUTION_KINDS,
    "work_order_state": labels.WORK_ORDER_STATES,
    "proposal_state": labels.PROPOSAL_STATES,
    "role": labels.ROLES,
    "unit_kind": labels.UNIT_KINDS,
    "action": labels.ACTIONS,
    "outcome": labels.SCRIPT_OUTCOMES,
    "event": labels.EVENTS,
    "attachment_source": labels.ATTACHMENT_SOURCES,
}


@register.filter
def label(code: object, table: str) -> str:
    """``{{ "closed"|label:"status" }}`` → 已办结 (English: Closed)."""
    return labels.label(TABLES[table], code)


@register.filter
def may_attach(user: object) -> bool:
    """``{% if user|may_attach %}``: the user may add files to the cases they see."""
    from tousu.rules.attachments import staff_may_attach

    return staff_may_attach(getattr(user, "role_code", None))


@register.simple_tag(takes_context=True)
def clock(
    context: template.Context, due: datetime | None, overdue: bool = False
) -> SafeString | str:
    """A coloured clock badge; the time shown is the deadline itself (on hover)."""
    now = context.get("now") or timezone.now()
    shown = clock_of(due, now, overdue)
    if not shown.text:
        return ""
    title = timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else ""
    return format_html('<span class="clock clock-{}" title="{}">{}</span>', shown.tone, title,
                       shown.text)


@register.simple_tag
def severity(case: object) -> SafeString | str:
    """The case's severity as a coloured badge, named by its pack."""
    from tousu.cases.services.common import pack_for

    code = getattr(case, "severity", "")
    if not code:
        return ""
    pack = pack_for(case)  # type: ignore[arg-type]
    step = pack.severity(code)
    name = step.name if step else code
    tone = severity_tone(getattr(case, "severity_rank", 0), [s.rank for s in pack.severities])
    return format_html('<span class="sev sev-{}">{}</span>', tone, name)


@register.filter
def category_name(case: object) -> str:
    from tousu.cases.services.common import pack_for

    code = getattr(case, "category", "")
    if not code:
        return ""
    node = pack_for(case).category(code)  # type: ignore[arg-type]
    return node.name if node else code


@register.filter
def local_time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@register.simple_tag
def nav_queues(user: object) -> list:
    """The queues of the user's role, for the navigation bar."""
    from tousu.web.console.queues import queues_for

    return queues_for(user) if getattr(user, "is_authenticated", False) else []  # type: ignore[arg-type]


@register.filter
def has_role(user: object, roles: str) -> bool:
    """``{% if user|has_role:"admin,agent" %}``"""
    return getattr(user, "role", None) in roles.split(",")


@register.filter
def can_intake(user: object) -> bool:
    from tousu.web.console.access import INTAKE_ROLES

    return getattr(user, "role", None) in {r.value for r in INTAKE_ROLES}


@register.simple_tag(takes_context=True)
def row_tone(context: template.Context, case: object) -> str:
    """late / near / ok / none: the tone of the case's next deadline, for the row's edge."""
    now = context.get("now") or timezone.now()
    return clock_of(getattr(case, "next_due_at", None), now, getattr(case, "overdue", False)).tone


@register.filter
def masked(value: str, kind: str = "text") -> str:
    """Personal data as lists show it: ``{{ phone|masked:"phone" }}``."""
    from tousu.org.permissions import mask_phone, mask_text

    return mask_phone(value or "") if kind == "phone" else mask_text(value or "")
