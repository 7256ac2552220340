"""The pure escalation decisions (tousu.rules.escalation): no database, no clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tousu.rules.calendar import BusinessCalendar
from tousu.rules.durations import Duration
from tousu.rules.escalation import ClockState, margin_of, plan_clock, plan_reminder

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()
STEPS = [Duration.parse(t) for t in ("0min", "2h", "1d", "3d")]
MARGIN = timedelta(hours=2)
DUE = datetime(2026, 11, 2, 9, 35, tzinfo=SH)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def plan(state: ClockState, now: str):
    return plan_clock(state, step_after=STEPS, margin=MARGIN, now=at(now), add=CAL.add)


@pytest.mark.parametrize(
    ("now", "near", "steps", "wake"),
    [
        ("2026-11-02 07:00", False, (), "2026-11-02 07:35"),  # before the warning window
        ("2026-11-02 08:00", True, (), "2026-11-02 09:35"),  # warned, look again at breach
        ("2026-11-02 09:35", False, (0,), "2026-11-02 11:35"),  # breached: first step
        ("2026-11-03 10:00", False, (0, 1, 2), "2026-11-05 09:35"),  # late sweep catches up
        ("2026-11-06 00:00", False, (0, 1, 2, 3), None),  # chain exhausted
    ],
    ids=["early_case", "near_case", "breach_case", "catch_up_case", "exhausted_case"],
)
def test_plan_from_fresh_state(now, near, steps, wake):
    result = plan(ClockState(DUE), now)
    assert result.near_breach is near
    assert result.steps == steps
    assert result.wake_at == (at(wake) if wake else None)


def test_each_step_once_and_warning_once():
    state = ClockState(DUE)
    applied: list[int] = []
    warnings = 0
    for now in (
        "2026-11-02 08:00",
        "2026-11-02 08:00",
        "2026-11-02 09:40",
        "2026-11-02 09:40",
        "2026-11-02 12:00",
        "2026-11-03 09:35",
        "2026-11-05 09:35",
        "2026-11-09 00:00",
    ):
        result = plan(state, now)
        state = result.state
        applied += result.steps
        warnings += result.near_breach
    assert applied == [0, 1, 2, 3]
    assert warnings == 1


def test_changed_deadline_while_late_continues_the_chain():
    state = plan(ClockState(DUE), "2026-11-02 12:00").state  # steps 0, 1 applied
    later_but_still_past = ClockState(
        at("2026-11-02 11:00"), state.escalation_from, state.escalation_step, state.warned_due
    )
    result = plan(later_but_still_past, "2026-11-02 12:00")
    assert result.steps == ()
    assert result.state.escalation_from == DUE


def test_clock_back_on_time_ends_the_spell():
    state = plan(ClockState(DUE), "2026-11-02 12:00").state
    on_time = plan(
        ClockState(
            at("2026-11-03 12:00"), state.escalation_from, state.escalation_step, state.warned_due
        ),
        "2026-11-02 13:00",
    )
    assert on_time.state.escalation_from is None and on_time.state.escalation_step == 0
    again = plan(on_time.state, "2026-11-03 12:01")
    assert again.steps == (0,)  # a new breach starts the chain afresh


def test_no_deadline_means_nothing_to_do():
    result = plan(ClockState(None, DUE, 2), "2026-11-02 12:00")
    assert result == plan(ClockState(None), "2026-11-02 12:00")
    assert result.wake_at is None and result.steps == ()


def test_working_day_steps_skip_holidays():
    # bank-style step "after 1wd": a breach on the eve of National Day waits for 10-08
    result = plan_clock(
        ClockState(at("2026-09-30 10:00")),
        step_after=[Duration.parse("1wd")],
        margin=MARGIN,
        now=at("2026-10-05 12:00"),
        add=CAL.add,
    )
    assert result.steps == ()
    assert result.wake_at == at("2026-10-08 17:30")


def test_margin_in_elapsed_time():
    assert margin_of(Duration.parse("4h")) == timedelta(hours=4)
    assert margin_of(Duration.parse("10min")) == timedelta(minutes=10)


@pytest.mark.parametrize(
    ("now", "reminded_on", "remind", "wake"),
    [
        ("2026-11-02 14:00", None, False, "2026-11-02 15:00"),  # before the window
        ("2026-11-02 15:30", None, True, "2026-11-03 15:00"),  # in the window
        ("2026-11-02 15:30", date(2026, 11, 2), False, "2026-11-03 15:00"),  # done today
        ("2026-11-02 18:00", None, False, "2026-11-03 15:00"),  # after the cutoff: wait
        ("2026-11-06 18:00", None, False, "2026-11-09 15:00"),  # Friday night: Monday
    ],
    ids=["before_case", "window_case", "already_case", "after_cutoff_case", "weekend_case"],
)
def test_daily_reminder(now, reminded_on, remind, wake):
    result = plan_reminder(
        cutoff=time(17),
        margin=MARGIN,
        reminded_on=reminded_on,
        now=at(now),
        next_cutoff=CAL.next_daily_cutoff,
    )
    assert result.remind is remind
    assert result.wake_at == at(wake)
