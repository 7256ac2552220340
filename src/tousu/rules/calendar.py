"""The business calendar: which days are working days, office hours, and deadline arithmetic.

Pure: no Django, no clock, no I/O. Every datetime going in must be timezone-aware (a naive
one raises ValueError); every datetime coming out is aware, in the calendar's zone
(``Asia/Shanghai`` unless configured otherwise). Arithmetic is done on real elapsed time (UTC).

**Working days.** A date is a working day according to, in this order:

1. an *override* for that date (``DayOverride(is_working_day, name)``), set by an
   administrator, e.g. read from a file by :func:`parse_overrides`
   (``2027-01-01,off,元旦`` / ``2027-02-07,work,春节调休``);
2. the ``chinese_calendar`` package, for the years it knows (public holidays are off,
   make-up working days 调休 are on, other days follow the weekday);
3. the weekday rule: Monday–Friday work, Saturday and Sunday off.

:meth:`BusinessCalendar.coverage` tells which source vouches for a date so that the UI can
warn: ``"override"`` when the date itself is overridden or its year is not in the package but
has at least one override (the administrator has taken charge of that year, and its ordinary
days follow the weekday rule); ``"official"`` when the package knows the year;
``"weekday_fallback"`` otherwise. :attr:`BusinessCalendar.known_years` lists the years that
are not in fallback.

**Office hours** are local time ranges, the same on every working day, e.g. 08:30–12:00 and
13:30–17:30 (see ``rules.office_hours``). A moment is office time when it lies in a range
``[start, end)`` on a working day.

**Durations** (``rules.durations``), added by :meth:`BusinessCalendar.add`:

- ``min``, ``h``, ``d``: plain elapsed time (``3d`` is 72 hours later, holidays included).
- ``wh``: office time only. The deadline is the earliest instant by which that much office
  time has passed since the start, so it always lies in office hours and may be a range's end
  (8wh from 08:30 on a working day is 17:30 the same day, not 08:30 the next one).
- ``wd``: **N working days** from a start received on local date D (at any time of day, on a
  working day or not) end at *the close of office hours (end of the last range) on the Nth
  working day strictly after D*. A case received on working day D counts D as day 0; one
  received on a Saturday counts the next working day as day 1. Example: received 2026-09-30
  10:00, 15wd → 2026-10-27 17:30 (National Day 10-01…10-07 off, Saturday 10-10 worked).
- A zero amount of any unit returns the start itself (converted to the calendar's zone): a
  zero limit is due at once. Negative amounts are refused.

Counting back: :meth:`BusinessCalendar.working_days_between` counts the working days strictly
after the start's local date up to and including the end's local date, so
``working_days_between(s, add(s, N wd)) == N``; :meth:`BusinessCalendar.working_time_between`
sums the office time between two instants, so ``working_time_between(s, add(s, N wh))`` is
N hours. Both are negative when the end is before the start.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped]  # the package ships no type hints

from tousu.rules.durations import Duration, TimeUnit
from tousu.rules.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours, TimeRange

DEFAULT_TIME_ZONE = "Asia/Shanghai"
Coverage = Literal["official", "override", "weekday_fallback"]

_ONE_DAY = timedelta(days=1)
# A run of non-working days longer than this means the overrides are wrong; stop searching.
_MAX_DAYS_OFF = 366
_ELAPSED_UNITS = {
    TimeUnit.MINUTES: timedelta(minutes=1),
    TimeUnit.HOURS: timedelta(hours=1),
    TimeUnit.DAYS: timedelta(days=1),
}


@dataclass(frozen=True)
class DayOverride:
    """An administrator's ruling on one date; it wins over the package and the weekday rule."""

    is_working_day: bool
    name: str = ""


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about a date, for display."""

    day: date
    is_working_day: bool
    name: str  # holiday or make-up day name; "" for an ordinary day
    coverage: Coverage


def _official_range() -> range:
    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(known).year, max(known).year + 1)


OFFICIAL_YEARS: frozenset[int] = frozenset(_official_range())


@lru_cache(maxsize=8192)
def official_day(day: date) -> DayOverride | None:
    """The package's ruling on ``day``, or None when it does not know that year."""
    if day.year not in OFFICIAL_YEARS:
        return None
    if day in chinese_calendar.workdays:
        return DayOverride(True, str(chinese_calendar.workdays[day]))
    if day in chinese_calendar.holidays:
        return DayOverride(False, str(chinese_calendar.holidays[day]))
    return DayOverride(day.weekday() < 5)


