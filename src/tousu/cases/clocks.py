"""Due times of cases and work orders from the pack's clocks (pack key ``sla``).

The pack says how long each step may take (``Pack.clocks_for``); the business calendar turns
a start time and a duration into a deadline. ``next_due_at`` holds the earliest deadline still
pending, so the sweep and the "overdue" filter read one indexed column.

Clocks stand still while the case waits for the customer (``Case.paused_at``; pack key
``sla.pause_on_customer``): internal targets counted from receipt or issue move later by the
time paused (``paused_total``), statutory limits do not, and ``next_due_at`` is empty during
the pause. An approved extension (``Case.extension_until``) replaces an earlier resolve
deadline, and a transferring regulator's deadline (``Case.statutory_reply_until``) replaces
the pack's statutory limit.

Working-hour clocks count office hours: a work order's those of its handling unit
(``Unit.office_hours``) when set, else the pack's (``sla.office_hours``), else the default;
a case's the pack's (``calendar_for``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tousu.cases.models import Case, WorkOrder
from tousu.org.models import Unit
from tousu.packs.schema import Pack
from tousu.rules.calendar import BusinessCalendar
from tousu.rules.durations import Duration
from tousu.rules.lifecycle import OPEN, Status
from tousu.rules.office_hours import OfficeHours

DUE_FIELDS = [
    "due_acknowledge",
    "due_resolve",
    "due_reply",
    "due_follow_up",
    "due_statutory_reply",
    "next_due_at",
]


def business_calendar(office_hours: OfficeHours | None = None) -> BusinessCalendar:
    """The calendar with the administrators' overrides (cached; see ``tousu.clocks.store``),
    with ``office_hours`` instead of the default ones when given."""
    from tousu.clocks import store  # the clocks app imports nothing from here

    return store.current(office_hours)


def office_hours_for(pack: Pack, unit: Unit | None = None) -> OfficeHours | None:
    """The unit's office hours when it has its own, else the pack's (None: the default)."""
    own = unit.parsed_office_hours if unit is not None else None
    return own or pack.sla.office_hours


def calendar_for(pack: Pack, unit: Unit | None = None) -> BusinessCalendar:
    """The calendar a clock of ``pack`` runs on; a work order's passes its handling unit."""
    return business_calendar(office_hours_for(pack, unit))


def _add(
    start: datetime | None, limit: Duration | None, calendar: BusinessCalendar
) -> datetime | None:
    if start is None or limit is None:
        return None
    return calendar.add(start, limit)


def _shifted(due: datetime | None, paused: timedelta) -> datetime | None:
    return due + paused if due is not None and paused else due


def _extended(due: datetime | None, case: Case) -> datetime | None:
    if due is None or case.extension_until is None:
        return due
    return max(due, case.extension_until)


def _clocks(case: Case, pack: Pack) -> dict[str, Duration]:
    return pack.clocks_for(
        severity=case.severity, request_type=case.request_type, category=case.category or None
    )


def refresh_order_due(
    order: WorkOrder, case: Case, pack: Pack, now: datetime, progressed: bool = False
) -> None:
    """Deadlines of one work order, counted from its issue time. A live order also owes a
    progress note: the first ``first_progress`` after issue, then one every
    ``progress_every`` after the last (``progressed``: a note was written ``now``)."""
    sla = pack.sla_for(
        severity=case.severity, request_type=case.request_type, category=case.category or None
    )
    clocks, calendar = sla.clocks, calendar_for(pack, order.unit)
    paused = order.paused_total
    order.due_acknowledge = _shifted(
        _add(order.issued_at, clocks.get("acknowledge"), calendar), paused
    )
    order.due_resolve = _extended(
        _shifted(
            _add(order.issued_at, clocks.get("handle") or clocks.get("resolve"), calendar),
            paused,
        ),
        case,
    )
    pending: list[datetime | None] = []
    if order.status == WorkOrder.State.ISSUED:
        pending.append(order.due_acknowledge)
    if order.status in WorkOrder.LIVE:
        pending.append(order.due_resolve)
        last = now if progressed else last_progress(order, case)
        if last is None:
            first = _add(order.issued_at, clocks.get("first_progress"), calendar)
            pending.append(_shifted(first, paused))
        else:
            pending.append(_add(last, sla.progress_every, calendar))
    order.next_due_at = min((d for d in pending if d is not None), default=None)
    if case.paused_at is not None:
        order.next_due_at = None  # the clock stands still while waiting for the customer


