"""质量简报 — the quality brief of a period, level by level as the pack's reporting duties say
(pack key ``reporting``; seed 004's four-level rules in the internet and property packs).

Each severity of the pack gets one treatment, read from its duty:

* ``summary`` — no duty, or one without a final report: the cases are summarised by category
  (count, finished, satisfied), as seed 004 asks for ordinary complaints;
* ``course`` — a final report of one section and nobody to alert at once and no corrective
  action (seed 004's 重要: listed one by one with a short account): each case with its course
  (the event timeline);
* ``full`` — a corrective action, a final report of several sections, or a report that
  also alerts people at once (热点, 重大): each case with its course, the cause analysis
  (findings, root cause) and the preventive measures.

The brief covers the cases received in the period, less those refused (invalid). Detailed
levels list at most ``DETAIL_LIMIT`` cases each, earliest first, and say how many there were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q

from tousu.cases.models import Case, Event
from tousu.packs.schema import Pack, ReportingDuty
from tousu.reports import labels
from tousu.reports.corrective import describe
from tousu.reports.figures import Scope
from tousu.reports.models import CorrectiveAction
from tousu.reports.periods import SHANGHAI, Period
from tousu.reports.stats_sql import FINISHED, SATISFIED
from tousu.rules.lifecycle import Status

DETAIL_LIMIT = 50
EVENTS_PER_CASE = 40
# Event kinds whose text records a corrective or preventive measure (纠正预防措施).
PREVENTION_PREFIXES = ("capa.", "case.corrective", "case.prevention")
ACTION_EVENTS = frozenset({"case.corrective_action", "case.corrective_verified"})
NOISE = frozenset({"work_order.progress_reminder", "case.near_breach", "work_order.near_breach"})


@dataclass(frozen=True)
class Level:
    severity: str
    name: str
    rank: int
    treatment: str  # summary | course | full
    sections: tuple[str, ...]  # the final report's sections named by the pack


def treatment(duty: ReportingDuty | None) -> str:
    if duty is None or not (duty.final_report or duty.corrective_action):
        return "summary"
    several = len(duty.final_report) > 1
    if duty.corrective_action or several or duty.notify:
        return "full"
    return "course"


def levels(pack: Pack) -> list[Level]:
    """The pack's severities, most serious first, each with its treatment in the brief."""
    duties = {d.severity: d for d in pack.reporting}
    out = []
    for sev in sorted(pack.severities, key=lambda s: -s.rank):
        duty = duties.get(sev.code)
        sections = duty.final_report if duty else ()
        out.append(Level(sev.code, sev.name, sev.rank, treatment(duty), sections))
    return out


def _summary(cases: Any, pack: Pack, level: Level) -> dict[str, Any]:
    rows = (
        cases.filter(severity=level.severity)
        .values("category")
        .annotate(
            count=Count("pk"),
            finished=Count("pk", filter=Q(status__in=FINISHED)),
            satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED)),
        )
        .order_by("-count", "category")
    )
    items = [
        {
            "category": r["category"],
            "category_name": _category_name(pack, r["category"]),
            "count": r["count"],
            "finished": r["finished"],
            "satisfied": r["satisfied"],
        }
        for r in rows
    ]
    return {"count": sum(i["count"] for i in items), "by_category": items}


def _category_name(pack: Pack, code: str) -> str:
    found = pack.category(code) if code else None
    return found.name if found else (code or labels.NONE)


def _local(value: Any) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else ""


def course(case: Case) -> list[dict[str, str]]:
    """The case's timeline: time, what happened, and the note or reason given."""
    steps = []
    for event in case.events.all():
        if event.kind in NOISE:
            continue
        data = event.data or {}
        note = event.reason or str(data.get("message") or data.get("note") or "")
        steps.append(
            {
                "at": _local(event.at),
                "kind": event.kind,
                "what": labels.event_label(event.kind),
                "note": note[:200],
            }
        )
    return steps[:EVENTS_PER_CASE]


def prevention(case: Case) -> list[str]:
    """The case's corrective and preventive actions (owner, due date, verified effect), then
    measures recorded as ``capa.*`` events by other tools."""
    measures = [describe(a) for a in case.corrective_actions.all()]
    for event in case.events.all():
        if event.kind in ACTION_EVENTS:
            continue  # the actions above
        if event.kind.startswith(PREVENTION_PREFIXES):
            data = event.data or {}
            text = data.get("measure") or data.get("description") or event.reason
            if text:
                measures.append(str(text))
    return measures


def _detail(case: Case, pack: Pack, level: Level) -> dict[str, Any]:
    item: dict[str, Any] = {
        "number": case.number,
        "severity": level.severity,
        "category": case.category,
        "category_name": _category_name(pack, case.category),
        "status": case.status,
        "status_name": labels.STATUSES.get(case.status, case.status),
        "received_at": _local(case.received_at),
        "description": case.description[:300],
        "course": course(case),
    }
    if level.treatment == "full":
        item["cause"] = {"findings": case.findings, "root_cause": case.root_cause}
        item["prevention"] = prevention(case)
    return item


def _details(cases: Any, pack: Pack, level: Level) -> dict[str, Any]:
    chosen = cases.filter(severity=level.severity)
    total = chosen.count()
    events = Prefetch("events", queryset=Event.objects.order_by("at", "id"))
    actions = Prefetch(
        "corrective_actions", queryset=CorrectiveAction.objects.select_related("owner")
    )
    rows = chosen.order_by("received_at", "id").prefetch_related(events, actions)[:DETAIL_LIMIT]
    return {
        "count": total,
        "shown": min(total, DETAIL_LIMIT),
        "cases": [_detail(c, pack, level) for c in rows],
    }


def pack_brief(scope: Scope, period: Period, pack: Pack) -> dict[str, Any]:
    cases = scope.period_cases(period).filter(pack=pack.code)
    cases = cases.exclude(status=Status.INVALID.value)
    out = []
    for level in levels(pack):
        entry: dict[str, Any] = {
            "severity": level.severity,
            "name": level.name,
            "rank": level.rank,
            "treatment": level.treatment,
            "sections": list(level.sections),
        }
        if level.treatment == "summary":
            entry.update(_summary(cases, pack, level))
        else:
            entry.update(_details(cases, pack, level))
        out.append(entry)
    return {"pack": pack.code, "pack_name": pack.name, "levels": out}


def build_brief(scope: Scope, period: Period) -> dict[str, Any]:
    """The quality brief of ``period``: one part per pack with cases in it."""
    if scope.pack:
        codes = [scope.pack]
    else:
        present = scope.period_cases(period).values_list("pack", flat=True).distinct()
        codes = sorted(set(present))
    parts = [pack_brief(scope, period, scope.packs[c]) for c in codes if c in scope.packs]
    total = sum(level.get("count", 0) for part in parts for level in part["levels"])
    return {"period": period.code, "label": period.label(), "count": total, "packs": parts}


__all__ = ["DETAIL_LIMIT", "Level", "build_brief", "course", "levels", "treatment"]
