"""Early warning: the Poisson bound, place names, and a planted spike on generated cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import act, at, intake
from tousu.reports.periods import parse_period
from tousu.reports.stats import make_scope
from tousu.reports.warnings import detect, normalise_place, poisson_tail, poisson_upper

NOW = at("2026-11-20 12:00")
WEEK_END = at("2026-11-01 00:00")  # the end of October: the watched week is Oct 25–31


@pytest.mark.parametrize(("mean", "bound"), [(0.5, 3), (1, 4), (2, 6), (10, 18), (0, 0)])
def test_poisson_upper_bound_is_the_99th_percentile(mean, bound):
    assert poisson_upper(mean) == bound


def test_poisson_bound_for_a_large_mean_and_the_tail():
    assert poisson_upper(1000) == 1074  # 1000 + 2.326·√1000, rounded up by the discrete law
    assert poisson_tail(1, 0) == 1.0
    assert round(poisson_tail(1, 5), 5) == 0.00366


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("幸福小区 3栋502", "幸福小区"),
        ("幸福小区３栋５０２室", "幸福小区"),
        ("幸福小区3-502", "幸福小区"),
        ("幸福小区地下车库", "幸福小区地下车库"),
        ("锦绣花园B座1203", "锦绣花园"),
        ("阳光100小区", "阳光100小区"),
        ("", ""),
    ],
)
def test_place_names_are_normalised(text, place):
    assert normalise_place(text) == place


def _week(weeks_back, day=2, hour=9):
    """A time in the week ``weeks_back`` weeks before the watched one (0 = watched week)."""
    return WEEK_END - timedelta(weeks=weeks_back + 1) + timedelta(days=day, hours=hour)


def _flat(org):
    """Two cleaning complaints a week at 阳光小区 for nine weeks, never dispatched."""
    for weeks_back in range(9):
        for n in range(2):
            intake(
                org,
                now=_week(weeks_back, day=n + 1),
                category="environment_cleaning",
                location=f"阳光小区{n + 1}栋10{n}",
                description="楼道垃圾没人清理",
            )


def _spike(org):
    """Lifts at 锦绣小区: one a week for eight weeks, then eight in the watched week."""
    times = [_week(w) for w in range(1, 9)] + [_week(0, day=d % 6, hour=9 + d) for d in range(8)]
    for when in times:
        case = intake(
            org,
            now=when,
            category="equipment_elevator",
            location="锦绣小区5栋",
            description="电梯又停了",
        )
        act(org, "dispatcher", "dispatch", case, units=["eng"], now=when + timedelta(minutes=5))


@pytest.mark.django_db
def test_flat_data_raises_no_alert(org):
    _flat(org)
    result = detect(make_scope(NOW), parse_period("2026-10", NOW))
    assert result["alerts"] == []
    assert result["groups_checked"] == 2  # one category, one place (no unit: not dispatched)
    assert result["window"]["end"] == WEEK_END.isoformat()


@pytest.mark.django_db
def test_planted_spike_is_found_by_category_place_and_unit(org):
    _flat(org)
    _spike(org)
    result = detect(make_scope(NOW), parse_period("2026-10", NOW))
    found = {(a["dimension"], a["key"]): a for a in result["alerts"]}
    assert set(found) == {
        ("category", "equipment_elevator"),
        ("place", "锦绣小区"),
        ("unit", "eng"),
    }
    lift = found[("category", "equipment_elevator")]
    assert lift["name"] == "电梯（含外包维保）"
    assert lift["pack"] == "property"
    assert (lift["current"], lift["baseline_mean"], lift["threshold"]) == (8, 1.0, 4)
    assert lift["weekly"] == [1, 1, 1, 1, 1, 1, 1, 1, 8]
    assert lift["p_value"] < 0.001
    assert found[("unit", "eng")]["name"] == "工程部"


@pytest.mark.django_db
def test_a_running_period_watches_the_week_before_now(org):
    _spike(org)
    result = detect(make_scope(at("2026-10-31 12:00")), parse_period("2026-10", NOW))
    assert result["window"]["end"] == at("2026-10-31 12:00").isoformat()
