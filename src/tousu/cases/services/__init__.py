"""Every write to a case goes through one function here, named for the action (SPEC §3).

Each is atomic, locks the case, asks ``tousu.rules.lifecycle`` whether the move is legal,
saves, and appends its events. ``ACTIONS`` maps the API's action codes to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tousu.cases.services.actions import (
    appeal_case,
    close_at_window,
    dispatch_case,
    escalate_case,
    follow_up_case,
    mark_invalid,
    merge_case,
    reopen_case,
    reply_case,
    triage_case,
    urge_case,
    withdraw_case,
)
from tousu.cases.services.clock_actions import (
    approve_extension,
    pause_clock,
    reject_extension,
    request_extension,
    resume_clock,
)
from tousu.cases.services.common import SYSTEM, Actor, allowed_for
from tousu.cases.services.handling import (
    acknowledge_case,
    customer_accept,
    customer_reject,
    propose_solution,
    record_progress,
    resolve_case,
    return_case,
)
from tousu.cases.services.intake import CustomerData, IntakeData, IntakeResult, intake_case
from tousu.rules.lifecycle import Action

ACTIONS: dict[Action, Callable[..., Any]] = {
    Action.TRIAGE: triage_case,
    Action.CLOSE_AT_WINDOW: close_at_window,
    Action.DISPATCH: dispatch_case,
    Action.ACKNOWLEDGE: acknowledge_case,
    Action.RETURN: return_case,
    Action.PROGRESS: record_progress,
    Action.PROPOSE: propose_solution,
    Action.CUSTOMER_ACCEPT: customer_accept,
    Action.CUSTOMER_REJECT: customer_reject,
    Action.RESOLVE: resolve_case,
    Action.REPLY: reply_case,
    Action.FOLLOW_UP: follow_up_case,
    Action.URGE: urge_case,
    Action.ESCALATE: escalate_case,
    Action.REOPEN: reopen_case,
    Action.APPEAL: appeal_case,
    Action.WITHDRAW: withdraw_case,
    Action.MARK_INVALID: mark_invalid,
    Action.MERGE: merge_case,
    Action.PAUSE: pause_clock,
    Action.RESUME: resume_clock,
    Action.REQUEST_EXTENSION: request_extension,
    Action.APPROVE_EXTENSION: approve_extension,
    Action.REJECT_EXTENSION: reject_extension,
}

__all__ = [
    "ACTIONS",
    "SYSTEM",
    "Actor",
    "CustomerData",
    "IntakeData",
    "IntakeResult",
    "acknowledge_case",
    "allowed_for",
    "appeal_case",
    "close_at_window",
    "customer_accept",
    "customer_reject",
    "dispatch_case",
    "escalate_case",
    "follow_up_case",
    "intake_case",
    "mark_invalid",
    "merge_case",
    "propose_solution",
    "record_progress",
    "reopen_case",
    "reply_case",
    "resolve_case",
    "return_case",
    "triage_case",
    "urge_case",
    "withdraw_case",
]
