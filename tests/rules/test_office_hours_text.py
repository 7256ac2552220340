"""Office hours written as text (pack key ``sla.office_hours``, ``Unit.office_hours``)."""

from __future__ import annotations

from datetime import time

import pytest

from tousu.rules.office_hours import OfficeHoursError, as_text, parse_office_hours


@pytest.mark.parametrize(
    "text",
    ["08:30-12:00, 13:30-17:30", "13:30–17:30，8:30-12:00", "08:30 - 12:00; 13:30-17:30"],
)
def test_parse_accepts_common_separators_in_any_order(text: str) -> None:
    hours = parse_office_hours(text)
    assert hours.ranges == ((time(8, 30), time(12)), (time(13, 30), time(17, 30)))
    assert as_text(hours) == ["08:30-12:00", "13:30-17:30"]


def test_a_range_may_end_at_midnight() -> None:
    hours = parse_office_hours("00:00-24:00")
    assert hours.ranges == ((time(0), time.max),)
    assert as_text(hours) == ["00:00-24:00"]


@pytest.mark.parametrize(
    ("text", "code", "part"),
    [
        ("09:00-18:60", "bad_time", "09:00-18:60"),
        ("24:00-08:00", "bad_time", "24:00-08:00"),
        ("nine to six", "bad_range", "nine to six"),
        ("18:00-09:00", "reversed", "18:00–09:00"),
        ("09:00-09:00", "reversed", "09:00–09:00"),
        ("09:00-12:00, 11:30-18:00", "overlap", "11:30–18:00"),
        (" , ", "empty", ""),
    ],
)
def test_bad_text_names_the_problem_and_the_range(text: str, code: str, part: str) -> None:
    with pytest.raises(OfficeHoursError) as caught:
        parse_office_hours(text)
    assert (caught.value.code, caught.value.part) == (code, part)
