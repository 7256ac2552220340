"""The business calendar with the administrators' overrides, cached per process.

Deadline code asks for the calendar many times per request, so it is built once and kept for
``TTL_SECONDS``; an import or an admin edit in this process refreshes it at once, and other
processes (web workers, Celery workers) pick the change up within the TTL.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from tousu.clocks.models import CalendarDay
from tousu.rules.calendar import BusinessCalendar, DayOverride, parse_overrides
from tousu.rules.office_hours import OfficeHours

TTL_SECONDS = 60.0

_lock = threading.Lock()
_cached: tuple[float, BusinessCalendar, dict[OfficeHours, BusinessCalendar]] | None = None


def current(office_hours: OfficeHours | None = None) -> BusinessCalendar:
    """The calendar in force: package holidays and 调休, plus the stored overrides; with
    ``office_hours`` (a pack's or a unit's) instead of the default ones when given. One
    calendar per set of office hours is kept, sharing the overrides."""
    global _cached
    cached = _cached
    if cached is None or time.monotonic() - cached[0] >= TTL_SECONDS:
        with _lock:
            calendar = BusinessCalendar(overrides=_stored(), time_zone=settings.TIME_ZONE)
            cached = _cached = (time.monotonic(), calendar, {})
    base, variants = cached[1], cached[2]
    if office_hours is None:
        return base
    if office_hours not in variants:
        variants[office_hours] = base.with_office_hours(office_hours)
    return variants[office_hours]


def invalidate() -> None:
    """Forget the cached calendar (after overrides change)."""
    global _cached
    _cached = None


def _stored() -> dict[date, DayOverride]:
    rows = CalendarDay.objects.values_list("date", "is_working_day", "name")
    return {day: DayOverride(working, name) for day, working, name in rows}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def import_overrides(text: str, filename: str) -> ImportResult:
    """Store every line of an override file (``date,off|work[,name]``), all or nothing.

    A bad line raises ``OverrideFileError`` naming the file and the line; nothing is stored.
    """
    overrides = parse_overrides(text, filename)
    created = 0
    with transaction.atomic():
        for day, ruling in sorted(overrides.items()):
            _, was_created = CalendarDay.objects.update_or_create(
                date=day, defaults={"is_working_day": ruling.is_working_day, "name": ruling.name}
            )
            created += was_created
    invalidate()  # this process sees the new dates at once …
    transaction.on_commit(invalidate)  # … and again once an enclosing transaction commits
    return ImportResult(created=created, updated=len(overrides) - created)


def save_override(day: date, *, is_working_day: bool, name: str = "") -> bool:
    """Store the ruling on one date (an administrator's console entry); True when new."""
    with transaction.atomic():
        _, created = CalendarDay.objects.update_or_create(
            date=day, defaults={"is_working_day": is_working_day, "name": name}
        )
    invalidate()
    return created


def delete_override(day: date) -> bool:
    """Remove the ruling on one date, so the package or the weekday rule applies again."""
    deleted, _ = CalendarDay.objects.filter(date=day).delete()
    invalidate()
    return bool(deleted)
