"""One case in a sweep: its own clock, its work orders' clocks, reminders and age upgrades.

Decisions come from ``tousu.rules.escalation``; this module turns them into events (collected
in a ``Batch`` and written by ``tousu.cases.sweep`` in bulk), clock state on the rows, and the
occasional severity raise. Event kinds: ``case.near_breach`` / ``work_order.near_breach``,
``case.escalated`` (``data.step``: the pack's step code; ``data.work_order`` when a work
order's clock broke), ``case.overdue`` (the case is first marked overdue),
``case.severity_raised`` and ``work_order.progress_reminder``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from tousu.cases import history
from tousu.cases.models import Case, Event, WorkOrder
from tousu.cases.services.common import SYSTEM
from tousu.cases.services.grading import apply_upgrades
from tousu.cases.sweep_state import Batch, CaseRun, fields_of, snapshot
from tousu.notify.recipients import Subject
from tousu.rules import escalation as rules
from tousu.rules.lifecycle import OPEN, Status

MAX_ROUNDS = 3  # a severity raise moves deadlines; look again, at most this often


def sweep_case(case: Case, orders: list[WorkOrder], batch: Batch) -> None:
    """Evaluate every clock of one locked case and queue what changed in ``batch``.

    Rows the selection found are marked as looked at; the others (a case visited for its
    work order) keep their sweep columns, so that writing them touches no indexed column.
    The case's new events are sealed here (the hash chain, SPEC §8), so that its latest
    digest is saved by the same UPDATE as its other changes.
    """
    first_event = len(batch.events)
    rows: list[Case | WorkOrder] = [case, *orders]
    selected = [batch.selected(row) for row in rows]
    before = [snapshot(row) for row in rows]
    dues = [row.next_due_at for row in rows]
    live = [o for o in orders if o.status in WorkOrder.LIVE]
    run = CaseRun(case, batch.pack(case.pack_version_id), live, batch)
    if case.paused_at is None:  # waiting for the customer: every clock stands still
        for _ in range(MAX_ROUNDS):
            run.wakes.clear()
            # a case found only through a work order has nothing due on its own clock nor an
            # age upgrade (its next_due_at or sweep_at would have selected it), unless a raise
            # here moved its deadlines
            own = selected[0] or case.next_due_at != dues[0]
            raised = _case_clock(run) if own else False
            for order in live:
                raised |= _order_clock(run, order)
            raised |= _age_upgrades(run) if own else False
            if not raised:
                break
    new = [pending.event for pending in batch.events[first_event:]]
    if new:  # after any events apply_upgrades stored itself, as their ids come first
        case.history_digest = history.seal(new, case.history_digest)
    for row, was_selected, old, due in zip(rows, selected, before, dues, strict=True):
        if was_selected or row.next_due_at != due:
            _settle(row, run.wakes.get(id(row), []), batch.now)
        names = fields_of(row)
        fields = tuple(n for n, a, b in zip(names, old, snapshot(row), strict=True) if a != b)
        if fields:
            batch.changed.setdefault((type(row), fields), []).append(row)


def _settle(row: Case | WorkOrder, wakes: list[datetime | None], now: datetime) -> None:
    """Remember which deadline was looked at and when to look next."""
    row.swept_due_at = row.next_due_at
    row.sweep_at = min((w for w in wakes if w is not None and w > now), default=None)


# --- clocks ---------------------------------------------------------------------------------


def _case_clock(run: CaseRun) -> bool:
    clock, due = case_clock(run.case)
    return _run_clock(run, run.case, Subject(run.case, run.pack, run.live), clock, due)


def _order_clock(run: CaseRun, order: WorkOrder) -> bool:
    subject = Subject(run.case, run.pack, [order], level="order")
    raised = _run_clock(run, order, subject, order_clock(order), order.next_due_at)
    run.wake(order, _reminder(run, order, subject))
    return raised


def case_clock(case: Case) -> tuple[str, datetime | None]:
    """The case's own earliest pending deadline. Acknowledgement after dispatch is left to
    the work orders, which carry it."""
    status = Status(case.status)
    pending = {
        "dispatch": case.due_acknowledge if status == Status.REGISTERED else None,
        "resolve": case.due_resolve if status in OPEN else None,
        "statutory_reply": case.due_statutory_reply
        if status in OPEN or status == Status.RESOLVED
        else None,
        "reply": case.due_reply if status == Status.RESOLVED else None,
        "follow_up": case.due_follow_up if status == Status.REPLIED else None,
    }
    found = [(due, name) for name, due in pending.items() if due is not None]
    if not found:
        return "", None
    due, name = min(found)
    return name, due


def order_clock(order: WorkOrder) -> str:
    if order.next_due_at is None:
        return ""
    if order.status == WorkOrder.State.ISSUED and order.next_due_at == order.due_acknowledge:
        return "acknowledge"
    return "handle" if order.next_due_at == order.due_resolve else "progress"


def _run_clock(
    run: CaseRun, row: Case | WorkOrder, subject: Subject, clock: str, due: datetime | None
) -> bool:
    steps, batch = run.pack.sla.escalation, run.batch
    state = rules.ClockState(due, row.escalation_from, row.escalation_step, row.warned_due_at)
    plan = rules.plan_clock(
        state,
        step_after=[s.after for s in steps],
        margin=batch.margin(run.pack),
        now=batch.now,
        add=batch.calendar_for(run.pack, row).add,
    )
    row.escalation_from, row.escalation_step = (
        plan.state.escalation_from,
        plan.state.escalation_step,
    )
    row.warned_due_at = plan.state.warned_due
    run.wake(row, plan.wake_at)
    data = _clock_data(subject, clock, due)
    if plan.near_breach:
        kind = "work_order.near_breach" if "work_order" in data else "case.near_breach"
        batch.record(subject, kind, f"{_where(data)} {clock} due {_hm(due)}", data=data)
    raised = False
    for index in plan.steps:
        raised |= _apply_step(run, subject, index, data)
    return raised


def _hm(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _clock_data(subject: Subject, clock: str, due: datetime | None) -> dict[str, Any]:
    data: dict[str, Any] = {"clock": clock, "due": due.isoformat() if due else None}
    if subject.level == "order":
        order = subject.orders[0]
        data.update(work_order=order.pk, unit=order.unit.code)
    return data


def _where(data: dict[str, Any]) -> str:
    return f"work order {data['unit']}:" if "work_order" in data else "case:"


def _apply_step(run: CaseRun, subject: Subject, index: int, clock_data: dict[str, Any]) -> bool:
    step, case, batch = run.pack.sla.escalation[index], run.case, run.batch
    data = {
        **clock_data,
        "step": step.code,
        "index": index,
        "notify": list(step.notify),
        "mark_overdue": step.mark_overdue,
        "raise_severity": step.raise_severity,
    }
    batch.record(subject, "case.escalated", f"{_where(data)} escalated {step.code}", data=data)
    if step.mark_overdue and not case.overdue:
        case.overdue = True
        _bump(case, batch.now)
        batch.record(subject, "case.overdue", f"{_where(data)} overdue", data=clock_data)
    return step.raise_severity and _raise_severity(run, subject, step.code)


def _bump(case: Case, now: datetime) -> None:
    case.version += 1
    case.updated_at = now


def _raise_severity(run: CaseRun, subject: Subject, step_code: str) -> bool:
    """Move the case one rank up the pack's ladder (none above: nothing happens)."""
    case = run.case
    ladder = sorted(run.pack.severities, key=lambda s: s.rank)
    higher = [s for s in ladder if s.rank > case.severity_rank]
    if not higher or _raised_by(run, step_code):
        return False
    before, case.severity, case.severity_rank = case.severity, higher[0].code, higher[0].rank
    run.batch.record(
        subject,
        "case.severity_raised",
        f"severity {before} -> {case.severity}",
        before={"severity": before},
        after={"severity": case.severity},
        reason=step_code,
        data={"step": step_code, "trigger": "sweep"},
    )
    run.refresh()
    _bump(case, run.batch.now)
    return True