class BusinessCalendar:
    """Working days (package + overrides + weekday fallback), office hours and a time zone.

    Immutable once built. ``overrides`` maps a date to a :class:`DayOverride` or simply to
    ``True`` (working) / ``False`` (off).
    """

    __slots__ = ("_overrides", "_office_hours", "_tz", "_override_years")

    def __init__(
        self,
        *,
        overrides: Mapping[date, DayOverride | bool] | None = None,
        office_hours: OfficeHours | tuple[TimeRange, ...] = DEFAULT_OFFICE_HOURS,
        time_zone: str | ZoneInfo = DEFAULT_TIME_ZONE,
    ) -> None:
        self._overrides = MappingProxyType(_normalise_overrides(overrides or {}))
        self._override_years = frozenset(day.year for day in self._overrides)
        if not isinstance(office_hours, OfficeHours):
            office_hours = OfficeHours.of(office_hours)
        self._office_hours = office_hours
        self._tz = time_zone if isinstance(time_zone, ZoneInfo) else ZoneInfo(time_zone)

    def __repr__(self) -> str:
        return (
            f"BusinessCalendar(time_zone={self._tz.key!r}, office_hours='{self._office_hours}', "
            f"overrides={len(self._overrides)})"
        )

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    @property
    def office_hours(self) -> OfficeHours:
        return self._office_hours

    def with_office_hours(self, office_hours: OfficeHours | None) -> BusinessCalendar:
        """The same days and zone with other office hours (None: these); shares the overrides."""
        if office_hours is None or office_hours == self._office_hours:
            return self
        twin = object.__new__(BusinessCalendar)
        twin._overrides, twin._override_years = self._overrides, self._override_years
        twin._office_hours, twin._tz = office_hours, self._tz
        return twin

    @property
    def overrides(self) -> Mapping[date, DayOverride]:
        return self._overrides

    @property
    def known_years(self) -> frozenset[int]:
        """Years the package or the overrides cover; any other year uses the weekday rule."""
        return OFFICIAL_YEARS | self._override_years

    # --- days -----------------------------------------------------------------------------

    def coverage(self, day: date) -> Coverage:
        _require_date(day)
        if day in self._overrides:
            return "override"
        if day.year in OFFICIAL_YEARS:
            return "official"
        return "override" if day.year in self._override_years else "weekday_fallback"

    def describe_day(self, day: date) -> DayInfo:
        ruling = self._ruling(day)
        return DayInfo(day, ruling.is_working_day, ruling.name, self.coverage(day))

    def is_working_day(self, day: date) -> bool:
        return self._ruling(day).is_working_day

    def _ruling(self, day: date) -> DayOverride:
        _require_date(day)
        ruling = self._overrides.get(day) or official_day(day)
        return ruling if ruling is not None else DayOverride(day.weekday() < 5)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return next(self._working_days_from(day + _ONE_DAY))

    def _working_days_from(self, day: date) -> Iterator[date]:
        """Working days on or after ``day``, in order, for ever."""
        days_off = 0
        while True:
            if self.is_working_day(day):
                days_off = 0
                yield day
            else:
                days_off += 1
                if days_off > _MAX_DAYS_OFF:
                    raise ValueError(
                        f"no working day in the {_MAX_DAYS_OFF} days up to {day}: "
                        "check the calendar overrides"
                    )
            day += _ONE_DAY

    # --- deadlines --------------------------------------------------------------------------

    def local(self, moment: datetime, name: str = "datetime") -> datetime:
        """``moment`` in the calendar's zone; ValueError when it is naive."""
        return _to_utc(moment, name).astimezone(self._tz)

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The deadline ``duration`` after ``start`` (see the module docstring for each unit)."""
        start = self.local(start, "start")
        if duration.amount < 0:
            raise ValueError(f"cannot add a negative duration ({duration})")
        if duration.amount == 0:
            return start
        if duration.unit is TimeUnit.WORKING_DAYS:
            return self._add_working_days(start, duration.amount)
        if duration.unit is TimeUnit.WORKING_HOURS:
            return self._add_office_time(start, timedelta(hours=duration.amount))
        elapsed = _ELAPSED_UNITS[duration.unit] * duration.amount
        return (start.astimezone(UTC) + elapsed).astimezone(self._tz)

    def _add_working_days(self, start: datetime, count: int) -> datetime:
        working_days = self._working_days_from(start.date() + _ONE_DAY)
        for _ in range(count - 1):
            next(working_days)
        return self._office_hours.close_on(next(working_days), self._tz)

    def _add_office_time(self, start: datetime, remaining: timedelta) -> datetime:
        start_utc = start.astimezone(UTC)
        for day in self._working_days_from(start.date()):
            for opens, closes in self._office_hours.intervals_on(day, self._tz):
                opens = max(opens, start_utc)
                if opens >= closes:
                    continue
                if closes - opens >= remaining:
                    return (opens + remaining).astimezone(self._tz)
                remaining -= closes - opens
        raise AssertionError("unreachable: _working_days_from never ends")  # pragma: no cover

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after ``start``'s local date, up to and including ``end``'s."""
        first, last = self.local(start, "start").date(), self.local(end, "end").date()
        if last < first:
            return -self.working_days_between(end, start)
        span = (last - first).days
        return sum(
            1 for offset in range(1, span + 1) if self.is_working_day(first + offset * _ONE_DAY)
        )

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time (on working days) between two instants; negative when end < start."""
        start_utc, end_utc = _to_utc(start, "start"), _to_utc(end, "end")
        if end_utc < start_utc:
            return -self.working_time_between(end, start)
        total = timedelta()
        day, last = start_utc.astimezone(self._tz).date(), end_utc.astimezone(self._tz).date()
        while day <= last:
            if self.is_working_day(day):
                for opens, closes in self._office_hours.intervals_on(day, self._tz):
                    total += max(timedelta(), min(closes, end_utc) - max(opens, start_utc))
            day += _ONE_DAY
        return total

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself when it is office time, else the next opening of office hours."""
        moment_utc = _to_utc(moment, "moment")
        for day in self._working_days_from(moment_utc.astimezone(self._tz).date()):
            for opens, closes in self._office_hours.intervals_on(day, self._tz):
                if moment_utc < closes:
                    return max(opens, moment_utc).astimezone(self._tz)
        raise AssertionError("unreachable: _working_days_from never ends")  # pragma: no cover

    def next_daily_cutoff(self, after: datetime, cutoff: time) -> datetime:
        """The next ``cutoff`` (local time) on a working day strictly after ``after``.

        For cadences such as "report progress daily before 17:00": on a working day before
        17:00 that is today's 17:00, otherwise 17:00 on the next working day.
        """
        if cutoff.tzinfo is not None:
            raise ValueError(f"cutoff {cutoff} must be a local time without tzinfo")
        after_utc = _to_utc(after, "after")
        for day in self._working_days_from(after_utc.astimezone(self._tz).date()):
            candidate = datetime.combine(day, cutoff, tzinfo=self._tz)
            if candidate.astimezone(UTC) > after_utc:
                return candidate
        raise AssertionError("unreachable: _working_days_from never ends")  # pragma: no cover


