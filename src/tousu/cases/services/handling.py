"""Actions of the handling units on their work orders: 签收, 退单, progress, proposals, resolve."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from tousu.cases import clocks
from tousu.cases.models import MAX_NOTE, SOLUTION_KINDS, Case, Proposal, WorkOrder
from tousu.cases.services.common import (
    Actor,
    check_version,
    move,
    optional_text,
    record,
    required_text,
    resolve_now,
    state_of,
)
from tousu.cases.services.context import begin, orders_for_actor
from tousu.rules import lifecycle
from tousu.rules.errors import ErrorCode, FieldError, ValidationFailed
from tousu.rules.lifecycle import Action, Status


@transaction.atomic
def acknowledge_case(
    *,
    actor: Actor,
    number: str,
    unit: str = "",
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """签收: the unit accepts its work order; the case moves to processing."""
    now = resolve_now(now)
    case, pack = begin(actor, number, expected_version)
    orders = [o for o in orders_for_actor(case, actor, unit) if o.status == WorkOrder.State.ISSUED]
    state = state_of(case, pack, now=now)
    if not orders:
        state = lifecycle.CaseState(status=state.status)  # nothing of ours to acknowledge
    new = lifecycle.decide(state, Action.ACKNOWLEDGE, actor.role)
    for order in orders:
        order.status = WorkOrder.State.ACKNOWLEDGED
        order.acknowledged_at = now
        order.handler = actor.user
        clocks.refresh_order_due(order, case, pack, now)
        order.save()
        record(
            case,
            "work_order.acknowledged",
            actor,
            now,
            reason=note,
            data={"unit": order.unit.code, "work_order": order.pk},
        )
    changed = move(case, new, now)
    clocks.refresh_due(case, pack, now)
    case.save(update_fields=clocks.DUE_FIELDS)
    if changed:
        record(case, "case.processing", actor, now, before=changed, after={"status": new.value})
    return case


@transaction.atomic
def return_case(
    *,
    actor: Actor,
    number: str,
    reason: str,
    unit: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """退单: a wrongly routed work order goes back to the dispatcher with a reason."""
    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    case, pack = begin(actor, number, expected_version)
    orders = orders_for_actor(case, actor, unit, single=True)
    new = lifecycle.decide(state_of(case, pack, now=now), Action.RETURN, actor.role)
    order = orders[0]
    order.status = WorkOrder.State.RETURNED
    order.returned_at = now
    order.return_reason = reason
    order.next_due_at = None
    order.save()
    changed = move(case, new, now)
    record(
        case,
        "work_order.returned",
        actor,
        now,
        before=changed,
        after={"status": new.value} if changed else {},
        reason=reason,
        data={"unit": order.unit.code, "work_order": order.pk},
    )
    return case


@transaction.atomic
def record_progress(
    *,
    actor: Actor,
    number: str,
    note: str,
    unit: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """A progress note (进展); the pack sets how often one is due."""
    now = resolve_now(now)
    note = required_text(note, "note", MAX_NOTE)
    case, pack = begin(actor, number, expected_version)
    orders = orders_for_actor(case, actor, unit)
    lifecycle.decide(state_of(case, pack, now=now), Action.PROGRESS, actor.role)
    for order in orders:
        clocks.refresh_order_due(order, case, pack, now, progressed=True)
        order.save(update_fields=["next_due_at"])
    move(case, Status(case.status), now)
    record(
        case,
        "case.progress",
        actor,
        now,
        reason=note,
        data={"units": sorted({o.unit.code for o in orders})},
    )
    return case


def _solutions(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not items:
        raise ValidationFailed.one("solutions", "at least one solution is required")
    errors: list[FieldError] = []
    clean: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        kind = str(item.get("kind", ""))
        if kind not in SOLUTION_KINDS:
            errors.append(
                FieldError(
                    f"solutions[{i}].kind",
                    ErrorCode.INVALID,
                    f"kind must be one of {', '.join(SOLUTION_KINDS)}",
                )
            )
        description = str(item.get("description") or "").strip()
        if not description or len(description) > MAX_NOTE:
            errors.append(
                FieldError(
                    f"solutions[{i}].description",
                    ErrorCode.INVALID,
                    f"description is required, at most {MAX_NOTE} characters",
                )
            )
        amount = item.get("amount")
        try:
            value = Decimal(str(amount)) if amount is not None else None
        except InvalidOperation:
            value = Decimal(-1)
        if value is not None and value < 0:
            errors.append(
                FieldError(
                    f"solutions[{i}].amount",
                    ErrorCode.INVALID,
                    "amount must be a number of yuan, zero or more",
                )
            )
        clean.append(
            {
                "kind": kind,
                "description": description,
                "amount": str(value) if value is not None else None,
            }
        )
    if errors:
        raise ValidationFailed("the proposal has bad solutions", errors)
    return clean


@transaction.atomic
def propose_solution(
    *,
    actor: Actor,
    number: str,
    solutions: list[dict[str, Any]],
    final: bool = False,
    findings: str = "",
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """The handler's findings and proposed solution; the customer confirms where the pack asks."""
    now = resolve_now(now)
    clean = _solutions(solutions)
    findings = optional_text(findings, "findings", MAX_NOTE)
    case, pack = begin(actor, number, expected_version)
    orders_for_actor(case, actor, "")
    lifecycle.decide(state_of(case, pack, now=now), Action.PROPOSE, actor.role)
    case.proposals.filter(status=Proposal.State.PENDING).update(status=Proposal.State.REJECTED)
    status = Proposal.State.PENDING if pack.confirmation_required else Proposal.State.NOT_REQUIRED
    proposal = Proposal.objects.create(
        case=case,
        round=case.proposals.count() + 1,
        solutions=clean,
        status=status,
        final=final,
        created_at=now,
        created_by=actor.user,
    )
    if findings:
        case.findings = findings
    move(case, Status(case.status), now, ["findings"])
    record(
        case,
        "case.proposed",
        actor,
        now,
        reason=note,
        data={
            "round": proposal.round,
            "solutions": clean,
            "final": final,
            "needs_confirmation": status == Proposal.State.PENDING,
        },
    )
    return case


