"""The case lifecycle as one table (SPEC §3).

Every move a case can make is a row of ``TRANSITIONS``: an action, the statuses it may start
from, the status it leads to (``SAME`` keeps the status) and the guards that must hold. The
first row whose statuses and guards match decides. The same table answers "what may be done
now?" (``allowed_actions``) for the 409 message, the console buttons and the API.

Guards read a ``CaseState``: a plain snapshot of the facts about a case that the table needs,
built by the service layer. Nothing here touches the database or the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from tousu.rules.errors import Forbidden, IllegalAction


class Status(StrEnum):
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    PROCESSING = "processing"
    RESOLVED = "resolved"
    REPLIED = "replied"
    CLOSED = "closed"
    INVALID = "invalid"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    TRIAGE = "triage"
    CLOSE_AT_WINDOW = "close-at-window"
    DISPATCH = "dispatch"
    ACKNOWLEDGE = "acknowledge"
    RETURN = "return"
    PROGRESS = "progress"
    PROPOSE = "propose"
    CUSTOMER_ACCEPT = "customer-accept"
    CUSTOMER_REJECT = "customer-reject"
    RESOLVE = "resolve"
    REPLY = "reply"
    FOLLOW_UP = "follow-up"
    URGE = "urge"
    ESCALATE = "escalate"
    REOPEN = "reopen"
    APPEAL = "appeal"
    WITHDRAW = "withdraw"
    MARK_INVALID = "mark-invalid"
    MERGE = "merge"
    PAUSE = "pause"
    RESUME = "resume"
    REQUEST_EXTENSION = "request-extension"
    APPROVE_EXTENSION = "approve-extension"
    REJECT_EXTENSION = "reject-extension"


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"
    DISPATCHER = "dispatcher"
    HANDLER = "handler"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    QUALITY = "quality"
    AUDITOR = "auditor"
    CRISIS = "crisis"


OPEN = frozenset({Status.REGISTERED, Status.DISPATCHED, Status.PROCESSING})
ACTIVE = OPEN | {Status.RESOLVED, Status.REPLIED}  # not yet finished: a contact urges it
FINISHED = frozenset({Status.CLOSED, Status.INVALID, Status.WITHDRAWN})


@dataclass(frozen=True)
class CaseState:
    """What the lifecycle needs to know about one case, and about the action's input."""

    status: Status
    live_orders: int = 0  # work orders issued or acknowledged (not done/returned/cancelled)
    issued_orders: int = 0  # work orders waiting to be acknowledged
    done_orders: int = 0
    stopped_done_orders: int = 0  # done orders at stopped units: a reopening leaves them done
    actor_open_orders: int = 0  # live orders of the acting unit that this action would finish
    proposal_pending: bool = False  # a proposed solution awaits the customer's answer
    follow_up_needed: bool = True  # pack rule: does this request type need a 回访
    appeal_open: bool = True  # still inside the pack's appeal window
    satisfied: bool | None = None  # follow-up input: True, False (dissatisfied) or not given
    dissatisfied_reopens: bool = True  # pack rule: a dissatisfied follow-up reopens the work
    pause_allowed: bool = True  # pack rule: clocks stop while waiting for the customer
    clock_paused: bool = False
    extension_pending: bool = False  # a request for more time awaits its approver
    extension_approver: str | None = None  # role of the position the pack names for the severity
    extras: Mapping[str, bool] = field(default_factory=dict)


Guard = Callable[[CaseState], bool]


@dataclass(frozen=True)
class GuardSpec:
    name: str  # stable code, shown in refusals
    test: Guard
    explain: str  # why the move is refused when the guard fails


def _g(name: str, test: Guard, explain: str) -> GuardSpec:
    return GuardSpec(name, test, explain)


