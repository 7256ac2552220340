"""The short result cache of the statistics: the same viewer, pack, period and dimension get
the stored payload while nothing changed; any new event or work order computes afresh."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import act, at, intake
from tousu.reports.periods import parse_period
from tousu.reports.report import tables
from tousu.reports.stats import make_scope, statistics

pytestmark = pytest.mark.django_db

NOW = at("2026-11-05 12:00")
OCTOBER = parse_period("2026-10", NOW)


@pytest.fixture
def cache_on(settings):
    settings.TOUSU_STATS_CACHE_SECONDS = 60


def _count(**kwargs):
    """(total count, number of aggregate queries run)."""
    with CaptureQueriesContext(connection) as queries:
        result = statistics(make_scope(NOW), OCTOBER, "category", **kwargs)
    grouped = [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    return result["totals"]["count"], len(grouped)


def test_same_question_is_answered_from_the_cache_until_something_changes(org, cache_on):
    case = intake(org, now=at("2026-10-10 09:00"))
    first, cold = _count(cached=True)
    again, warm = _count(cached=True)
    assert (first, again) == (1, 1)
    assert warm == 0 < cold  # only the data version is read (newest event and order ids)
    intake(org, now=at("2026-10-11 09:00"))
    assert _count(cached=True)[0] == 2  # a new case: a new event, computed afresh
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-10-11 10:00"))
    assert _count(cached=True)[1] > 0


def test_viewers_and_packs_do_not_share_answers(org, cache_on):
    intake(org, now=at("2026-10-10 09:00"))
    everyone = statistics(make_scope(NOW), OCTOBER, "category", cached=True)
    handler = statistics(
        make_scope(NOW, org.users["handler_sec"]), OCTOBER, "category", cached=True
    )
    telecom = statistics(make_scope(NOW, pack="telecom"), OCTOBER, "category", cached=True)
    assert (everyone["totals"]["count"], handler["totals"]["count"]) == (1, 0)
    assert telecom["totals"]["count"] == 0


def test_uncached_calls_and_cache_off_always_compute(org, settings):
    intake(org, now=at("2026-10-10 09:00"))
    settings.TOUSU_STATS_CACHE_SECONDS = 60
    assert _count()[1] == _count()[1] > 0
    settings.TOUSU_STATS_CACHE_SECONDS = 0
    assert _count(cached=True)[1] == _count(cached=True)[1] > 0


def test_report_tables_reuse_what_the_page_computed(org, cache_on):
    intake(org, now=at("2026-10-10 09:00"))
    first = tables(make_scope(NOW), OCTOBER, cached=True)
    with CaptureQueriesContext(connection) as queries:
        second = tables(make_scope(NOW), OCTOBER, cached=True)
    assert second["totals"] == first["totals"]
    assert all("cases_case" not in q["sql"] for q in queries.captured_queries)
