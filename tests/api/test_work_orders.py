"""GET /work-orders: filters unit, status, overdue; handlers see their unit's orders."""

from __future__ import annotations

import pytest

from tests.api.helpers import field_names
from tests.factories import act, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(org, make_case):
    late = make_case(now=at("2026-01-05 09:00"))
    act(org, "dispatcher", "dispatch", late, units=["eng"], now=at("2026-01-05 09:05"))
    fresh = make_case()
    act(org, "dispatcher", "dispatch", fresh, units=["eng", "sec"])
    act(org, "handler_sec", "acknowledge", fresh)
    return {"late": late, "fresh": fresh}


def rows(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200, response.content
    return sorted((r["case"], r["unit"], r["status"]) for r in response.json()["items"])


def test_work_order_rows(api_as, orders):
    body = api_as("dispatcher").get("/work-orders").json()
    assert (body["count"], body["count_exact"], body["page"], body["page_size"]) == (3, True, 1, 20)
    first = body["items"][0]
    assert first["case"] == orders["late"].number  # the soonest due first
    assert first["overdue"] is True
    assert set(first) == {
        "id",
        "unit",
        "unit_name",
        "status",
        "handler",
        "issued_at",
        "acknowledged_at",
        "done_at",
        "returned_at",
        "return_reason",
        "due",
        "case",
        "case_status",
        "severity",
        "category",
        "overdue",
        "next_due_at",
    }
    assert first["issued_at"] == "2026-01-05T09:05:00+08:00"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unit": "eng"}, {("late", "eng", "issued"), ("fresh", "eng", "issued")}),
        ({"unit": "sec"}, {("fresh", "sec", "acknowledged")}),
        ({"status": "acknowledged"}, {("fresh", "sec", "acknowledged")}),
        ({"overdue": "true"}, {("late", "eng", "issued")}),
        ({"overdue": "false"}, {("fresh", "eng", "issued"), ("fresh", "sec", "acknowledged")}),
        ({"unit": "eng", "overdue": "false"}, {("fresh", "eng", "issued")}),
    ],
    ids=lambda v: (
        "_".join(f"{k}={w}" for k, w in v.items()) + "_case" if isinstance(v, dict) else None
    ),
)
def test_filters(api_as, orders, params, expected):
    got = rows(api_as("dispatcher").get("/work-orders", params))
    assert set(got) == {(orders[c].number, u, s) for c, u, s in expected}


def test_handler_sees_only_their_units_orders(api_as, orders):
    got = rows(api_as("handler_sec").get("/work-orders"))
    assert got == [(orders["fresh"].number, "sec", "acknowledged")]
    assert rows(api_as("handler_sec").get("/work-orders", {"unit": "eng"})) == []


def test_bad_filters_are_422(api_as, orders):
    response = api_as("dispatcher").get("/work-orders", {"status": "lost", "page": 0})
    assert response.status_code == 422
    assert set(field_names(response)) == {"status", "page"}
