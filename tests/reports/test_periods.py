"""Report periods: forms, Shanghai boundaries, the previous period, refusals (no database)."""

from __future__ import annotations

import pytest

from tests.factories import at
from tousu.reports.periods import last_month, parse_period
from tousu.rules.errors import ValidationFailed

NOW = at("2026-11-24 10:00")


@pytest.mark.parametrize(
    ("text", "kind", "first", "last", "previous"),
    [
        ("2026-10", "month", "2026-10-01", "2026-10-31", "2026-09"),
        ("2026-1", "month", "2026-01-01", "2026-01-31", "2025-12"),
        ("2026-03", "month", "2026-03-01", "2026-03-31", "2026-02"),
        ("2026-Q3", "quarter", "2026-07-01", "2026-09-30", "2026-Q2"),
        ("2026-q1", "quarter", "2026-01-01", "2026-03-31", "2025-Q4"),
        ("2025", "year", "2025-01-01", "2025-12-31", "2024"),
        ("2026-10-01..2026-10-15", "range", "2026-10-01", "2026-10-15", "2026-09-16..2026-09-30"),
        ("2026-11-20..2026-11-20", "range", "2026-11-20", "2026-11-20", "2026-11-19..2026-11-19"),
    ],
)
def test_forms_and_previous(text, kind, first, last, previous):
    period = parse_period(text, NOW)
    assert period.kind == kind
    assert (period.first_day.isoformat(), period.last_day.isoformat()) == (first, last)
    assert period.previous().code == previous


def test_boundaries_are_shanghai_midnights():
    period = parse_period("2026-10", NOW)
    assert period.start.isoformat() == "2026-10-01T00:00:00+08:00"
    assert period.end.isoformat() == "2026-11-01T00:00:00+08:00"
    assert period.start == at("2026-10-01 00:00")
    assert period.label() == "2026年10月"
    assert parse_period("2026-Q3", NOW).label() == "2026年第3季度"


def test_current_month_is_allowed_and_last_month_is_the_default():
    assert parse_period("2026-11", NOW).code == "2026-11"
    assert last_month(NOW).code == "2026-10"
    assert last_month(at("2026-01-05 08:00")).code == "2025-12"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("october", "unknown period 'october'"),
        ("2026-13", "month must be 01 to 12"),
        ("2026-Q5", "unknown period"),
        ("2026-10-15..2026-10-01", "ends before it starts"),
        ("2026-02-30..2026-03-02", "not a real calendar date"),
        ("2026-12", "in the future (today is 2026-11-24)"),
        ("2027-Q1", "in the future"),
        ("1999-05", "before 2000"),
        ("", "period is required"),
    ],
)
def test_refusals_name_the_field(text, words):
    with pytest.raises(ValidationFailed) as caught:
        parse_period(text, NOW)
    assert words in caught.value.message
    assert [e.field for e in caught.value.errors] == ["period"]
