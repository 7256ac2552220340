"""What every lifecycle service shares: locking, the lifecycle decision, events, due times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from tousu.cases import bulk_write, clocks, history
from tousu.cases.models import Case, Event, WorkOrder
from tousu.notify.service import notify_on_commit
from tousu.org.models import Unit, User
from tousu.packs.registry import pack_of_version
from tousu.packs.schema import Pack
from tousu.rules import lifecycle
from tousu.rules.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from tousu.rules.lifecycle import Action, CaseState, Role, Status


@dataclass(frozen=True)
class Actor:
    """The user taking an action (None for the system: sweeps, imports). ``customer`` marks
    the customer themself, acting through the portal or the public API: no user, and every
    event they cause says so (``data.by == "customer"``)."""

    user: User | None
    customer: bool = False

    @property
    def role(self) -> Role | None:
        return self.user.role_code if self.user else None

    @property
    def unit_id(self) -> int | None:
        return self.user.unit_id if self.user else None


SYSTEM = Actor(None)
RECORDED = "recorded_events"  # attribute of a case: the events ``record`` wrote through it
CUSTOMER = Actor(None, customer=True)


def resolve_now(now: datetime | None) -> datetime:
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    return now


def lock_case(number: str) -> Case:
    """Load the case for update: its row stays locked until the transaction ends."""
    query = Case.objects.all()
    if connection.features.has_select_for_update:
        query = query.select_for_update(of=("self",))
    case = query.filter(number=number).first()
    if case is None:
        raise NotFound(f"no case numbered '{number}'")
    return case


def check_version(case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.version:
        raise Conflict(
            f"case {case.number} changed meanwhile (version {case.version}, you had {expected}); "
            "reload it and try again"
        )


def pack_for(case: Case) -> Pack:
    return pack_of_version(case.pack_version)


def live_orders(case: Case) -> list[WorkOrder]:
    return list(case.work_orders.filter(status__in=WorkOrder.LIVE).select_related("unit"))


def state_of(
    case: Case,
    pack: Pack,
    *,
    actor_orders: int = 0,
    satisfied: bool | None = None,
    now: datetime | None = None,
) -> CaseState:
    # a case read by ``queries.case_detail`` carries its orders and proposals: no query then
    cached = getattr(case, "_prefetched_objects_cache", {})
    orders = cached.get("work_orders")
    proposals = cached.get("proposals")
    counts = {s: 0 for s in WorkOrder.State}
    statuses = (
        [o.status for o in orders]
        if orders is not None
        else case.work_orders.values_list("status", flat=True)
    )
    for status in statuses:
        counts[WorkOrder.State(status)] += 1
    live = counts[WorkOrder.State.ISSUED] + counts[WorkOrder.State.ACKNOWLEDGED]
    return CaseState(
        status=Status(case.status),
        live_orders=live,
        issued_orders=counts[WorkOrder.State.ISSUED],
        done_orders=counts[WorkOrder.State.DONE],
        actor_open_orders=actor_orders,
        proposal_pending=(
            any(p.status == "pending" for p in proposals)
            if proposals is not None
            else case.proposals.filter(status="pending").exists()
        ),
        follow_up_needed=case.request_type in pack.follow_up.required_for,
        dissatisfied_reopens=pack.follow_up.dissatisfied_reopens,
        appeal_open=clocks.appeal_open(case, pack, now) if now else True,
        satisfied=satisfied,
        **clocks.clock_state(case, pack),
    )


def decide(case: Case, action: Action, actor: Actor, state: CaseState) -> Status:
    """Apply the lifecycle table: the status the action leads to, or a typed refusal."""
    return lifecycle.decide(state, action, actor.role)


def allowed_for(case: Case, user: User | None, now: datetime | None = None) -> list[str]:
    pack = pack_for(case)
    state = state_of(case, pack, now=now)
    role = user.role_code if user else None
    return [a.value for a in lifecycle.allowed_actions(state, role)]


def record(
    case: Case,
    kind: str,
    actor: Actor,
    at: datetime,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    event = Event(
        case=case,
        kind=kind,
        actor=actor.user,
        at=at,
        before=before or {},
        after=after or {},
        reason=reason or "",
        data={**(data or {}), "by": "customer"} if actor.customer else (data or {}),
    )
    if case._state.adding:
        # the first event of a case being registered (its id taken beforehand): it follows no
        # digest, and the row is inserted carrying it rather than updated after
        assert case.pk is not None, "a new case's id is reserved before its first event"
        case.history_digest = history.seal([event], "")
        bulk_write.insert_row(case)
    else:
        history.seal_for_case(case, [event])  # the hash chain: one UPDATE of the case's digest
    bulk_write.insert_row(event)
    # kept on the instance: the answer to an intake shows them without reading them back
    case.__dict__.setdefault(RECORDED, []).append(event)
    notify_on_commit(event)  # kinds that call for a message: a task once the action commits
    return event


def move(
    case: Case, new_status: Status, at: datetime, fields: Iterable[str] = ()
) -> dict[str, str]:
    """Set the new status, bump the version and save the given fields. Returns before/after."""
    before = case.status
    case.status = new_status.value
    case.version += 1
    case.updated_at = at
    if new_status == Status.CLOSED and case.closed_at is None:
        case.closed_at = at
    case.save(update_fields=sorted({"status", "version", "updated_at", "closed_at", *fields}))
    return {"status": before} if before != new_status.value else {}


def unit_by_code(code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code, active=True).first()
    if unit is None:
        raise ValidationFailed.one(field, f"unknown unit '{code}'", ErrorCode.UNKNOWN)
    return unit


def lock_units(codes: list[str], field: str = "units") -> list[Unit]:
    """The units named by ``codes``, in that order, each row share-locked (PostgreSQL: FOR
    SHARE) until the transaction ends, and refused unless still active. Stopping a unit
    (tousu.org.units) locks its row (FOR NO KEY UPDATE) and only then counts its open work: a
    stop and a dispatch to the same unit thus run one after the other, and the stop sees the
    work order, or the dispatch sees the unit stopped. Shared locks: dispatches to one unit do
    not wait for each other. One query; rows locked in code order, as every unit lock is
    (tousu.org.units takes the tree in that order), so that two lockers never wait in a circle.
    SQLite writes one transaction at a time (transaction_mode IMMEDIATE): nothing to lock."""
    found = share_lock_units(codes)
    units = []
    for i, code in enumerate(codes):
        unit = found.get(code)
        if unit is None:
            raise ValidationFailed.one(f"{field}[{i}]", f"unknown unit '{code}'", ErrorCode.UNKNOWN)
        if not unit.active:
            raise ValidationFailed.one(
                f"{field}[{i}]", f"unit '{code}' is stopped: no new work can be sent to it"
            )
        units.append(unit)
    return units


def share_lock_units(codes: Iterable[str]) -> dict[str, Unit]:
    """The units named by ``codes`` (stopped ones too), by code, share-locked as ``lock_units``
    locks them: one query, rows in code order, FOR SHARE on PostgreSQL."""
    wanted = set(codes)
    if not wanted:
        return {}  # an empty IN () compiles to no SQL at all
    query = Unit.objects.filter(code__in=wanted).order_by("code")
    if connection.vendor == "postgresql":
        sql, params = query.query.sql_with_params()
        # Django locks rows only FOR UPDATE / FOR NO KEY UPDATE, both exclusive among dispatches
        rows = list(Unit.objects.raw(f"{sql} FOR SHARE", params))
    else:
        rows = list(query)
    # after a wait, a row holds the version its locker committed: ``active`` is current
    return {unit.code: unit for unit in rows}


def required_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed.one(field, f"{field} is required")
    if len(text) > limit:
        raise ValidationFailed.one(field, f"{field} is longer than {limit} characters")
    return text


def optional_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationFailed.one(field, f"{field} is longer than {limit} characters")
    return text
