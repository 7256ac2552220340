"""The same-matter candidates' query leaves out other places itself (``Case.place_key``): it
must keep every case ``rules.incidents.same_place`` calls the same place, and a case stored
before the key was kept (NULL) still comes back to be compared in Python. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import at, intake
from tousu.cases.incidents import _candidate_rows, place_key
from tousu.cases.models import Case
from tousu.cases.services import CustomerData
from tousu.rules.incidents import normalise, same_place

NOW = at("2026-11-02 09:00")

PLACES = [
    ("幸福小区3栋", "幸福小区三栋", "same_building_written_two_ways"),
    ("幸福小区3栋", "幸福小区3栋2单元", "unit_inside_building"),
    ("幸福小区3栋2单元", "幸福小区3栋", "building_around_unit"),
    ("朝阳区幸福小区3栋", "幸福小区3栋", "contained_in_the_middle"),
    ("幸福小区3栋", "幸福小区5栋", "other_building"),
    ("3栋", "幸福小区3栋", "short_place_not_contained"),
    ("幸福小区3栋", "3栋", "short_place_not_containing"),
    ("", "", "both_blank"),
    ("", "幸福小区3栋", "blank_and_named"),
    ("幸福小区3栋", "", "named_and_blank"),
    ("Wi-Fi 信号站", "wifi信号站", "latin_written_two_ways"),
    ("100%满意_店", "100满意店", "wildcards_dropped_by_normalising"),
]


def _case(org, n: int, location: str) -> Case:
    return intake(
        org,
        pack="property",
        category="equipment",
        location=location,
        description="楼道灯坏了很久没人修",
        customer=CustomerData(name=f"住户{n}", phone=f"1390000{n:04d}"),
        now=NOW + timedelta(minutes=n),
    )


def _rows_for(later: Case) -> set[int]:
    here = normalise(later.location)
    rows = _candidate_rows(later, here, NOW - timedelta(days=1), NOW + timedelta(hours=1))
    return {row[0] for row in rows}


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "second"), [p[:2] for p in PLACES], ids=[p[2] for p in PLACES])
def test_the_query_keeps_exactly_the_cases_about_the_same_place(org, first, second):
    earlier, later = _case(org, 1, first), _case(org, 2, second)
    assert earlier.place_key == normalise(first) == place_key(earlier)
    kept = earlier.pk in _rows_for(later)
    assert kept is same_place(first, second)


@pytest.mark.django_db
def test_a_case_without_a_stored_key_is_still_a_candidate(org):
    earlier, later = _case(org, 1, "幸福小区5栋"), _case(org, 2, "幸福小区3栋")
    Case.objects.filter(pk=earlier.pk).update(place_key=None)
    assert earlier.pk in _rows_for(later)
