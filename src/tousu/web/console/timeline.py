"""A case's history in plain words: each event's title from ``labels.EVENTS`` and a few
detail lines from its before/after state and data (units, wording, satisfaction…)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.cases.models import Event
from tousu.packs.schema import Pack
from tousu.web.console import labels

FIELD_NAMES = {
    "status": gettext_lazy("状态"),
    "category": gettext_lazy("类别"),
    "severity": gettext_lazy("级别"),
    "validity": gettext_lazy("性质"),
    "validity_reason": gettext_lazy("无效原因"),
    "responsibility_class": gettext_lazy("责任类别"),
    "request_type": gettext_lazy("诉求类型"),
    "escalation_level": gettext_lazy("升级级别"),
}


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    actor: str
    kind: str
    details: list[str] = field(default_factory=list)


def value_name(name: str, code: Any, pack: Pack) -> str:
    """A field value as the page names it (pack names for pack codes)."""
    if code in (None, ""):
        return "—"
    if name == "category" and (node := pack.category(code)):
        return node.name
    if name == "severity" and (step := pack.severity(code)):
        return step.name
    if name == "escalation_level" and (level := pack.escalation_level(code)):
        return level.name
    if name == "validity_reason":
        return pack.invalid_reasons.get(code, code)
    tables: Mapping[str, dict] = {
        "status": labels.STATUSES,
        "validity": labels.VALIDITIES,
        "responsibility_class": labels.RESPONSIBILITY_CLASSES,
        "request_type": labels.REQUEST_TYPES,
    }
    return labels.label(tables[name], code) if name in tables else str(code)


def _changes(event: Event, pack: Pack) -> list[str]:
    lines = []
    for name, old in (event.before or {}).items():
        new = (event.after or {}).get(name)
        title = FIELD_NAMES.get(name, name)
        lines.append(_("%(field)s：%(old)s → %(new)s") % {
            "field": title, "old": value_name(name, old, pack), "new": value_name(name, new, pack)})
    return lines


def _units(codes: Any, units: Mapping[str, str]) -> str:
    items = codes if isinstance(codes, list) else [codes]
    return "、".join(units.get(str(c), str(c)) for c in items if c)


def _solutions(items: list[dict[str, Any]]) -> list[str]:
    lines = []
    for item in items or []:
        text = f"{labels.label(labels.SOLUTION_KINDS, item.get('kind'))}：{item.get('description')}"
        if item.get("amount") not in (None, ""):
            text += _("（%(amount)s 元）") % {"amount": item["amount"]}
        lines.append(text)
    return lines


def _unit_line(data: dict[str, Any], units: Mapping[str, str]) -> list[str]:
    return [_("部门：%(unit)s") % {"unit": _units(data.get("unit"), units)}]


def _clock(data: dict[str, Any], units: Mapping[str, str]) -> list[str]:
    lines = []
    if data.get("clock"):
        lines.append(_("时限：%(clock)s") % {"clock": labels.label(labels.CLOCKS, data["clock"])})
    if data.get("notify"):
        who = "、".join(labels.label(labels.ROLES, r) for r in data["notify"])
        lines.append(_("通知：%(who)s") % {"who": who})
    return lines


def _not_reopened(data: dict[str, Any], units: Mapping[str, str]) -> list[str]:
    """A reopening (reopen, dissatisfied follow-up) leaves the orders of stopped units done."""
    skipped = data.get("not_reopened") or []
    if not skipped:
        return []
    codes = [o.get("unit") for o in skipped]
    lines = [_("部门已停用，其处理单未重开：%(units)s") % {"units": _units(codes, units)}]
    if data.get("back_to_dispatch"):
        lines.append(_("原处理部门都已停用，案件退回待派单"))
    return lines


def _kept_closed(data: dict[str, Any]) -> list[str]:
    """A dissatisfied follow-up that the pack's rule closes (follow_up.dissatisfied_reopens)."""
    if data.get("reopened") is False:
        return [_("按本行业规则，客户不满意也不重开处理，案件已结案")]
    return []


Detail = Callable[[dict[str, Any], Mapping[str, str]], list[str]]

DETAILS: dict[str, Detail] = {
    "case.dispatched": lambda d, u: [_("派往：%(units)s") % {"units": _units(d.get("units"), u)}],
    "work_order.issued": lambda d, u: _unit_line(d, u),
    "work_order.acknowledged": lambda d, u: _unit_line(d, u),
    "work_order.returned": lambda d, u: _unit_line(d, u),
    "work_order.done": lambda d, u: _unit_line(d, u),
    "case.replied": lambda d, u: [_("答复内容：%(text)s") % {"text": d.get("message", "")}],
    "case.closed_at_window": lambda d, u: (
        [_("所用口径：%(text)s") % {"text": d["wording"]}] if d.get("wording") else []
    ),
    "case.followed_up": lambda d, u: (
        [_("满意度：%(s)s") % {"s": labels.label(labels.SATISFACTIONS, d.get("satisfaction"))}]
        + _kept_closed(d)
        + _not_reopened(d, u)
    ),
    "case.reopened": _not_reopened,
    "case.urged": lambda d, u: [_("第 %(n)s 次催办") % {"n": d.get("urge_count", "")}],
    "case.proposed": lambda d, u: _solutions(d.get("solutions") or []),
    "case.merged": lambda d, u: [_("并入：%(n)s") % {"n": d.get("into", "")}],
    "case.escalated": lambda d, u: (
        [_("上报至：%(to)s") % {"to": d["to"]}] if d.get("to") else _clock(d, u)
    ),
    "case.overdue": _clock,
    "case.near_breach": _clock,
    "work_order.near_breach": lambda d, u: _clock(d, u) + _unit_line(d, u),
    "work_order.progress_reminder": lambda d, u: _unit_line(d, u),
    "case.incident_joined": lambda d, u: [
        _("与投诉单 %(n)s 属同一事项") % {"n": d.get("matched_case", "")}
    ] if d.get("matched_case") else [],
}
# Events whose reason is a code or an English note for the log, not words for the page.
QUIET_REASON = frozenset({"case.incident_joined"})


def _detail(event: Event, pack: Pack, units: Mapping[str, str]) -> list[str]:
    lines = _changes(event, pack)
    data = event.data or {}
    if event.kind == "case.registered":
        lines.append(
            _("渠道：%(channel)s；诉求类型：%(type)s")
            % {
                "channel": labels.label(labels.CHANNELS, data.get("channel")),
                "type": value_name("request_type", data.get("request_type"), pack),
            }
        )
        if script := data.get("script"):
            outcome = labels.label(labels.SCRIPT_OUTCOMES, script.get("outcome"))
            lines.append(_("规范应答结论：%(outcome)s") % {"outcome": outcome})
    elif detail := DETAILS.get(event.kind):
        lines.extend(detail(data, units))
    quiet = event.kind in QUIET_REASON or event.reason == data.get("step")
    if event.reason and not quiet:
        lines.append(_("说明：%(text)s") % {"text": event.reason})
    return lines


def _actor(event: Event) -> str:
    """The staff member; else the customer (portal, public API) or the system."""
    if event.actor_id:
        return event.actor.display_name or event.actor.username
    return _("客户") if (event.data or {}).get("by") == "customer" else _("系统")


def timeline(events: list[Event], pack: Pack, units: Mapping[str, str]) -> list[TimelineEntry]:
    """Newest first."""
    entries = [
        TimelineEntry(
            at=e.at,
            title=labels.label(labels.EVENTS, e.kind),
            actor=_actor(e),
            kind=e.kind,
            details=_detail(e, pack, units),
        )
        for e in events
    ]
    return list(reversed(entries))
