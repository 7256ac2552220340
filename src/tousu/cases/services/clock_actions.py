"""Clock actions: pause while waiting for the customer, resume, and overtime extensions.

- ``pause_clock`` / ``resume_clock`` (pack key ``sla.pause_on_customer``): while paused no
  deadline runs and the sweep leaves the case alone; on resume every internal target counted
  from receipt or issue moves later by the time paused (statutory limits do not move).
  Events ``case.clock_paused`` and ``case.clock_resumed``.
- ``request_extension`` / ``approve_extension`` / ``reject_extension`` (pack key
  ``sla.extension_approvers``): more time to resolve is asked for with a new deadline and a
  reason, and granted only by the position the pack names for the case's severity (its role,
  and for a unit-scope position a seat in the handling unit or above it). Events
  ``case.extension_requested``, ``case.extension_approved``, ``case.extension_rejected``.

Each function is atomic, locks the case, checks ``expected_version``, asks the lifecycle
table (``rules/lifecycle.py``: statuses, roles, guards) whether the move is legal, and bumps
the version. Notifications follow from ``record`` once the action commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from tousu.cases import clocks
from tousu.cases.models import MAX_NOTE, Case
from tousu.cases.services.common import (
    Actor,
    decide,
    live_orders,
    move,
    optional_text,
    record,
    required_text,
    resolve_now,
    state_of,
)
from tousu.cases.services.context import begin, orders_for_actor
from tousu.notify.recipients import Directory
from tousu.packs.schema import Pack, Position
from tousu.rules.errors import ErrorCode, Forbidden, ValidationFailed
from tousu.rules.lifecycle import Action, Role, Status

ZERO = timedelta()
PAUSE_FIELDS = ["paused_at", "paused_total", *clocks.DUE_FIELDS]


def _open_case(
    actor: Actor, number: str, expected: int | None, action: Action, now: datetime
) -> tuple[Case, Pack]:
    case, pack = begin(actor, number, expected)
    if actor.role == Role.HANDLER:
        orders_for_actor(case, actor, "")  # a handler acts only on their own unit's case
    decide(case, action, actor, state_of(case, pack, now=now))
    return case, pack


def _refresh(case: Case, pack: Pack, now: datetime, paused_for: timedelta = ZERO) -> None:
    """Recompute deadlines: the live orders first, since the case's follow from theirs."""
    for order in live_orders(case):
        order.paused_total += paused_for  # each live order stood still with the case
        clocks.refresh_order_due(order, case, pack, now)
        order.save(update_fields=["paused_total", "due_acknowledge", "due_resolve", "next_due_at"])
    clocks.refresh_due(case, pack, now)


def _event(case: Case, kind: str, actor: Actor, now: datetime, **fields: Any) -> None:
    record(case, kind, actor, now, **fields)


# --- pause and resume ------------------------------------------------------------------------


