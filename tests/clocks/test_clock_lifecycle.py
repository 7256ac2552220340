"""The clock actions in the lifecycle table: statuses, guards, and the extension approver."""

from __future__ import annotations

import pytest

from tousu.rules.errors import Forbidden, IllegalAction
from tousu.rules.lifecycle import (
    OPEN,
    Action,
    CaseState,
    Role,
    Status,
    allowed_actions,
    decide,
)

CLOCK_ACTIONS = [
    Action.PAUSE,
    Action.RESUME,
    Action.REQUEST_EXTENSION,
    Action.APPROVE_EXTENSION,
    Action.REJECT_EXTENSION,
]


def clock_actions(state: CaseState, role: Role | None = None) -> list[str]:
    return [a.value for a in allowed_actions(state, role) if a in CLOCK_ACTIONS]


def state(status: Status = Status.PROCESSING, **facts) -> CaseState:
    facts.setdefault("extension_approver", "manager")
    return CaseState(status=status, live_orders=1, **facts)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.REGISTERED, ["pause"]),
        (Status.DISPATCHED, ["pause", "request-extension"]),
        (Status.PROCESSING, ["pause", "request-extension"]),
        (Status.RESOLVED, []),
        (Status.REPLIED, []),
        (Status.CLOSED, []),
        (Status.INVALID, []),
        (Status.WITHDRAWN, []),
    ],
)
def test_clock_actions_by_status(status, expected):
    assert clock_actions(state(status), Role.AGENT) == expected


def test_pause_only_where_the_pack_allows_it():
    refused = state(pause_allowed=False)
    assert "pause" not in clock_actions(refused)
    with pytest.raises(IllegalAction) as info:
        decide(refused, Action.PAUSE, Role.HANDLER)
    assert "keeps the clocks running" in info.value.why
    assert "request-extension" in info.value.allowed


def test_paused_clock_can_only_be_resumed_not_paused_again():
    paused = state(clock_paused=True)
    assert clock_actions(paused, Role.HANDLER) == ["resume", "request-extension"]
    with pytest.raises(IllegalAction, match="already paused"):
        decide(paused, Action.PAUSE, Role.HANDLER)
    with pytest.raises(IllegalAction, match="not paused"):
        decide(state(), Action.RESUME, Role.HANDLER)
    assert decide(paused, Action.RESUME, Role.HANDLER) == Status.PROCESSING


def test_only_the_approver_role_decides_a_pending_extension():
    pending = state(extension_pending=True, extension_approver="manager")
    assert clock_actions(pending, Role.MANAGER) == [
        "pause",
        "approve-extension",
        "reject-extension",
    ]
    assert clock_actions(pending, Role.SUPERVISOR) == ["pause"]
    for role in (Role.SUPERVISOR, Role.HANDLER, Role.ADMIN, Role.QUALITY):
        with pytest.raises(Forbidden, match="for role 'manager'"):
            decide(pending, Action.APPROVE_EXTENSION, role)
    with pytest.raises(Forbidden, match="may not take"):
        decide(pending, Action.REJECT_EXTENSION, Role.AUDITOR)
    assert decide(pending, Action.APPROVE_EXTENSION, Role.MANAGER) == Status.PROCESSING
    with pytest.raises(IllegalAction, match="already awaits approval"):
        decide(pending, Action.REQUEST_EXTENSION, Role.HANDLER)


def test_nothing_to_decide_without_a_request_or_without_a_named_approver():
    with pytest.raises(IllegalAction, match="no extension awaits approval"):
        decide(state(), Action.APPROVE_EXTENSION, Role.MANAGER)
    unnamed = state(extension_approver=None)
    assert clock_actions(unnamed, Role.HANDLER) == ["pause"]
    with pytest.raises(IllegalAction, match="names no approver"):
        decide(unnamed, Action.REQUEST_EXTENSION, Role.HANDLER)


@pytest.mark.parametrize("action", CLOCK_ACTIONS)
def test_auditors_and_finished_cases_take_no_clock_action(action):
    for status in OPEN:
        assert action not in allowed_actions(state(status, extension_pending=True), Role.AUDITOR)
    with pytest.raises(IllegalAction):
        decide(state(Status.CLOSED, clock_paused=True, extension_pending=True), action)
