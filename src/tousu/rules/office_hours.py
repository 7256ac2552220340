"""Office hours: the local time ranges of a working day in which working-hour clocks run.

Every working day has the same ranges, e.g. 08:30–12:00 and 13:30–17:30 (lunch break off the
clock). A range is half-open, ``[start, end)``, lies inside one local day (so it cannot run
past midnight; use ``time(0, 0)``–``time.max`` for a whole day) and must not overlap another.
Which dates are working days is the business calendar's job (``rules.calendar``).

Written as text (pack key ``sla.office_hours``, ``Unit.office_hours``) office hours are
``HH:MM-HH:MM`` ranges, e.g. ``08:30-12:00, 13:30-17:30``; ``24:00`` may end a range.
:func:`parse_office_hours` and :func:`parse_range` read them; a bad text raises
:class:`OfficeHoursError`, whose ``code`` names the problem (``bad_range``, ``bad_time``,
``reversed``, ``overlap``, ``empty``) and ``part`` the offending range.

Pure: no Django, no clock, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

TimeRange = tuple[time, time]

DEFAULT_OFFICE_HOURS: tuple[TimeRange, ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)


_RANGE_RE = re.compile(r"^\s*(\S+?)\s*[-–~～]\s*(\S+)\s*$")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_SEPARATORS = re.compile(r"[,，、;；\n]+")


class OfficeHoursError(ValueError):
    """Office hours that cannot be used: ``code`` names the problem, ``part`` the range."""

    def __init__(self, code: str, message: str, part: str = "") -> None:
        self.code = code
        self.part = part
        super().__init__(message)


def format_range(time_range: TimeRange) -> str:
    """``08:30–12:00`` (seconds shown only when a bound has them)."""
    return "–".join(_format_time(bound) for bound in time_range)


def _format_time(moment: time) -> str:
    if moment == time.max:
        return "24:00"
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
                raise OfficeHoursError(
                    "overlap",
                    f"office hours ranges {format_range(earlier)} and {format_range(later)} "
                    "overlap",
                    format_range(later),
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
        raise OfficeHoursError(
            "reversed",
            f"office hours range {format_range(time_range)} is reversed or empty: "
            "the start must be before the end, within one day",
            format_range(time_range),
        )


def _utc_at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)


def parse_range(text: str) -> TimeRange:
    """One ``HH:MM-HH:MM`` range (``24:00`` may end it); OfficeHoursError when it is not one
    or its start is not before its end."""
    match = _RANGE_RE.match(text)
    if not match:
        raise OfficeHoursError(
            "bad_range",
            f"'{text.strip()}' is not a range: write HH:MM-HH:MM, e.g. 08:30-12:00",
            text.strip(),
        )
    start, end = _parse_time(match.group(1), text), _parse_time(match.group(2), text, end=True)
    time_range = (start, end)
    _check_range(time_range)
    return time_range


def parse_office_hours(text: str | Iterable[str]) -> OfficeHours:
    """Office hours from ``"08:30-12:00, 13:30-17:30"`` or a list of such ranges; ranges may
    come in any order but must not overlap. OfficeHoursError names the bad part."""
    parts = _SEPARATORS.split(text) if isinstance(text, str) else list(text)
    ranges = [parse_range(part) for part in parts if part.strip()]
    if not ranges:
        raise OfficeHoursError("empty", "office hours need at least one range, e.g. 08:30-12:00")
    return OfficeHours.of(ranges)


def as_text(office_hours: OfficeHours) -> list[str]:
    """The ranges as ``HH:MM-HH:MM`` texts, in order (what the API shows)."""
    return [
        "-".join(_format_time(bound) for bound in time_range) for time_range in office_hours.ranges
    ]


def _parse_time(value: str, text: str, end: bool = False) -> time:
    if end and value == "24:00":
        return time.max
    match = _TIME_RE.match(value)
    if not match:
        raise OfficeHoursError(
            "bad_time",
            f"'{value}' in '{text.strip()}' is not a time of day: write HH:MM",
            text.strip(),
        )
    return time(int(match.group(1)), int(match.group(2)))