def _raised_by(run: CaseRun, step_code: str) -> bool:
    """A step raises a case once, whichever of its clocks (case, work orders) gets there
    first: a week's delay on three work orders is one delay, not three ranks."""
    pending = any(
        p.event.kind == "case.severity_raised" and p.event.data.get("step") == step_code
        for p in run.batch.events
        if p.event.case_id == run.case.pk
    )
    stored = Event.objects.filter(
        case=run.case, kind="case.severity_raised", data__step=step_code, data__trigger="sweep"
    )
    return pending or stored.exists()


# --- reminders and age ----------------------------------------------------------------------


def _reminder(run: CaseRun, order: WorkOrder, subject: Subject) -> datetime | None:
    """Daily progress reminder for a signed-for work order (pack key ``progress_due_by``)."""
    case, batch = run.case, run.batch
    if order.status != WorkOrder.State.ACKNOWLEDGED:
        return None
    sla = batch.sla(case, run.pack)
    if sla.progress_due_by is None:
        return None
    plan = rules.plan_reminder(
        cutoff=sla.progress_due_by,
        margin=batch.margin(run.pack),
        reminded_on=order.progress_reminded_on,
        now=batch.now,
        next_cutoff=batch.calendar_for(run.pack, order).next_daily_cutoff,
    )
    if plan.remind and case.pk not in batch.progressed:
        data = {"work_order": order.pk, "unit": order.unit.code,
                "cutoff": f"{sla.progress_due_by:%H:%M}"}  # fmt: skip
        line = f"work order {order.unit.code}: progress reminder"
        batch.record(subject, "work_order.progress_reminder", line, data=data)
    order.progress_reminded_on = plan.reminded_on
    return plan.wake_at


def _age_upgrades(run: CaseRun) -> bool:
    """Grading rules on the age of an open valid case (e.g. unresolved a month → major): apply
    them once their age is reached, and look again when the next one will be."""
    case, now = run.case, run.batch.now
    if Status(case.status) not in OPEN or case.validity not in ("", "valid"):
        return False
    moments = _age_thresholds(run)
    for moment in moments:
        run.wake(case, moment)
    if not any(m <= now for m in moments):
        return False
    run.load_all()
    upgrades = apply_upgrades(case, SYSTEM, now, trigger="sweep")  # writes its own events
    for up in upgrades:
        run.batch.notes.append(
            (f"case.{up.field}_raised", f"{case.number} {up.field} -> {up.code}")
        )
    if not upgrades:
        return False
    run.refresh()
    return True


def _age_thresholds(run: CaseRun) -> list[datetime]:
    case, calendar = run.case, run.batch.calendar_for(run.pack)
    moments = []
    for age, strictly in run.batch.age_limits(run.pack, case.severity_rank):
        moment = calendar.add(case.received_at, age)
        moments.append(moment + timedelta(seconds=1) if strictly else moment)
    return moments