HAS_ISSUED = _g(
    "order_awaiting_ack", lambda s: s.issued_orders > 0, "no work order awaits acknowledgement"
)
HAS_LIVE = _g("has_live_order", lambda s: s.live_orders > 0, "the case has no live work order")
LAST_LIVE = _g("last_live_order", lambda s: s.live_orders <= 1, "other work orders are still live")
OTHER_LIVE = _g(
    "other_live_orders", lambda s: s.live_orders > 1, "this is the last live work order"
)
LAST_OPEN = _g(
    "finishes_all_orders",
    lambda s: s.actor_open_orders >= s.live_orders and s.live_orders > 0,
    "work orders of other units are not done yet",
)
SOME_OPEN_LEFT = _g(
    "orders_left_open",
    lambda s: 0 < s.actor_open_orders < s.live_orders,
    "no other work order is open",
)
NO_PENDING = _g(
    "no_pending_proposal",
    lambda s: not s.proposal_pending,
    "a proposal awaits the customer's answer",
)
PENDING = _g(
    "proposal_pending", lambda s: s.proposal_pending, "no proposal awaits the customer's answer"
)
NEEDS_FOLLOW_UP = _g(
    "follow_up_needed", lambda s: s.follow_up_needed, "this request type closes on reply"
)
NO_FOLLOW_UP = _g(
    "no_follow_up", lambda s: not s.follow_up_needed, "this request type needs a follow-up"
)
SATISFIED = _g("satisfied", lambda s: s.satisfied is True, "the customer is not satisfied")
DISSATISFIED = _g("dissatisfied", lambda s: s.satisfied is False, "the customer is satisfied")
REWORK = _g(
    "dissatisfied_reopens",
    lambda s: s.dissatisfied_reopens,
    "the pack closes a case the customer is dissatisfied with",
)
NO_REWORK = _g(
    "dissatisfied_closes",
    lambda s: not s.dissatisfied_reopens,
    "the pack reopens a case the customer is dissatisfied with",
)
APPEAL_OPEN = _g("appeal_window_open", lambda s: s.appeal_open, "the appeal window has passed")
HAD_ORDERS = _g(
    "has_work_orders", lambda s: s.done_orders + s.live_orders > 0, "the case was never dispatched"
)
REOPENS_WORK = _g(
    "reopens_work",
    lambda s: s.live_orders + s.done_orders > s.stopped_done_orders,
    "every unit that worked on the case is stopped",
)
NEVER_DISPATCHED = _g(
    "never_dispatched", lambda s: s.done_orders + s.live_orders == 0, "the case has work orders"
)
NO_LIVE = _g("no_live_order", lambda s: s.live_orders == 0, "work orders are still live")
PAUSABLE = _g(
    "pause_allowed",
    lambda s: s.pause_allowed,
    "the pack keeps the clocks running while the case waits for the customer",
)
RUNNING = _g("clock_running", lambda s: not s.clock_paused, "the clock is already paused")
PAUSED = _g("clock_paused", lambda s: s.clock_paused, "the clock is not paused")
NO_EXTENSION = _g(
    "no_extension_pending",
    lambda s: not s.extension_pending,
    "an extension already awaits approval",
)
EXTENSION = _g(
    "extension_pending", lambda s: s.extension_pending, "no extension awaits approval"
)
APPROVER = _g(
    "extension_approver_named",
    lambda s: s.extension_approver is not None,
    "the pack names no approver for extending a case of this severity",
)

SAME = None  # target meaning "status unchanged"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None
    guards: tuple[GuardSpec, ...] = ()


def _t(
    action: Action,
    sources: set[Status] | frozenset[Status],
    target: Status | None,
    *guards: GuardSpec,
) -> Transition:
    return Transition(action, frozenset(sources), target, guards)


S = Status
A = Action

