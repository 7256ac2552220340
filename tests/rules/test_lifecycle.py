"""The lifecycle table (SPEC §3), checked row by row without a database."""

from __future__ import annotations

import ast
import pathlib

import pytest

from tousu.rules import lifecycle
from tousu.rules.errors import Forbidden, IllegalAction
from tousu.rules.lifecycle import Action, CaseState, Role, Status

A, S = Action, Status

MOVES = [
    # (label, state, action, expected status)
    ("triage_keeps_registered", CaseState(S.REGISTERED), A.TRIAGE, S.REGISTERED),
    ("window_close_to_replied", CaseState(S.REGISTERED), A.CLOSE_AT_WINDOW, S.REPLIED),
    (
        "window_close_inquiry_closes",
        CaseState(S.REGISTERED, follow_up_needed=False),
        A.CLOSE_AT_WINDOW,
        S.CLOSED,
    ),
    ("dispatch", CaseState(S.REGISTERED), A.DISPATCH, S.DISPATCHED),
    ("dispatch_more_units", CaseState(S.PROCESSING, live_orders=1), A.DISPATCH, S.PROCESSING),
    (
        "acknowledge",
        CaseState(S.DISPATCHED, live_orders=1, issued_orders=1),
        A.ACKNOWLEDGE,
        S.PROCESSING,
    ),
    (
        "acknowledge_second_order",
        CaseState(S.PROCESSING, live_orders=2, issued_orders=1),
        A.ACKNOWLEDGE,
        S.PROCESSING,
    ),
    (
        "return_last_order_goes_back",
        CaseState(S.DISPATCHED, live_orders=1, issued_orders=1),
        A.RETURN,
        S.REGISTERED,
    ),
    (
        "return_one_of_two",
        CaseState(S.DISPATCHED, live_orders=2, issued_orders=2),
        A.RETURN,
        S.DISPATCHED,
    ),
    ("progress", CaseState(S.PROCESSING, live_orders=1), A.PROGRESS, S.PROCESSING),
    ("propose", CaseState(S.PROCESSING, live_orders=1), A.PROPOSE, S.PROCESSING),
    (
        "accept",
        CaseState(S.PROCESSING, live_orders=1, proposal_pending=True),
        A.CUSTOMER_ACCEPT,
        S.PROCESSING,
    ),
    (
        "reject",
        CaseState(S.PROCESSING, live_orders=1, proposal_pending=True),
        A.CUSTOMER_REJECT,
        S.PROCESSING,
    ),
    (
        "resolve_last_order",
        CaseState(S.PROCESSING, live_orders=1, actor_open_orders=1),
        A.RESOLVE,
        S.RESOLVED,
    ),
    (
        "resolve_one_of_two",
        CaseState(S.PROCESSING, live_orders=2, actor_open_orders=1),
        A.RESOLVE,
        S.PROCESSING,
    ),
    ("reply_then_follow_up", CaseState(S.RESOLVED), A.REPLY, S.REPLIED),
    (
        "reply_closes_without_follow_up",
        CaseState(S.RESOLVED, follow_up_needed=False),
        A.REPLY,
        S.CLOSED,
    ),
    (
        "follow_up_satisfied",
        CaseState(S.REPLIED, done_orders=1, satisfied=True),
        A.FOLLOW_UP,
        S.CLOSED,
    ),
    (
        "follow_up_dissatisfied_reinvestigates",
        CaseState(S.REPLIED, done_orders=1, satisfied=False),
        A.FOLLOW_UP,
        S.PROCESSING,
    ),
    (
        "follow_up_dissatisfied_after_window_close",
        CaseState(S.REPLIED, satisfied=False),
        A.FOLLOW_UP,
        S.REGISTERED,
    ),
    ("urge_open", CaseState(S.PROCESSING, live_orders=1), A.URGE, S.PROCESSING),
    ("escalate", CaseState(S.DISPATCHED, live_orders=1), A.ESCALATE, S.DISPATCHED),
    ("reopen_closed", CaseState(S.CLOSED, done_orders=1), A.REOPEN, S.PROCESSING),
    ("reopen_invalid", CaseState(S.INVALID), A.REOPEN, S.REGISTERED),
    (
        "reopen_some_units_stopped",
        CaseState(S.CLOSED, done_orders=2, stopped_done_orders=1),
        A.REOPEN,
        S.PROCESSING,
    ),
    (
        "reopen_every_unit_stopped_goes_back_for_dispatch",
        CaseState(S.RESOLVED, done_orders=2, stopped_done_orders=2),
        A.REOPEN,
        S.REGISTERED,
    ),
    (
        "follow_up_dissatisfied_every_unit_stopped",
        CaseState(S.REPLIED, done_orders=1, stopped_done_orders=1, satisfied=False),
        A.FOLLOW_UP,
        S.REGISTERED,
    ),
    # the pack keeps the work closed after a dissatisfied follow-up (dissatisfied_reopens: false)
    (
        "follow_up_dissatisfied_pack_keeps_it_closed",
        CaseState(S.REPLIED, done_orders=1, satisfied=False, dissatisfied_reopens=False),
        A.FOLLOW_UP,
        S.CLOSED,
    ),
    (
        "follow_up_dissatisfied_pack_keeps_it_closed_units_stopped",
        CaseState(
            S.REPLIED,
            done_orders=1,
            stopped_done_orders=1,
            satisfied=False,
            dissatisfied_reopens=False,
        ),
        A.FOLLOW_UP,
        S.CLOSED,
    ),
    (
        "follow_up_dissatisfied_pack_keeps_it_closed_after_window_close",
        CaseState(S.REPLIED, satisfied=False, dissatisfied_reopens=False),
        A.FOLLOW_UP,
        S.CLOSED,
    ),
    (
        "follow_up_satisfied_pack_keeps_it_closed",
        CaseState(S.REPLIED, done_orders=1, satisfied=True, dissatisfied_reopens=False),
        A.FOLLOW_UP,
        S.CLOSED,
    ),
    ("appeal_in_window", CaseState(S.CLOSED, done_orders=1), A.APPEAL, S.REGISTERED),
    ("withdraw", CaseState(S.PROCESSING, live_orders=1), A.WITHDRAW, S.WITHDRAWN),
    ("mark_invalid", CaseState(S.REGISTERED), A.MARK_INVALID, S.INVALID),
    ("merge", CaseState(S.REGISTERED), A.MERGE, S.REGISTERED),
]


