"""Actions of the customer-service centre: triage, window close, dispatch, reply, follow-up,
urging, escalation, reopening, appeal, withdrawal, invalidation and merging."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import transaction

from tousu.cases import clocks
from tousu.cases.incidents import households_of
from tousu.cases.models import (
    CHANNELS,
    MAX_NOTE,
    RESPONSIBILITY_CLASSES,
    SATISFACTIONS,
    VALIDITIES,
    Case,
    Incident,
    WorkOrder,
)
from tousu.cases.services.common import (
    Actor,
    lock_units,
    move,
    optional_text,
    record,
    required_text,
    resolve_now,
    share_lock_units,
    state_of,
)
from tousu.cases.services.context import begin
from tousu.rules import lifecycle
from tousu.rules.errors import ErrorCode, FieldError, ValidationFailed
from tousu.rules.lifecycle import Action, CaseState, Status


@transaction.atomic
def triage_case(
    *,
    actor: Actor,
    number: str,
    category: str = "",
    severity: str = "",
    validity: str = "",
    validity_reason: str = "",
    responsibility_class: str = "",
    request_type: str = "",
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Set category, severity, validity and responsibility class (omitted fields are kept).
    A consultation turned complaint keeps its history (SPEC §3)."""
    now = resolve_now(now)
    case, pack = begin(actor, number, expected_version)
    lifecycle.decide(state_of(case, pack, now=now), Action.TRIAGE, actor.role)
    errors: list[FieldError] = []
    checks = (
        ("category", category, lambda v: pack.category(v) is not None),
        ("severity", severity, lambda v: pack.severity(v) is not None),
        ("validity", validity, lambda v: v in VALIDITIES),
        ("responsibility_class", responsibility_class, lambda v: v in RESPONSIBILITY_CLASSES),
        ("request_type", request_type, lambda v: v in pack.request_types),
    )
    for name, value, ok in checks:
        if value and not ok(value):
            errors.append(FieldError(name, ErrorCode.UNKNOWN, f"unknown {name} '{value}'"))
    if validity == "invalid":
        errors.append(
            FieldError(
                "validity", ErrorCode.INVALID, "use the mark-invalid action to refuse a case"
            )
        )
    if errors:
        raise ValidationFailed("triage refused: " + "; ".join(e.message for e in errors), errors)
    changes = {
        "category": category,
        "severity": severity,
        "validity": validity,
        "validity_reason": validity_reason,
        "responsibility_class": responsibility_class,
        "request_type": request_type,
    }
    before = {k: getattr(case, k) for k, v in changes.items() if v and getattr(case, k) != v}
    for key in before:
        setattr(case, key, changes[key])
    if "severity" in before:
        sev = pack.severity(severity)
        assert sev is not None
        case.severity_rank = sev.rank
    clocks.refresh_due(case, pack, now)
    move(case, Status(case.status), now, [*before, "severity_rank", *clocks.DUE_FIELDS])
    after = {k: getattr(case, k) for k in before}
    record(case, "case.triaged", actor, now, before=before, after=after, reason=reason)
    if before.get("request_type") == "consultation" and request_type == "complaint":
        record(case, "case.converted_to_complaint", actor, now, reason=reason)
    return case