# Order matters within one action: the first row whose sources and guards match wins.
TRANSITIONS: tuple[Transition, ...] = (
    _t(A.TRIAGE, OPEN, SAME),
    _t(A.CLOSE_AT_WINDOW, {S.REGISTERED}, S.CLOSED, NEVER_DISPATCHED, NO_FOLLOW_UP),
    _t(A.CLOSE_AT_WINDOW, {S.REGISTERED}, S.REPLIED, NEVER_DISPATCHED),
    _t(A.DISPATCH, {S.REGISTERED}, S.DISPATCHED),
    _t(A.DISPATCH, {S.DISPATCHED, S.PROCESSING}, SAME),
    _t(A.ACKNOWLEDGE, {S.DISPATCHED}, S.PROCESSING, HAS_ISSUED),
    _t(A.ACKNOWLEDGE, {S.PROCESSING}, SAME, HAS_ISSUED),
    _t(A.RETURN, {S.DISPATCHED, S.PROCESSING}, S.REGISTERED, HAS_LIVE, LAST_LIVE),
    _t(A.RETURN, {S.DISPATCHED, S.PROCESSING}, SAME, OTHER_LIVE),
    _t(A.PROGRESS, {S.PROCESSING}, SAME, HAS_LIVE),
    _t(A.PROPOSE, {S.PROCESSING}, SAME, HAS_LIVE),
    _t(A.CUSTOMER_ACCEPT, {S.PROCESSING}, SAME, PENDING),
    _t(A.CUSTOMER_REJECT, {S.PROCESSING}, SAME, PENDING),
    _t(A.RESOLVE, {S.PROCESSING}, S.RESOLVED, NO_PENDING, LAST_OPEN),
    _t(A.RESOLVE, {S.PROCESSING}, SAME, NO_PENDING, SOME_OPEN_LEFT),
    _t(A.REPLY, {S.RESOLVED}, S.CLOSED, NO_FOLLOW_UP),
    _t(A.REPLY, {S.RESOLVED}, S.REPLIED, NEEDS_FOLLOW_UP),
    _t(A.FOLLOW_UP, {S.REPLIED}, S.CLOSED, SATISFIED),
    # the pack keeps the work closed: the dissatisfaction is recorded and counted, nothing reopens
    _t(A.FOLLOW_UP, {S.REPLIED}, S.CLOSED, DISSATISFIED, NO_REWORK),
    _t(A.FOLLOW_UP, {S.REPLIED}, S.PROCESSING, DISSATISFIED, REWORK, HAD_ORDERS, REOPENS_WORK),
    # every unit that worked on it is stopped: the case goes back to be dispatched again
    _t(A.FOLLOW_UP, {S.REPLIED}, S.REGISTERED, DISSATISFIED, REWORK, HAD_ORDERS),
    _t(A.FOLLOW_UP, {S.REPLIED}, S.REGISTERED, DISSATISFIED, REWORK, NEVER_DISPATCHED),
    _t(A.URGE, ACTIVE, SAME),
    _t(A.ESCALATE, ACTIVE, SAME),
    _t(A.REOPEN, {S.RESOLVED, S.REPLIED, S.CLOSED}, S.PROCESSING, HAD_ORDERS, REOPENS_WORK),
    _t(A.REOPEN, {S.RESOLVED, S.REPLIED, S.CLOSED}, S.REGISTERED, HAD_ORDERS),
    _t(A.REOPEN, {S.REPLIED, S.CLOSED, S.INVALID, S.WITHDRAWN}, S.REGISTERED, NO_LIVE),
    _t(A.APPEAL, {S.REPLIED, S.CLOSED}, S.REGISTERED, APPEAL_OPEN),
    _t(A.WITHDRAW, ACTIVE, S.WITHDRAWN),
    _t(A.MARK_INVALID, OPEN, S.INVALID),
    _t(A.MERGE, ACTIVE, SAME),
    _t(A.PAUSE, OPEN, SAME, PAUSABLE, RUNNING),
    _t(A.RESUME, OPEN, SAME, PAUSED),
    _t(A.REQUEST_EXTENSION, {S.DISPATCHED, S.PROCESSING}, SAME, NO_EXTENSION, APPROVER),
    _t(A.APPROVE_EXTENSION, OPEN, SAME, EXTENSION, APPROVER),
    _t(A.REJECT_EXTENSION, OPEN, SAME, EXTENSION, APPROVER),
)

_STAFF_ON_CASE = {Role.ADMIN, Role.SUPERVISOR, Role.MANAGER}
_FRONT = {Role.AGENT, Role.DISPATCHER} | _STAFF_ON_CASE
_HANDLING = {Role.HANDLER, Role.CRISIS} | _STAFF_ON_CASE
_CLOCK = {Role.AGENT, Role.DISPATCHER, Role.HANDLER} | _STAFF_ON_CASE  # deal with the customer
_DECIDERS = set(Role) - {Role.AUDITOR}  # whoever holds the pack's approver position
EXTENSION_DECISIONS = frozenset({Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION})