@pytest.mark.parametrize(
    ("state", "action", "expected"), [m[1:] for m in MOVES], ids=[m[0] for m in MOVES]
)
def test_legal_moves(state, action, expected):
    assert lifecycle.decide(state, action) == expected


REFUSED = [
    ("dispatch_closed", CaseState(S.CLOSED), A.DISPATCH),
    (
        "resolve_with_pending_proposal",
        CaseState(S.PROCESSING, live_orders=1, actor_open_orders=1, proposal_pending=True),
        A.RESOLVE,
    ),
    (
        "resolve_other_units_open",
        CaseState(S.PROCESSING, live_orders=2, actor_open_orders=0),
        A.RESOLVE,
    ),
    ("acknowledge_nothing_issued", CaseState(S.PROCESSING, live_orders=1), A.ACKNOWLEDGE),
    ("accept_without_proposal", CaseState(S.PROCESSING, live_orders=1), A.CUSTOMER_ACCEPT),
    ("window_close_after_dispatch", CaseState(S.DISPATCHED, live_orders=1), A.CLOSE_AT_WINDOW),
    ("appeal_after_window", CaseState(S.CLOSED, appeal_open=False), A.APPEAL),
    ("reply_before_resolve", CaseState(S.PROCESSING, live_orders=1), A.REPLY),
    ("follow_up_without_rating", CaseState(S.REPLIED), A.FOLLOW_UP),
    (
        "follow_up_without_rating_pack_keeps_it_closed",
        CaseState(S.REPLIED, dissatisfied_reopens=False),
        A.FOLLOW_UP,
    ),
    ("urge_closed", CaseState(S.CLOSED), A.URGE),
    ("invalid_after_resolve", CaseState(S.RESOLVED), A.MARK_INVALID),
]


@pytest.mark.parametrize(("state", "action"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_illegal_moves_list_what_is_allowed(state, action):
    with pytest.raises(IllegalAction) as refused:
        lifecycle.decide(state, action)
    assert refused.value.allowed == [a.value for a in lifecycle.allowed_actions(state)]
    assert action.value not in refused.value.allowed
    assert refused.value.status == state.status.value


def test_refusal_explains_the_failed_guard():
    state = CaseState(S.PROCESSING, live_orders=1, actor_open_orders=1, proposal_pending=True)
    with pytest.raises(IllegalAction, match="awaits the customer"):
        lifecycle.decide(state, A.RESOLVE)


def test_the_dissatisfied_rows_name_the_pack_rule():
    """Which way a dissatisfied follow-up goes is the pack's fact in the table, not a branch
    in the service: each dissatisfied row carries one of the two guards on it."""
    rows = [t for t in lifecycle.TRANSITIONS if lifecycle.DISSATISFIED in t.guards]
    closing = [t for t in rows if t.target == S.CLOSED]
    assert [g.name for t in closing for g in t.guards] == ["dissatisfied", "dissatisfied_closes"]
    assert all(
        "dissatisfied_reopens" in [g.name for g in t.guards] for t in rows if t not in closing
    )
    assert len(rows) == 4


def test_auditor_may_take_no_action():
    state = CaseState(S.REGISTERED)
    assert lifecycle.allowed_actions(state, Role.AUDITOR) == []
    with pytest.raises(Forbidden):
        lifecycle.decide(state, A.TRIAGE, Role.AUDITOR)


def test_handler_cannot_dispatch_but_can_acknowledge():
    state = CaseState(S.DISPATCHED, live_orders=1, issued_orders=1)
    allowed = lifecycle.allowed_actions(state, Role.HANDLER)
    assert A.ACKNOWLEDGE in allowed and A.DISPATCH not in allowed


def test_every_action_has_a_row_and_roles():
    assert {t.action for t in lifecycle.TRANSITIONS} == set(Action)
    assert set(lifecycle.ACTION_ROLES) == set(Action)


def test_finished_statuses_allow_only_staff_recovery():
    for status in (S.INVALID, S.WITHDRAWN):
        assert lifecycle.allowed_actions(CaseState(status)) == [A.REOPEN]


def test_rules_package_imports_no_django():
    """tousu.rules must stay pure: no Django, no database, no settings."""
    rules_dir = pathlib.Path(lifecycle.__file__).parent
    for path in rules_dir.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("django", "tousu.cases", "tousu.org", "tousu.api")), (
                    f"{path.name} imports {name}"
                )
