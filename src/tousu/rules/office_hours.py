"""Office hours: the local time ranges of a working day in which working-hour clocks run.

Every working day has the same ranges, e.g. 08:30–12:00 and 13:30–17:30 (lunch break off the
clock). A range is half-open, ``[start, end)``, lies inside one local day (so it cannot run
past midnight; use ``time(0, 0)``–``time.max`` for a whole day) and must not overlap another.
Which dates are working days is the business calendar's job (``rules.calendar``).

Pure: no Django, no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

TimeRange = tuple[time, time]

DEFAULT_OFFICE_HOURS: tuple[TimeRange, ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)


def format_range(time_range: TimeRange) -> str:
    """``08:30–12:00`` (seconds shown only when a bound has them)."""
    return "–".join(_format_time(bound) for bound in time_range)


def _format_time(moment: time) -> str:
    if moment.second or moment.microsecond:
        return moment.isoformat()
    return moment.strftime("%H:%M")


@dataclass(frozen=True)
class OfficeHours:
    """The validated, sorted office-hour ranges of a working day.

    ``OfficeHours.of([(time(8, 30), time(12)), ...])`` sorts the ranges and raises ValueError
    naming the offending ranges when one is reversed or empty, or two overlap.
    """

    ranges: tuple[TimeRange, ...]

    @classmethod
    def of(cls, ranges: Iterable[TimeRange]) -> OfficeHours:
        checked = tuple(ranges)
        for time_range in checked:
            _check_range(time_range)
        return cls(tuple(sorted(checked)))

    def __post_init__(self) -> None:
        if not self.ranges:
            raise ValueError("office hours need at least one (start, end) range")
        for time_range in self.ranges:
            _check_range(time_range)
        if list(self.ranges) != sorted(self.ranges):
            raise ValueError("office hours ranges must be sorted; build them with OfficeHours.of")
        for earlier, later in zip(self.ranges, self.ranges[1:], strict=False):
            if later[0] < earlier[1]:
                raise ValueError(
                    f"office hours ranges {format_range(earlier)} and {format_range(later)} overlap"
                )

    def __str__(self) -> str:
        return ", ".join(format_range(time_range) for time_range in self.ranges)

    def intervals_on(self, day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
        """The office intervals of ``day`` (a local date in ``tz``) as UTC datetimes."""
        return [(_utc_at(day, start, tz), _utc_at(day, end, tz)) for start, end in self.ranges]

    def close_on(self, day: date, tz: ZoneInfo) -> datetime:
        """The end of the last range on ``day``, in ``tz``."""
        return datetime.combine(day, self.ranges[-1][1], tzinfo=tz)


def _check_range(time_range: TimeRange) -> None:
    if not (
        isinstance(time_range, tuple)
        and len(time_range) == 2
        and all(isinstance(bound, time) for bound in time_range)
    ):
        raise ValueError(f"office hours range {time_range!r} is not a (start, end) pair of times")
    start, end = time_range
    if start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError(
            f"office hours range {format_range(time_range)} must use local times without tzinfo"
        )
    if start >= end:
        raise ValueError(
            f"office hours range {format_range(time_range)} is reversed or empty: "
            "the start must be before the end, within one day"
        )


def _utc_at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)