# Who may take each action. Auditors take none: they read everything and change nothing.
ACTION_ROLES: Mapping[Action, frozenset[Role]] = {
    A.TRIAGE: frozenset(_FRONT),
    A.CLOSE_AT_WINDOW: frozenset(_FRONT),
    A.DISPATCH: frozenset(_FRONT | {Role.CRISIS}),
    A.ACKNOWLEDGE: frozenset(_HANDLING),
    A.RETURN: frozenset(_HANDLING),
    A.PROGRESS: frozenset(_HANDLING),
    A.PROPOSE: frozenset(_HANDLING),
    A.CUSTOMER_ACCEPT: frozenset(_FRONT | _HANDLING),
    A.CUSTOMER_REJECT: frozenset(_FRONT | _HANDLING),
    A.RESOLVE: frozenset(_HANDLING),
    A.REPLY: frozenset(_FRONT | _HANDLING | {Role.QUALITY}),
    A.FOLLOW_UP: frozenset(_FRONT | {Role.QUALITY}),
    A.URGE: frozenset(_FRONT | {Role.QUALITY}),
    A.ESCALATE: frozenset(_FRONT | _HANDLING | {Role.QUALITY}),
    A.REOPEN: frozenset(_STAFF_ON_CASE | {Role.QUALITY}),
    A.APPEAL: frozenset(_FRONT | {Role.QUALITY}),
    A.WITHDRAW: frozenset(_FRONT),
    A.MARK_INVALID: frozenset(_FRONT | {Role.QUALITY}),
    A.MERGE: frozenset(_FRONT | {Role.QUALITY, Role.CRISIS}),
    A.PAUSE: frozenset(_CLOCK),
    A.RESUME: frozenset(_CLOCK),
    A.REQUEST_EXTENSION: frozenset(_CLOCK),
    # Narrowed per case to the role of the position the pack names (``role_may``).
    A.APPROVE_EXTENSION: frozenset(_DECIDERS),
    A.REJECT_EXTENSION: frozenset(_DECIDERS),
}


def role_may(state: CaseState, action: Action, role: Role) -> bool:
    """May ``role`` take ``action`` on this case? An extension is decided only by the role of
    the position the pack names for the case's severity."""
    if role not in ACTION_ROLES[action]:
        return False
    if action in EXTENSION_DECISIONS and state.extension_approver is not None:
        return role.value == state.extension_approver
    return True


def _rows(action: Action) -> list[Transition]:
    return [t for t in TRANSITIONS if t.action == action]


def find_transition(state: CaseState, action: Action) -> Transition | None:
    """The row that applies to ``action`` now, or None when the move is illegal."""
    for row in _rows(action):
        if state.status in row.sources and all(g.test(state) for g in row.guards):
            return row
    return None


def allowed_actions(state: CaseState, role: Role | None = None) -> list[Action]:
    """Actions that may be taken now (by ``role`` when given), in table order."""
    seen: list[Action] = []
    for action in Action:
        if role is not None and not role_may(state, action, role):
            continue
        if find_transition(state, action) is not None:
            seen.append(action)
    return seen


def _refusal_reason(state: CaseState, action: Action) -> str:
    for row in _rows(action):
        if state.status not in row.sources:
            continue
        failed = [g.explain for g in row.guards if not g.test(state)]
        if failed:
            return "; ".join(failed)
    return f"not possible while the case is '{state.status.value}'"


def decide(state: CaseState, action: Action, role: Role | None = None) -> Status:
    """The status ``action`` leads to; raise Forbidden or IllegalAction (with the allowed list)."""
    if role is not None and not role_may(state, action, role):
        if role in ACTION_ROLES[action]:
            raise Forbidden(
                f"'{action.value}' on this case is for role '{state.extension_approver}' "
                f"(the approver the pack names for its severity), not '{role.value}'"
            )
        raise Forbidden(f"role '{role.value}' may not take the action '{action.value}'")
    row = find_transition(state, action)
    if row is None:
        allowed = [a.value for a in allowed_actions(state, role)]
        why = f"'{action.value}' refused: {_refusal_reason(state, action)}"
        raise IllegalAction(
            action=action.value, status=state.status.value, allowed=allowed, why=why
        )
    return state.status if row.target is SAME else row.target
