"""Pack key ``sla.office_hours``: read into the SLA section, or refused naming file:line and
the field (a bad time, a range that ends before it starts, overlapping ranges)."""

from __future__ import annotations

from datetime import time

import pytest

from tests.packs.samples import MINIMAL, edit, line_of
from tousu.packs.loader import PackError, load_pack_text
from tousu.rules.office_hours import DEFAULT_OFFICE_HOURS

MARGIN = "  warning_margin: 1h\n"


def with_hours(*items: str) -> str:
    lines = "".join(f'    - "{item}"\n' for item in items)
    return edit(MARGIN, f"{MARGIN}  office_hours:\n{lines}")


def test_office_hours_are_read_sorted():
    pack = load_pack_text(with_hours("13:30-18:00", "09:00-12:00"), "demo.yaml")
    assert pack.sla.office_hours is not None
    assert pack.sla.office_hours.ranges == (
        (time(9), time(12)),
        (time(13, 30), time(18)),
    )


def test_without_office_hours_the_pack_leaves_the_default():
    pack = load_pack_text(MINIMAL, "demo.yaml")
    assert pack.sla.office_hours is None
    assert ((time(8, 30), time(12)), (time(13, 30), time(17, 30))) == DEFAULT_OFFICE_HOURS


def test_a_whole_day_may_end_at_midnight():
    pack = load_pack_text(with_hours("00:00-24:00"), "demo.yaml")
    assert pack.sla.office_hours is not None
    assert str(pack.sla.office_hours) == "00:00–24:00"


@pytest.mark.parametrize(
    ("items", "field", "problem", "on"),
    [
        pytest.param(
            ("08:30-12:00", "13:30-25:00"),
            "sla.office_hours[1]",
            "'25:00' in '13:30-25:00' is not a time of day",
            "13:30-25:00",
            id="bad_time",
        ),
        pytest.param(
            ("8.30 to 12",),
            "sla.office_hours[0]",
            "is not a range: write HH:MM-HH:MM",
            "8.30 to 12",
            id="not_a_range",
        ),
        pytest.param(
            ("17:30-13:30",),
            "sla.office_hours[0]",
            "17:30–13:30 is reversed or empty",
            "17:30-13:30",
            id="end_before_start",
        ),
        pytest.param(
            ("08:30-12:00", "11:00-17:30"),
            "sla.office_hours[1]",
            "08:30–12:00 and 11:00–17:30 overlap",
            "11:00-17:30",
            id="overlap",
        ),
        pytest.param(
            ("13:00-17:00", "09:00-12:00", "09:00-12:00"),
            "sla.office_hours[2]",
            "overlap",
            None,
            id="same_range_twice",
        ),
    ],
)
def test_bad_office_hours_are_refused(items, field, problem, on):
    text = with_hours(*items)
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "demo.yaml")
    error = caught.value
    assert (error.file, error.field) == ("demo.yaml", field), str(error)
    assert problem in error.problem, str(error)
    if on is not None:
        assert error.line == line_of(on, text), str(error)
    else:
        assert error.line == line_of("office_hours:", text) + 3, str(error)


def test_an_empty_list_is_refused():
    text = edit(MARGIN, f"{MARGIN}  office_hours: []\n")
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "demo.yaml")
    assert caught.value.field == "sla.office_hours"
    assert caught.value.line == line_of("office_hours: []", text)
    assert "at least one range" in caught.value.problem


def test_a_single_text_is_not_a_list():
    text = edit(MARGIN, f'{MARGIN}  office_hours: "08:30-12:00"\n')
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "demo.yaml")
    assert caught.value.field == "sla.office_hours"
    assert "expected a list" in caught.value.problem
