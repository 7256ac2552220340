"""The list page's rows and a case's detail are read with the joins in the written order on
PostgreSQL (tousu.cases.plans.joins_as_written): the setting covers the joined statement and
does not outlive it, inside an outer transaction too. On SQLite nothing is sent."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tousu.cases.plans import joins_as_written

pytestmark = pytest.mark.django_db

SET = "SET LOCAL join_collapse_limit = 1"


def join_collapse_limit() -> str:
    if connection.vendor != "postgresql":
        return "8"  # SQLite has no such setting: the block changes nothing there
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def _sent(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def _joined_read_follows_the_setting(sent: list[str]) -> None:
    joined = [i for i, sql in enumerate(sent) if 'JOIN "cases_customer"' in sql]
    assert joined, sent
    if connection.vendor == "postgresql":
        assert sent[joined[0] - 1] == SET, sent
        assert "RESET join_collapse_limit" in sent[joined[0] + 1 :], sent
    else:
        assert not [sql for sql in sent if sql.startswith(("SET ", "RESET "))], sent


def test_a_list_page_and_a_detail_join_as_written_and_leave_the_planner_as_it_was(
    api_as, make_case
):
    case = make_case(description="楼道灯坏了", category="equipment_water")
    supervisor = api_as("supervisor")
    before = join_collapse_limit()  # pytest-django wraps the test in a transaction
    with CaptureQueriesContext(connection) as captured:
        page = supervisor.get("/cases", {"page_size": 5})
    assert page.status_code == 200
    assert [r["number"] for r in page.json()["items"]] == [case.number]
    _joined_read_follows_the_setting(_sent(captured))
    assert join_collapse_limit() == before
    with CaptureQueriesContext(connection) as captured:
        detail = supervisor.get(f"/cases/{case.number}")
    assert detail.json()["number"] == case.number
    _joined_read_follows_the_setting(_sent(captured))
    assert join_collapse_limit() == before


def test_the_block_sets_the_limit_only_inside():
    before = join_collapse_limit()
    with joins_as_written():
        inside = join_collapse_limit()
    assert (inside, join_collapse_limit()) == (
        "1" if connection.vendor == "postgresql" else before,
        before,
    )
