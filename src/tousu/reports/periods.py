"""Report periods: a month (``2026-10``), a quarter (``2026-Q3``), a year (``2026``) or a range
of days (``2026-10-01..2026-10-15``, both days included).

Boundaries are midnights in Asia/Shanghai; ``end`` is exclusive. Each period knows the one
before it, of the same kind and length, for comparison. A period that starts in the future, or
text that is none of these forms, is refused with a ``ValidationFailed`` naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tousu.rules.errors import ValidationFailed

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMS = "YYYY-MM, YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD"
MAX_RANGE_DAYS = 3 * 366
FIRST_YEAR = 2000

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in Shanghai time; ``kind`` is month, quarter, year or range."""

    code: str
    kind: str
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return _midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        """The period just before: the previous month/quarter/year, or a range as long."""
        if self.kind == "month":
            y, m = _shift_month(self.first_day.year, self.first_day.month, -1)
            return month(y, m)
        if self.kind == "quarter":
            y, m = _shift_month(self.first_day.year, self.first_day.month, -3)
            return quarter(y, (m - 1) // 3 + 1)
        if self.kind == "year":
            return year(self.first_day.year - 1)
        last = self.first_day - timedelta(days=1)
        return day_range(last - timedelta(days=self.days - 1), last)

    def label(self) -> str:
        """A Chinese caption: 2026年10月, 2026年第3季度, 2026-10-01至2026-10-15."""
        if self.kind == "month":
            return f"{self.first_day.year}年{self.first_day.month}月"
        if self.kind == "quarter":
            return f"{self.first_day.year}年第{(self.first_day.month - 1) // 3 + 1}季度"
        if self.kind == "year":
            return f"{self.first_day.year}年"
        return f"{self.first_day.isoformat()}至{self.last_day.isoformat()}"

    def as_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "kind": self.kind,
            "label": self.label(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    index = y * 12 + (m - 1) + delta
    return index // 12, index % 12 + 1


def month(y: int, m: int) -> Period:
    ny, nm = _shift_month(y, m, 1)
    return Period(f"{y:04d}-{m:02d}", "month", date(y, m, 1), date(ny, nm, 1) - timedelta(days=1))


def quarter(y: int, q: int) -> Period:
    first = date(y, 3 * q - 2, 1)
    ny, nm = _shift_month(y, 3 * q - 2, 3)
    return Period(f"{y:04d}-Q{q}", "quarter", first, date(ny, nm, 1) - timedelta(days=1))


def year(y: int) -> Period:
    return Period(f"{y:04d}", "year", date(y, 1, 1), date(y, 12, 31))


def day_range(first: date, last: date) -> Period:
    return Period(f"{first.isoformat()}..{last.isoformat()}", "range", first, last)


def _bad(message: str, field: str) -> ValidationFailed:
    return ValidationFailed.one(field, message)


def _parse_shape(text: str, field: str) -> Period:
    if m := _MONTH.match(text):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise _bad(f"period '{text}': month must be 01 to 12", field)
        return month(y, mo)
    if m := _QUARTER.match(text):
        return quarter(int(m[1]), int(m[2]))
    if m := _YEAR.match(text):
        return year(int(m[1]))
    if m := _RANGE.match(text):
        try:
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            raise _bad(f"period '{text}': not a real calendar date", field) from None
        if last < first:
            raise _bad(f"period '{text}': the range ends before it starts", field)
        if (last - first).days >= MAX_RANGE_DAYS:
            raise _bad(f"period '{text}': a range may span at most {MAX_RANGE_DAYS} days", field)
        return day_range(first, last)
    raise _bad(f"unknown period '{text}'; expected {FORMS} (e.g. 2026-10, 2026-Q3)", field)


def parse_period(text: str | None, now: datetime, field: str = "period") -> Period:
    """Read a period; refuse unknown forms, years before 2000 and periods not yet begun."""
    raw = (text or "").strip()
    if not raw:
        raise _bad(f"period is required; expected {FORMS}", field)
    period = _parse_shape(raw, field)
    if period.first_day.year < FIRST_YEAR:
        raise _bad(f"period '{raw}' is before {FIRST_YEAR}", field)
    today = now.astimezone(SHANGHAI).date()
    if period.first_day > today:
        raise _bad(
            f"period '{raw}' is in the future (today is {today.isoformat()}); "
            "statistics exist only for periods that have begun",
            field,
        )
    return period


def last_month(now: datetime) -> Period:
    """The month before the one containing ``now`` (the report page's default)."""
    today = now.astimezone(SHANGHAI).date()
    y, m = _shift_month(today.year, today.month, -1)
    return month(y, m)


__all__ = ["SHANGHAI", "Period", "day_range", "last_month", "month", "parse_period", "quarter"]
