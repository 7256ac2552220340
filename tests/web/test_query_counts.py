"""No N+1 queries: list pages cost the same number of queries for 3 rows or 30."""

from __future__ import annotations

import pytest
from django.db import connection

from tests import factories

# Queries a page may make whatever the number of rows (session, user, queue, count, packs…).
LIMITS = {
    "/console/": 12,
    "/console/queues/all/": 9,
    "/console/queues/overdue/": 9,
    "/console/queues/unit/": 9,
    "/console/queues/all/?q=漏水&severity=minor": 10,
    "/console/dashboard/": 24,  # the month's statistics: a few aggregate queries per period
}
# On PostgreSQL a text search steers the planner to the GIN index for its probe and its count
# (tousu.cases.search.text_index_plans): up to two blocks of SET LOCAL, and RESET inside the
# test's transaction.
POSTGRES_EXTRA = {"/console/queues/all/?q=漏水&severity=minor": 4}


def limit_of(path: str) -> int:
    return LIMITS[path] + (POSTGRES_EXTRA.get(path, 0) if connection.vendor == "postgresql" else 0)


def _cases(org, n: int) -> None:
    for i in range(n):
        case = factories.intake(org, description=f"第{i}号：楼道水管漏水",
                                category="equipment_water")
        if i % 2:
            factories.act(org, "dispatcher", "dispatch", case, units=["eng"])


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("path", list(LIMITS))
@pytest.mark.parametrize("username", ["dispatcher", "handler_eng"])
def test_list_pages_have_a_fixed_query_count(client_as, org, django_assert_max_num_queries,
                                             rows, path, username):
    _cases(org, rows)
    client = client_as(username)
    client.get(path)  # warm the pack cache and the session
    with django_assert_max_num_queries(limit_of(path)):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("steps", [1, 12])
def test_case_page_query_count_does_not_grow_with_history(client_as, org, eng_case,
                                                          django_assert_max_num_queries, steps):
    for i in range(steps):
        factories.act(org, "agent", "urge", eng_case, note=f"第{i}次来电")
    client = client_as("agent")
    url = f"/console/cases/{eng_case.number}/"
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [3, 60])
def test_the_view_log_and_units_pages_have_a_fixed_query_count(client_as, org, eng_case,
                                                               django_assert_max_num_queries,
                                                               rows):
    from tousu.cases.services.audit import log_personal_data_views

    for _ in range(rows):
        log_personal_data_views(org.users["agent"], [eng_case], source="console")
    auditor, admin = client_as("auditor"), client_as("admin")
    admin.post("/console/manage/units/eng/edit/", {"name": "工程维修部", "kind": "department",
                                                   "parent": "hq"})
    for client, path, limit in ((auditor, "/console/audit/personal-data/", 6),
                                (admin, "/console/manage/units/", 6),
                                (admin, "/console/manage/units/eng/edit/", 8)):
        client.get(path)
        with django_assert_max_num_queries(limit):
            assert client.get(path).status_code == 200