def _require_date(day: date) -> None:
    # datetime is a subclass of date; its date() in UTC may not be the local date.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(
            f"expected a date, got {type(day).__name__} {day!r}; "
            "for a datetime pass calendar.local(moment).date()"
        )


def _to_utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__} {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime, got naive {moment.isoformat()}"
        )
    return moment.astimezone(UTC)


def _normalise_overrides(overrides: Mapping[date, DayOverride | bool]) -> dict[date, DayOverride]:
    normalised: dict[date, DayOverride] = {}
    for day, ruling in overrides.items():
        _require_date(day)
        if isinstance(ruling, bool):
            ruling = DayOverride(ruling)
        if not isinstance(ruling, DayOverride):
            raise TypeError(f"override for {day} must be a DayOverride or a bool, got {ruling!r}")
        normalised[day] = ruling
    return normalised


# --- override files -------------------------------------------------------------------------

_KINDS = {"off": False, "work": True}
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class OverrideFileError(ValueError):
    """A bad line in an override file; the message names the file, the line and the value."""

    def __init__(self, filename: str, line: int, value: str, problem: str) -> None:
        super().__init__(f"{filename}:{line}: {problem}: {value!r}")
        self.filename = filename
        self.line = line
        self.value = value


def parse_overrides(text: str, filename: str) -> dict[date, DayOverride]:
    """Read calendar overrides, one ``date,kind[,name]`` CSV line per date.

    ``date`` is ``YYYY-MM-DD``; ``kind`` is ``off`` (a day off, e.g. a public holiday) or
    ``work`` (a working day, e.g. a make-up day 调休); ``name`` is optional. A header line
    starting with ``date``, blank lines and lines starting with ``#`` are skipped. A date listed
    twice, a bad date or an unknown kind raises :class:`OverrideFileError` (a ValueError).
    """
    overrides: dict[date, DayOverride] = {}
    first_line: dict[date, int] = {}
    for number, fields in _csv_rows(text.removeprefix("\ufeff")):
        day, ruling = _parse_row(fields, filename, number)
        if day in overrides:
            problem = f"date already listed on line {first_line[day]}"
            raise OverrideFileError(filename, number, day.isoformat(), problem)
        overrides[day], first_line[day] = ruling, number
    return overrides


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each data line; skips blanks, comments and a leading header."""
    before_first_row = True
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [field.strip() for field in next(csv.reader([stripped]))]
        is_header = before_first_row and fields[0].lower() == "date"
        before_first_row = False
        if not is_header:
            yield number, fields


def _parse_row(fields: list[str], filename: str, number: int) -> tuple[date, DayOverride]:
    if not 2 <= len(fields) <= 3:
        problem = "expected date,kind[,name] (e.g. 2027-01-01,off,元旦)"
        raise OverrideFileError(filename, number, ",".join(fields), problem)
    day = _parse_date(fields[0], filename, number)
    kind = fields[1].lower()
    if kind not in _KINDS:
        raise OverrideFileError(filename, number, fields[1], "unknown kind (use off or work)")
    name = fields[2] if len(fields) == 3 else ""
    return day, DayOverride(_KINDS[kind], name)


def _parse_date(raw: str, filename: str, number: int) -> date:
    problem = "not a date in YYYY-MM-DD form"
    if not _DATE_PATTERN.match(raw):
        raise OverrideFileError(filename, number, raw, problem)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise OverrideFileError(filename, number, raw, "no such date") from None