@transaction.atomic
def pause_clock(
    *,
    actor: Actor,
    number: str,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Stop the clocks while the case waits for the customer (documents, access, a reply)."""
    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    case, pack = _open_case(actor, number, expected_version, Action.PAUSE, now)
    case.paused_at = now
    _refresh(case, pack, now)
    move(case, Status(case.status), now, PAUSE_FIELDS)
    _event(case, "case.clock_paused", actor, now, reason=reason)
    return case


@transaction.atomic
def resume_clock(
    *,
    actor: Actor,
    number: str,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Start the clocks again; internal deadlines move later by the time paused."""
    now = resolve_now(now)
    note = optional_text(note, "note", MAX_NOTE)
    case, pack = _open_case(actor, number, expected_version, Action.RESUME, now)
    started = case.paused_at or now  # set: the table's guard requires a paused clock
    if now < started:
        raise ValidationFailed.one("now", f"cannot resume before the pause began ({started})")
    paused_for = now - started
    case.paused_at, case.paused_total = None, case.paused_total + paused_for
    _refresh(case, pack, now, paused_for)
    move(case, Status(case.status), now, PAUSE_FIELDS)
    data = {
        "paused_seconds": int(paused_for.total_seconds()),
        "due_resolve": _iso(case.due_resolve),
    }
    _event(case, "case.clock_resumed", actor, now, reason=note, data=data)
    return case


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- extensions ------------------------------------------------------------------------------


def approver_for(case: Case, pack: Pack) -> Position:
    position = pack.extension_approver(case.severity)
    if position is None:
        raise ValidationFailed.one(
            "severity",
            f"pack '{pack.code}' names no approver for extending '{case.severity}' cases",
            ErrorCode.UNKNOWN,
        )
    return position


@transaction.atomic
def request_extension(
    *,
    actor: Actor,
    number: str,
    until: datetime,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Ask for a later resolve deadline; the pack's approver for the severity decides."""
    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    until = resolve_now(until)  # refuses a naive time like every other moment
    case, pack = _open_case(actor, number, expected_version, Action.REQUEST_EXTENSION, now)
    current = case.due_resolve
    if until <= now or (current is not None and until <= current):
        raise ValidationFailed.one(
            "until", f"until must be later than now and than the resolve deadline ({current})"
        )
    position = approver_for(case, pack)
    case.extension_requested_until = until
    move(case, Status(case.status), now, ["extension_requested_until"])
    data = {
        "until": until.isoformat(),
        "due_resolve": _iso(current),
        "approver": position.code,
        "approver_role": position.role,
        "requested_by": actor.user.pk if actor.user else None,
    }
    _event(case, "case.extension_requested", actor, now, reason=reason, data=data)
    return case


def _decide(
    actor: Actor, number: str, expected: int | None, action: Action, now: datetime
) -> tuple[Case, Pack, Position]:
    case, pack = begin(actor, number, expected)
    if (named := pack.extension_approver(case.severity)) is not None:
        _check_approver(actor, case, named)  # before the table: its refusal names the position
    decide(case, action, actor, state_of(case, pack, now=now))
    return case, pack, approver_for(case, pack)


def _check_approver(actor: Actor, case: Case, position: Position) -> None:
    """The actor holds the pack's approver position: its role (also checked by the lifecycle
    table), and its place in the unit tree."""
    user = actor.user
    wanted = f"{position.name} (role {position.role})"
    if user is None or user.role != position.role:
        raise Forbidden(
            f"extensions of '{case.severity}' cases are approved by {wanted}; "
            f"you are {user.role if user else 'the system'}"
        )
    directory = Directory()
    units = [o.unit_id for o in live_orders(case)] or [case.intake_unit_id]
    if position.scope == "organisation":
        seats = {directory.lineage(u)[-1] for u in units if u is not None}
    else:
        seats = {a for u in units if u is not None for a in directory.lineage(u)}
    if user.unit_id not in seats:
        raise Forbidden(f"{wanted} of the case's own organisation must approve this extension")


@transaction.atomic
def approve_extension(
    *,
    actor: Actor,
    number: str,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Grant the requested deadline: the resolve targets of the case and its orders move."""
    now = resolve_now(now)
    note = optional_text(note, "note", MAX_NOTE)
    case, pack, position = _decide(actor, number, expected_version, Action.APPROVE_EXTENSION, now)
    until = case.extension_requested_until
    requested_by = _requester(case)
    case.extension_until, case.extension_requested_until = until, None
    _refresh(case, pack, now)
    move(case, Status(case.status), now, ["extension_until", "extension_requested_until",
                                           *clocks.DUE_FIELDS])  # fmt: skip
    data = {"until": _iso(until), "approver": position.code, "requested_by": requested_by}
    _event(case, "case.extension_approved", actor, now, reason=note, data=data)
    return case


@transaction.atomic
def reject_extension(
    *,
    actor: Actor,
    number: str,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Refuse the requested deadline; the current targets stand."""
    now = resolve_now(now)
    reason = required_text(reason, "reason", MAX_NOTE)
    case, _, position = _decide(actor, number, expected_version, Action.REJECT_EXTENSION, now)
    until, requested_by = case.extension_requested_until, _requester(case)
    case.extension_requested_until = None
    move(case, Status(case.status), now, ["extension_requested_until"])
    data = {"until": _iso(until), "approver": position.code, "requested_by": requested_by}
    _event(case, "case.extension_rejected", actor, now, reason=reason, data=data)
    return case


def _requester(case: Case) -> int | None:
    event = case.events.filter(kind="case.extension_requested").order_by("-id").first()
    return event.data.get("requested_by") if event else None