def last_progress(order: WorkOrder, case: Case) -> datetime | None:
    """When the order's unit last wrote a progress note on the case since the order was
    issued (``case.progress`` events name their units); None for a new order."""
    if order.pk is None:
        return None
    notes = case.events.filter(kind="case.progress", at__gte=order.issued_at).order_by("-at")
    unit = order.unit.code
    for at, data in notes.values_list("at", "data"):
        if unit in (data or {}).get("units", ()):
            return at
    return None


def clock_state(case: Case, pack: Pack) -> dict[str, Any]:
    """The clock facts the lifecycle table needs (``CaseState``): may the clock stop, is it
    stopped, does an extension await its approver, and whose role approves one."""
    approver = pack.extension_approver(case.severity)
    return {
        "pause_allowed": pack.sla.pause_on_customer,
        "clock_paused": case.paused_at is not None,
        "extension_pending": case.extension_requested_until is not None,
        "extension_approver": approver.role if approver else None,
    }


def refresh_due(case: Case, pack: Pack, now: datetime) -> None:
    """Recompute the case's deadlines for its current status, severity and category."""
    clocks, calendar = _clocks(case, pack), calendar_for(pack)
    status = Status(case.status)
    received = case.received_at
    paused = case.paused_total
    case.due_resolve = _extended(
        _shifted(_add(received, clocks.get("resolve"), calendar), paused), case
    )
    issued = []
    if not case._state.adding:  # a case being registered has no work orders yet
        issued = [
            o.due_acknowledge
            for o in case.work_orders.filter(status=WorkOrder.State.ISSUED)
            if o.due_acknowledge
        ]
    if status == Status.REGISTERED:
        case.due_acknowledge = _shifted(
            _add(received, clocks.get("dispatch") or clocks.get("acknowledge"), calendar), paused
        )
    else:
        case.due_acknowledge = min(issued, default=None)
    case.due_reply = (
        _add(now, clocks.get("reply"), calendar)
        if status == Status.RESOLVED
        else (case.due_reply if status in (Status.REPLIED, Status.CLOSED) else None)
    )
    follow_up_needed = case.request_type in pack.follow_up.required_for
    case.due_follow_up = (
        _add(case.replied_at, pack.follow_up.within, calendar)
        if status == Status.REPLIED and follow_up_needed
        else None
    )
    statutory = pack.sla.statutory
    case.due_statutory_reply = case.statutory_reply_until or (
        _add(received, statutory.reply, calendar)
        if statutory and case.request_type in statutory.applies_to
        else None
    )
    case.next_due_at = None if case.paused_at is not None else _next_due(case, status)


def _next_due(case: Case, status: Status) -> datetime | None:
    pending: list[datetime | None] = []
    if status in OPEN:
        pending += [case.due_acknowledge, case.due_resolve]
    if status in OPEN or status == Status.RESOLVED:
        pending.append(case.due_statutory_reply)
    if status == Status.RESOLVED:
        pending.append(case.due_reply)
    if status == Status.REPLIED:
        pending.append(case.due_follow_up)
    return min((d for d in pending if d is not None), default=None)


def appeal_open(case: Case, pack: Pack, now: datetime) -> bool:
    """A customer may ask for review until the pack's appeal window after the reply closes."""
    if pack.appeal_window is None or case.replied_at is None:
        return pack.appeal_window is not None
    deadline = _add(case.replied_at, pack.appeal_window, calendar_for(pack))
    return deadline is not None and now <= deadline


def is_overdue(case: Case, now: datetime) -> bool:
    return case.overdue or (case.next_due_at is not None and case.next_due_at < now)
