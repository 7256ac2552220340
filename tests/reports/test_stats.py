"""Counts and indicators on the known cases of tests/reports/data.py (exact numbers)."""

from __future__ import annotations

import pytest

from tests.factories import at
from tests.reports.data import AS_OF, build
from tousu.reports.periods import parse_period
from tousu.reports.stats import INDICATORS, make_scope, pick_indicators, statistics
from tousu.rules.errors import ValidationFailed

pytestmark = pytest.mark.django_db

NOW = at(AS_OF)


def stats(by, user=None, pack="", period="2026-10"):
    return statistics(make_scope(NOW, user, pack), parse_period(period, NOW), by)


def rows_by_key(result):
    return {(r.get("pack"), r["key"]): r for r in result["rows"]}


def test_totals_and_every_indicator(org):
    build(org)
    result = stats("category")
    totals = result["totals"]
    assert totals["count"] == 8
    figures = totals["figures"]
    expected = {
        "count": 8,
        "accepted": 7,
        "finished": 4,
        "open": 3,
        "invalid": 1,
        "withdrawn": 0,
        "resolve_on_time": 3,
        "resolve_late": 4,
        "reply_on_time": 3,
        "reply_late": 0,
        "statutory_on_time": 1,
        "statutory_late": 0,
        "acknowledge_on_time": 3,
        "acknowledge_late": 2,
        "rated": 2,
        "satisfied": 2,
        "repeat": 2,
        "escalated": 1,
        "first_contact": 1,
        "validity_decided": 7,
        "valid": 5,
        "assist": 1,
        "handled": 4,
    }
    assert {k: figures[k] for k in expected} == expected
    assert totals["indicators"] == {
        "on_time_acknowledge": 0.6,
        "on_time_resolve": 0.4286,
        "on_time_reply": 1.0,
        "on_time_statutory_reply": 1.0,
        "resolution_rate": 0.5714,
        "satisfaction_rate": 1.0,
        "repeat_rate": 0.25,
        "escalation_rate": 0.125,
        "first_contact_resolution": 0.1429,
        "avg_handling_hours": 25.79,  # (7 + 72 + 1/6 + 24) / 4
        "p90_handling_hours": 72.0,  # nearest rank: the 4th of 4
        "valid_rate": 0.7143,
    }


def test_previous_period_beside_each_row_and_the_totals(org):
    build(org)
    result = stats("category")
    assert (result["period"], result["previous_period"]) == ("2026-10", "2026-09")
    previous = result["totals"]["previous"]
    assert previous["count"] == 2
    assert previous["indicators"]["on_time_resolve"] == 0.5  # P1 on time, P2 overdue
    assert previous["indicators"]["avg_handling_hours"] == 24.0
    assert previous["indicators"]["resolution_rate"] == 0.5
    water = rows_by_key(result)[("property", "equipment_water")]
    assert (water["count"], water["previous"]["count"]) == (2, 1)
    assert water["previous"]["indicators"]["satisfaction_rate"] == 1.0


def test_rows_by_category(org):
    build(org)
    result = stats("category")
    assert [(r["pack"], r["key"], r["count"]) for r in result["rows"]] == [
        ("property", "equipment_water", 2),
        ("property", "security_visitors", 2),
        ("property", "", 1),
        ("property", "equipment_lighting", 1),
        ("property", "service_fees", 1),
        ("telecom", "billing_other", 1),
    ]
    rows = rows_by_key(result)
    water = rows[("property", "equipment_water")]
    assert water["name"] == "上下水管道与落水管"
    assert water["indicators"]["on_time_acknowledge"] == 0.5
    assert water["indicators"]["on_time_resolve"] == 0.5
    assert water["indicators"]["avg_handling_hours"] == 39.5
    assert water["indicators"]["p90_handling_hours"] == 72.0
    visitors = rows[("property", "security_visitors")]
    assert visitors["indicators"]["first_contact_resolution"] == 0.5
    assert visitors["indicators"]["repeat_rate"] == 0.5
    assert visitors["indicators"]["valid_rate"] == 0.5
    assert visitors["indicators"]["avg_handling_hours"] == 0.17  # closed at the window
    assert rows[("property", "")]["name"] == "（未填写）"
    assert rows[("property", "")]["previous"]["count"] == 1  # P2, never triaged


def test_rows_by_handling_unit(org):
    build(org)
    rows = {r["key"]: r for r in stats("unit")["rows"]}
    assert {k: r["count"] for k, r in rows.items()} == {"eng": 4, "": 3, "sec": 1}
    assert rows["eng"]["name"] == "工程部"
    assert rows[""]["name"] == "（未派单）"
    assert rows["eng"]["indicators"]["on_time_acknowledge"] == 0.75
    assert rows["sec"]["indicators"]["on_time_acknowledge"] == 0.0
    assert rows["eng"]["indicators"]["resolution_rate"] == 0.75  # A, B, T of A, B, F, T


def test_rows_by_other_dimensions(org):
    build(org)
    severity = {(r["pack"], r["key"]): r["count"] for r in stats("severity")["rows"]}
    assert severity == {
        ("property", "minor"): 6,
        ("property", "major"): 1,
        ("telecom", "general"): 1,
    }
    channel = {r["key"]: (r["name"], r["count"]) for r in stats("channel")["rows"]}
    assert channel == {"phone": ("电话", 6), "walk_in": ("现场来访", 1), "media": ("媒体", 1)}
    validity = {r["key"]: r["count"] for r in stats("validity")["rows"]}
    assert validity == {"valid": 5, "assist": 1, "invalid": 1, "": 1}
    packs = {r["key"]: (r["name"], r["count"]) for r in stats("pack")["rows"]}
    assert packs == {"property": ("物业服务", 7), "telecom": ("电信运营商", 1)}
    responsibility = {r["key"]: r["count"] for r in stats("responsibility_class")["rows"]}
    assert responsibility == {"": 6, "class1": 2}
    request_types = {r["key"]: r["count"] for r in stats("request_type")["rows"]}
    assert request_types == {"complaint": 8}


def test_pack_filter_and_visibility(org):
    build(org)
    telecom = stats("category", pack="telecom")
    assert telecom["totals"]["count"] == 1
    assert telecom["totals"]["indicators"]["on_time_statutory_reply"] == 1.0
    assert telecom["pack"] == "telecom"
    # a handler of the security unit sees only the case dispatched to it (G)
    mine = stats("category", user=org.users["handler_sec"])
    assert mine["totals"]["count"] == 1
    assert [r["key"] for r in mine["rows"]] == ["security_visitors"]


def test_empty_period_is_a_valid_empty_result(org):
    build(org)
    result = stats("category", period="2026-07")
    assert result["rows"] == []
    assert result["totals"]["count"] == 0
    assert set(result["totals"]["indicators"]) == set(INDICATORS)
    assert all(v is None for v in result["totals"]["indicators"].values())


def test_unknown_dimension_pack_and_indicator(org):
    with pytest.raises(ValidationFailed) as caught:
        stats("colour")
    assert caught.value.errors[0].field == "by"
    assert "unknown dimension 'colour'" in caught.value.message
    with pytest.raises(ValidationFailed) as caught:
        stats("category", pack="airline")
    assert caught.value.errors[0].field == "pack"
    with pytest.raises(ValidationFailed) as caught:
        pick_indicators("satisfaction_rate,happiness")
    assert caught.value.errors[0].field == "indicators"
    assert pick_indicators("satisfaction_rate, repeat_rate") == ("satisfaction_rate", "repeat_rate")