def _answer_proposal(
    actor: Actor,
    number: str,
    action: Action,
    accepted: bool,
    reason: str,
    expected_version: int | None,
    now: datetime,
) -> tuple[Case, Proposal]:
    case, pack = begin(actor, number, expected_version)
    lifecycle.decide(state_of(case, pack, now=now), action, actor.role)
    proposal = case.proposals.get(status=Proposal.State.PENDING)
    proposal.status = Proposal.State.ACCEPTED if accepted else Proposal.State.REJECTED
    proposal.save(update_fields=["status"])
    if not accepted:
        case.rejection_count += 1
    move(case, Status(case.status), now, ["rejection_count"])
    kind = "case.customer_accepted" if accepted else "case.customer_rejected"
    record(case, kind, actor, now, reason=reason, data={"round": proposal.round})
    return case, proposal


@transaction.atomic
def customer_accept(
    *,
    actor: Actor,
    number: str,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    now = resolve_now(now)
    case, _ = _answer_proposal(
        actor, number, Action.CUSTOMER_ACCEPT, True, note, expected_version, now
    )
    return case


@transaction.atomic
def customer_reject(
    *,
    actor: Actor,
    number: str,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """The customer rejects the proposal: back for a new one; past the pack's limit, or when
    the offer was final, the grading rules upgrade the case."""
    from tousu.cases.services.grading import apply_upgrades

    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    case, proposal = _answer_proposal(
        actor, number, Action.CUSTOMER_REJECT, False, reason, expected_version, now
    )
    apply_upgrades(
        case,
        actor,
        now,
        trigger="customer_rejected",
        extra={"final_offer_rejected": proposal.final},
    )
    return case


@transaction.atomic
def resolve_case(
    *,
    actor: Actor,
    number: str,
    unit: str = "",
    findings: str = "",
    responsibility_class: str = "",
    root_cause: str = "",
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """The unit's work order is done; the case is resolved once every work order is done."""
    now = resolve_now(now)
    findings = optional_text(findings, "findings", MAX_NOTE)
    root_cause = optional_text(root_cause, "root_cause", MAX_NOTE)
    if responsibility_class and responsibility_class not in ("class1", "class2", "class3"):
        raise ValidationFailed.one(
            "responsibility_class", "responsibility_class must be class1, class2 or class3"
        )
    case, pack = begin(actor, number, expected_version)
    orders = [
        o for o in orders_for_actor(case, actor, unit) if o.status == WorkOrder.State.ACKNOWLEDGED
    ]
    state = state_of(case, pack, actor_orders=len(orders), now=now)
    new = lifecycle.decide(state, Action.RESOLVE, actor.role)
    for order in orders:
        order.status = WorkOrder.State.DONE
        order.done_at = now
        order.next_due_at = None
        order.save()
        record(
            case,
            "work_order.done",
            actor,
            now,
            reason=note,
            data={"unit": order.unit.code, "work_order": order.pk},
        )
    for name, value in (
        ("findings", findings),
        ("root_cause", root_cause),
        ("responsibility_class", responsibility_class),
    ):
        if value:
            setattr(case, name, value)
    if new == Status.RESOLVED:
        case.resolved_at = now
    changed = move(
        case, new, now, ["findings", "root_cause", "responsibility_class", "resolved_at"]
    )
    if changed:
        clocks.refresh_due(case, pack, now)
        case.save(update_fields=clocks.DUE_FIELDS)
        record(
            case,
            "case.resolved",
            actor,
            now,
            before=changed,
            after={"status": new.value},
            reason=note,
        )
    return case


__all__ = [
    "acknowledge_case",
    "check_version",
    "customer_accept",
    "customer_reject",
    "propose_solution",
    "record_progress",
    "resolve_case",
    "return_case",
]
