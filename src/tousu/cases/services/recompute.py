"""Deadlines issued before a unit's office hours changed, counted again in the new hours.

A work order's working-hour clocks (``4wh``…) run in its handling unit's office hours, else
the pack's (``clocks.office_hours_for``). When an administrator changes a unit's hours, or
clears them so that the pack's apply, ``recompute_unit_deadlines`` recounts every live work
order of that unit from its issue time, and the deadlines of its case that follow from it
(``due_acknowledge``, ``next_due_at``); the sweep then judges the new deadlines (a moved
``next_due_at`` is one it has not looked at). Each case whose deadlines moved gets one event,
``case.deadlines_recomputed``: ``before``/``after`` hold the case's moved deadlines, ``data``
the unit, its new hours and each work order's moved deadlines.

A pack's office hours are part of the pack version a case keeps (SPEC §11): installing a new
version moves no deadline already issued; new cases follow the new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tousu.cases import clocks
from tousu.cases.models import Case, WorkOrder
from tousu.cases.services.common import SYSTEM, Actor, pack_for, record, resolve_now
from tousu.org.models import Unit
from tousu.rules.lifecycle import OPEN
from tousu.rules.office_hours import as_text

BATCH = 500  # cases per transaction
ORDER_DUES = ["due_acknowledge", "due_resolve", "next_due_at"]
KIND = "case.deadlines_recomputed"


@dataclass
class Recomputed:
    cases: list[str] = field(default_factory=list)  # numbers of the cases whose deadlines moved
    orders: int = 0  # work orders whose deadlines moved


def recompute_unit_deadlines(
    unit: Unit, *, actor: Actor = SYSTEM, now: datetime | None = None
) -> Recomputed:
    """Recount the deadlines of ``unit``'s live work orders in its office hours as stored now."""
    now = resolve_now(now)
    unit = Unit.objects.get(pk=unit.pk)  # the hours as saved, not an unsaved edit
    hours = unit.parsed_office_hours
    open_cases = WorkOrder.objects.filter(
        unit=unit, status__in=WorkOrder.LIVE, case__status__in=[s.value for s in OPEN]
    )
    ids = sorted(set(open_cases.values_list("case_id", flat=True)))
    result = Recomputed()
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            for case in _locked(ids[start : start + BATCH]):
                moved = _recompute_case(case, unit, now)
                if moved is None:
                    continue
                before, after, orders = moved
                data = {
                    "reason": "office_hours",
                    "unit": unit.code,
                    "office_hours": as_text(hours) if hours else None,  # None: the pack's
                    "work_orders": orders,
                }
                record(case, KIND, actor, now, before=before, after=after, data=data)
                result.cases.append(case.number)
                result.orders += len(orders)
    return result


def _locked(ids: list[int]) -> list[Case]:
    query = Case.objects.filter(pk__in=ids).order_by("id")
    if connection.features.has_select_for_update:
        query = query.select_for_update(of=("self",))
    return list(query)


def _recompute_case(
    case: Case, unit: Unit, now: datetime
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]] | None:
    """Recount the case's live orders of ``unit`` and the case's deadlines that follow them;
    save what moved. None when nothing did."""
    if case.paused_at is not None or case.status not in {s.value for s in OPEN}:
        return None  # paused: no deadline runs now; resuming recounts them all
    pack = pack_for(case)
    moved_orders = []
    live = case.work_orders.filter(unit=unit, status__in=WorkOrder.LIVE).select_related("unit")
    for order in live.order_by("id"):
        old = {name: getattr(order, name) for name in ORDER_DUES}
        clocks.refresh_order_due(order, case, pack, now)
        changed = [name for name in ORDER_DUES if getattr(order, name) != old[name]]
        if changed:
            order.save(update_fields=changed)
            moved_orders.append(
                {
                    "id": order.pk,
                    "before": {name: _iso(old[name]) for name in changed},
                    "after": {name: _iso(getattr(order, name)) for name in changed},
                }
            )
    if not moved_orders:
        return None
    old_case = {name: getattr(case, name) for name in clocks.DUE_FIELDS}
    clocks.refresh_due(case, pack, now)  # due_acknowledge follows the issued orders
    changed = [name for name in clocks.DUE_FIELDS if getattr(case, name) != old_case[name]]
    case.version += 1
    case.updated_at = now
    case.save(update_fields=[*clocks.DUE_FIELDS, "version", "updated_at"])
    before = {name: _iso(old_case[name]) for name in changed}
    after = {name: _iso(getattr(case, name)) for name in changed}
    return before, after, moved_orders


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None