@transaction.atomic
def close_at_window(
    *,
    actor: Actor,
    number: str,
    wording: str = "",
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """直接办结: the window explained, the customer accepted; no work order is issued."""
    now = resolve_now(now)
    wording = optional_text(wording, "wording", MAX_NOTE)
    case, pack = begin(actor, number, expected_version)
    new = lifecycle.decide(state_of(case, pack, now=now), Action.CLOSE_AT_WINDOW, actor.role)
    case.replied_at = now
    changed = move(case, new, now, ["replied_at"])
    clocks.refresh_due(case, pack, now)
    case.save(update_fields=clocks.DUE_FIELDS)
    record(
        case,
        "case.closed_at_window",
        actor,
        now,
        before=changed,
        after={"status": new.value},
        reason=note,
        data={"wording": wording},
    )
    return case


@transaction.atomic
def dispatch_case(
    *,
    actor: Actor,
    number: str,
    units: list[str],
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """派单: one work order per named unit (a unit already holding a live order is refused)."""
    now = resolve_now(now)
    if not units:
        raise ValidationFailed.one("units", "name at least one unit to dispatch to")
    # locked before the case, the order of every unit-then-case locker (a unit's office hours
    # changed in the admin recount its cases' deadlines); a stop waits for this dispatch
    targets = lock_units(units)
    case, pack = begin(actor, number, expected_version)
    new = lifecycle.decide(state_of(case, pack, now=now), Action.DISPATCH, actor.role)
    holding = set(
        case.work_orders.filter(status__in=WorkOrder.LIVE).values_list("unit_id", flat=True)
    )
    for i, unit in enumerate(targets):
        if unit.pk in holding:
            raise ValidationFailed.one(
                f"units[{i}]", f"unit '{unit.code}' already holds a live work order on this case"
            )
        holding.add(unit.pk)
    for unit in targets:
        order = WorkOrder(case=case, unit=unit, issued_at=now)
        clocks.refresh_order_due(order, case, pack, now)
        order.save()
        record(
            case,
            "work_order.issued",
            actor,
            now,
            reason=note,
            data={"unit": unit.code, "work_order": order.pk},
        )
    changed = move(case, new, now)
    clocks.refresh_due(case, pack, now)
    case.save(update_fields=clocks.DUE_FIELDS)
    record(
        case,
        "case.dispatched",
        actor,
        now,
        before=changed,
        after={"status": new.value},
        reason=note,
        data={"units": [u.code for u in targets]},
    )
    return case


@transaction.atomic
def reply_case(
    *,
    actor: Actor,
    number: str,
    message: str,
    channel: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """告知结果: the customer is told the result; cases that need no follow-up close now."""
    now = resolve_now(now)
    message = required_text(message, "message", MAX_NOTE)
    if channel and channel not in CHANNELS:
        raise ValidationFailed.one("channel", f"unknown channel '{channel}'", ErrorCode.UNKNOWN)
    case, pack = begin(actor, number, expected_version)
    new = lifecycle.decide(state_of(case, pack, now=now), Action.REPLY, actor.role)
    case.replied_at = now
    changed = move(case, new, now, ["replied_at"])
    clocks.refresh_due(case, pack, now)
    case.save(update_fields=clocks.DUE_FIELDS)
    record(
        case,
        "case.replied",
        actor,
        now,
        before=changed,
        after={"status": new.value},
        data={"message": message, "channel": channel or case.channel},
    )
    return case


@transaction.atomic
def follow_up_case(
    *,
    actor: Actor,
    number: str,
    satisfaction: str,
    comment: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """回访: satisfied → closed; dissatisfied → back to processing for re-investigation, or
    closed with the dissatisfaction recorded when the pack says so (``dissatisfied_reopens``)."""
    now = resolve_now(now)
    if satisfaction not in SATISFACTIONS:
        raise ValidationFailed.one(
            "satisfaction", f"satisfaction must be one of {', '.join(SATISFACTIONS)}"
        )
    comment = optional_text(comment, "comment", MAX_NOTE)
    satisfied = satisfaction != "dissatisfied"
    done = _DoneOrders(number) if not satisfied else None
    case, pack = begin(actor, number, expected_version)
    state = state_of(case, pack, satisfied=satisfied, now=now)
    if done is not None:
        state = done.read(case, state)
    new = lifecycle.decide(state, Action.FOLLOW_UP, actor.role)
    case.satisfaction = satisfaction
    outcome = done.reopen(new) if done is not None else {}
    changed = move(case, new, now, ["satisfaction"])
    clocks.refresh_due(case, pack, now)
    case.save(update_fields=clocks.DUE_FIELDS)
    record(
        case,
        "case.followed_up",
        actor,
        now,
        before=changed,
        after={"status": new.value},
        reason=comment,
        data={"satisfaction": satisfaction, **outcome},
    )
    return case


class _DoneOrders:
    """Re-investigation (reopen, a dissatisfied follow-up) goes back to the units that finished
    the case, but a stopped unit gets no open work: its done order stays done. Their units are
    share-locked (``share_lock_units``) before the case, as a dispatch locks its units, so a
    stop of one of them either commits first and is seen here or waits for this action and
    then counts the reopened order."""

    def __init__(self, number: str) -> None:
        codes = WorkOrder.objects.filter(
            case__number=number, status=WorkOrder.State.DONE
        ).values_list("unit__code", flat=True)
        self.units = share_lock_units(codes)
        self.orders: list[WorkOrder] = []

    def read(self, case: Case, state: CaseState) -> CaseState:
        """The case's done orders, now that it is locked; ``state`` told how many are stopped."""
        self.orders = list(
            case.work_orders.filter(status=WorkOrder.State.DONE)
            .select_related("unit")
            .order_by("pk")
        )
        missing = {o.unit.code for o in self.orders} - self.units.keys()
        if missing:  # finished between the first read and the case's lock: rare
            self.units.update(share_lock_units(missing))
        stopped = sum(1 for o in self.orders if not self.units[o.unit.code].active)
        return replace(state, stopped_done_orders=stopped)

    def reopen(self, new: Status) -> dict[str, Any]:
        """Reopen the orders at active units when the case goes back to processing; what the
        event records: the orders left done because their unit is stopped, whether the case
        went back to be dispatched instead (every unit stopped), or that the pack's rule kept
        it closed."""
        if new == Status.CLOSED:  # the pack keeps a dissatisfied case closed: nothing reopens
            return {"reopened": False, "why": "pack_rule", "rule": "follow_up.dissatisfied_reopens"}
        stopped = [o for o in self.orders if not self.units[o.unit.code].active]
        if new == Status.PROCESSING:
            live = [o.pk for o in self.orders if self.units[o.unit.code].active]
            WorkOrder.objects.filter(pk__in=live).update(
                status=WorkOrder.State.ACKNOWLEDGED, done_at=None
            )
        if not stopped:
            return {}
        outcome: dict[str, Any] = {
            "not_reopened": [{"work_order": o.pk, "unit": o.unit.code} for o in stopped],
            "why": "unit_stopped",
        }
        if new == Status.REGISTERED:
            outcome["back_to_dispatch"] = True
        return outcome


@transaction.atomic
def urge_case(
    *,
    actor: Actor,
    number: str,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """催办: a repeat contact about an open case is counted, logged and graded."""
    from tousu.cases.services.grading import apply_upgrades

    now = resolve_now(now)
    note = optional_text(note, "note", 5000)
    case, pack = begin(actor, number, expected_version)
    lifecycle.decide(state_of(case, pack, now=now), Action.URGE, actor.role)
    case.urge_count += 1
    move(case, Status(case.status), now, ["urge_count"])
    units = sorted(
        case.work_orders.filter(status__in=WorkOrder.LIVE).values_list("unit__code", flat=True)
    )
    record(
        case,
        "case.urged",
        actor,
        now,
        reason=note,
        data={"urge_count": case.urge_count, "notify_units": units},
    )
    apply_upgrades(case, actor, now, trigger="urged")
    return case


@transaction.atomic
def escalate_case(
    *,
    actor: Actor,
    number: str,
    reason: str,
    to: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """升级: hand the case up (to a role or unit), counted and logged."""
    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    to = optional_text(to, "to", 60)
    case, pack = begin(actor, number, expected_version)
    lifecycle.decide(state_of(case, pack, now=now), Action.ESCALATE, actor.role)
    case.escalation_count += 1
    move(case, Status(case.status), now, ["escalation_count"])
    record(
        case,
        "case.escalated",
        actor,
        now,
        reason=reason,
        data={"to": to, "escalation_count": case.escalation_count},
    )
    return case


@transaction.atomic
def reopen_case(
    *,
    actor: Actor,
    number: str,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    done = _DoneOrders(number)
    case, pack = begin(actor, number, expected_version)
    state = done.read(case, state_of(case, pack, now=now))
    new = lifecycle.decide(state, Action.REOPEN, actor.role)
    outcome = done.reopen(new)
    case.closed_at = None
    changed = move(case, new, now)
    Case.objects.filter(pk=case.pk).update(closed_at=None)
    clocks.refresh_due(case, pack, now)
    case.save(update_fields=clocks.DUE_FIELDS)
    record(
        case,
        "case.reopened",
        actor,
        now,
        before=changed,
        after={"status": new.value},
        reason=reason,
        data=outcome,
    )
    return case


@transaction.atomic
def appeal_case(
    *,
    actor: Actor,
    number: str,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """复核: within the pack's window after the reply; the case goes back to be dispatched, and
    the handlers who answered it may not take the review."""
    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    case, pack = begin(actor, number, expected_version)
    new = lifecycle.decide(state_of(case, pack, now=now), Action.APPEAL, actor.role)
    previous = sorted(
        set(case.work_orders.exclude(handler=None).values_list("handler_id", flat=True))
    )
    case.appeal_count += 1
    case.closed_at = None
    changed = move(case, new, now, ["appeal_count"])
    Case.objects.filter(pk=case.pk).update(closed_at=None)
    clocks.refresh_due(case, pack, now)
    case.save(update_fields=clocks.DUE_FIELDS)
    record(
        case,
        "case.appealed",
        actor,
        now,
        before=changed,
        after={"status": new.value},
        reason=reason,
        data={"excluded_handlers": previous},
    )
    return case


def _finish(
    actor: Actor,
    number: str,
    action: Action,
    kind: str,
    reason: str,
    expected_version: int | None,
    now: datetime,
    **fields: str,
) -> Case:
    case, pack = begin(actor, number, expected_version)
    new = lifecycle.decide(state_of(case, pack, now=now), action, actor.role)
    case.work_orders.filter(status__in=WorkOrder.LIVE).update(
        status=WorkOrder.State.CANCELLED, next_due_at=None
    )
    for key, value in fields.items():
        setattr(case, key, value)
    case.next_due_at = None
    case.closed_at = now
    changed = move(case, new, now, [*fields, "next_due_at"])
    record(
        case,
        kind,
        actor,
        now,
        before=changed,
        after={"status": new.value},
        reason=reason,
        data=fields,
    )
    return case


@transaction.atomic
def withdraw_case(
    *,
    actor: Actor,
    number: str,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    return _finish(actor, number, Action.WITHDRAW, "case.withdrawn", reason, expected_version, now)


@transaction.atomic
def mark_invalid(
    *,
    actor: Actor,
    number: str,
    validity_reason: str,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Not accepted (无效), with one of the pack's invalid-reason codes."""
    now = resolve_now(now)
    code = required_text(validity_reason, "validity_reason", 60)
    case = Case.objects.filter(number=number).only("pack_version").first()
    if case is not None:
        from tousu.cases.services.common import pack_for

        reasons = pack_for(case).invalid_reasons
        if code not in reasons:
            raise ValidationFailed.one(
                "validity_reason",
                f"unknown invalid reason '{code}'; one of {', '.join(reasons)}",
                ErrorCode.UNKNOWN,
            )
    return _finish(
        actor,
        number,
        Action.MARK_INVALID,
        "case.marked_invalid",
        reason,
        expected_version,
        now,
        validity="invalid",
        validity_reason=code,
    )


@transaction.atomic
def merge_case(
    *,
    actor: Actor,
    number: str,
    into: str,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Join this case to the incident of case ``into`` (creating it); each customer is still
    answered on their own case."""
    now = resolve_now(now)
    into = required_text(into, "into", 20)
    if into == number:
        raise ValidationFailed.one("into", "a case cannot be merged into itself")
    target = Case.objects.filter(number=into).first()
    if target is None:
        raise ValidationFailed.one("into", f"no case numbered '{into}'", ErrorCode.UNKNOWN)
    case, pack = begin(actor, number, expected_version)
    lifecycle.decide(state_of(case, pack, now=now), Action.MERGE, actor.role)
    if target.pack != case.pack:
        raise ValidationFailed.one("into", "cases of different packs cannot be merged")
    incident = target.incident or Incident.objects.create(
        pack=target.pack,
        category=target.category,
        key=f"case:{target.number}",
        title=target.description[:60],
        size=1,
        created_at=now,
    )
    if target.incident_id is None:
        Case.objects.filter(pk=target.pk).update(incident=incident)
    case.incident = incident
    move(case, Status(case.status), now, ["incident"])
    incident.size = incident.cases.count()
    incident.households = households_of(incident)  # a grading fact kept on the row
    incident.save(update_fields=["size", "households"])
    record(
        case,
        "case.merged",
        actor,
        now,
        reason=reason,
        data={"into": into, "incident": incident.pk, "incident_size": incident.size},
    )
    return case
