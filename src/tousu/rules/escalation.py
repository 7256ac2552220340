"""What the sweep should do about one clock now (pack keys ``sla.escalation``,
``sla.warning_margin``, ``progress_due_by``). Pure: no Django, no clock, no I/O.

A *clock* is the earliest pending deadline of a case or a work order (``due``). The sweep
keeps a little state per clock (:class:`ClockState`) so that a second look at the same time
changes nothing:

- **Near breach.** Within ``margin`` of ``due`` the clock is warned about, once per deadline.
- **Breach.** Once ``due`` has passed, the pack's escalation chain runs: step *i* applies when
  ``after[i]`` has elapsed since the breach (counted on the business calendar), in order, each
  once; a sweep that comes late applies every step that has come due. ``escalation_step`` is
  the number of steps applied.
- **Episodes.** The chain counts from the first missed deadline of a late spell
  (``escalation_from``). While the clock stays late, a changed deadline (severity raised,
  work order acknowledged late) continues the same chain. When a look finds the clock on time
  again, the spell is over and the next breach starts the chain afresh.

:func:`plan_clock` also says when the sweep must look again (``wake_at``): at the start of the
warning window, at the breach, or when the next step comes due.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from tousu.rules.durations import Duration, TimeUnit

Adder = Callable[[datetime, Duration], datetime]  # BusinessCalendar.add
CutoffFinder = Callable[[datetime, time], datetime]  # BusinessCalendar.next_daily_cutoff

_ELAPSED = {
    TimeUnit.MINUTES: timedelta(minutes=1),
    TimeUnit.HOURS: timedelta(hours=1),
    TimeUnit.DAYS: timedelta(days=1),
    # A warning margin is a short lead time; in working units it is read as elapsed time.
    TimeUnit.WORKING_HOURS: timedelta(hours=1),
    TimeUnit.WORKING_DAYS: timedelta(days=1),
}


def margin_of(duration: Duration) -> timedelta:
    """The warning margin as elapsed time."""
    return _ELAPSED[duration.unit] * duration.amount


@dataclass(frozen=True)
class ClockState:
    due: datetime | None
    escalation_from: datetime | None = None
    escalation_step: int = 0
    warned_due: datetime | None = None


@dataclass(frozen=True)
class ClockPlan:
    state: ClockState  # what to store
    near_breach: bool = False  # warn now
    steps: tuple[int, ...] = ()  # chain steps (indexes) to apply now, in order
    wake_at: datetime | None = None  # when to look again; None: not until the deadline moves


def plan_clock(
    state: ClockState,
    *,
    step_after: Sequence[Duration],
    margin: timedelta,
    now: datetime,
    add: Adder,
) -> ClockPlan:
    """Decide the warning, the chain steps and the next look for one clock at ``now``."""
    if state.due is None:
        return ClockPlan(_on_time(state))
    if state.due > now:
        return _before_breach(_on_time(state), state.due, margin, now)
    return _after_breach(state, state.due, step_after, now, add)


def _on_time(state: ClockState) -> ClockState:
    """A clock seen on time ends any late spell."""
    if state.escalation_from is None and state.escalation_step == 0:
        return state
    return replace(state, escalation_from=None, escalation_step=0)


def _before_breach(state: ClockState, due: datetime, margin: timedelta, now: datetime) -> ClockPlan:
    if now < due - margin:
        return ClockPlan(state, wake_at=due - margin)
    near = state.warned_due != due
    return ClockPlan(replace(state, warned_due=due), near_breach=near, wake_at=due)


def _after_breach(
    state: ClockState, due: datetime, step_after: Sequence[Duration], now: datetime, add: Adder
) -> ClockPlan:
    origin = state.escalation_from or due
    step = state.escalation_step if state.escalation_from else 0
    applied: list[int] = []
    while step < len(step_after) and add(origin, step_after[step]) <= now:
        applied.append(step)
        step += 1
    wake = add(origin, step_after[step]) if step < len(step_after) else None
    new_state = replace(state, escalation_from=origin, escalation_step=step)
    return ClockPlan(new_state, steps=tuple(applied), wake_at=wake)


@dataclass(frozen=True)
class ReminderPlan:
    remind: bool
    reminded_on: date | None  # local date to store as the last reminder
    wake_at: datetime


def plan_reminder(
    *,
    cutoff: time,
    margin: timedelta,
    reminded_on: date | None,
    now: datetime,
    next_cutoff: CutoffFinder,
) -> ReminderPlan:
    """Daily progress reminder ("report progress each working day before 17:00").

    The reminder goes out once per working day inside the window ``[cutoff - margin,
    cutoff)``; a sweep that first runs after the cutoff sends nothing for that day (a request
    to report "before 17:00" at 18:00 helps nobody) and waits for the next window.
    """
    upcoming = next_cutoff(now, cutoff)  # the first cutoff strictly after now
    window_opens = upcoming - margin
    if now < window_opens:
        return ReminderPlan(False, reminded_on, window_opens)
    today = upcoming.date()
    after_today = next_cutoff(upcoming, cutoff) - margin
    return ReminderPlan(reminded_on != today, today, after_today)
