"""A pack may keep a case closed after a dissatisfied follow-up (``follow_up.dissatisfied_reopens:
false``): the case closes as a satisfied one does, the dissatisfaction is recorded in the case
and the event, and the statistics count it. The built-in property pack reopens (SQLite and
PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.factories import act, at, intake
from tousu.cases.models import WorkOrder
from tousu.cases.services.common import allowed_for
from tousu.packs.loader import DATA_DIR
from tousu.packs.registry import install_pack_text
from tousu.reports.periods import parse_period
from tousu.reports.stats import make_scope, statistics

pytestmark = pytest.mark.django_db

REOPENS = "dissatisfied_reopens: true"


@pytest.fixture
def keeps_closed(org):
    text = (DATA_DIR / "property.yaml").read_text(encoding="utf-8")
    assert text.count(REOPENS) == 1
    install_pack_text(text.replace(REOPENS, "dissatisfied_reopens: false"), "property.yaml")


def _replied(org):
    case = intake(org, now=at("2026-10-10 09:00"))
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-10-10 09:10"))
    act(org, "handler_eng", "acknowledge", case, now=at("2026-10-10 09:20"))
    act(org, "handler_eng", "resolve", case, now=at("2026-10-10 15:00"))
    return act(org, "agent", "reply", case, message="已处理", now=at("2026-10-10 16:00"))


def test_a_pack_that_keeps_the_work_closed_closes_a_dissatisfied_case(org, keeps_closed):
    case = _replied(org)
    done = at("2026-10-11 10:00")
    case = act(
        org, "quality", "follow-up", case, satisfaction="dissatisfied", comment="仍然漏水", now=done
    )
    assert (case.status, case.satisfaction, case.closed_at) == ("closed", "dissatisfied", done)
    assert case.work_orders.get().status == WorkOrder.State.DONE  # no work reopened
    event = case.events.get(kind="case.followed_up")
    assert event.before == {"status": "replied"}
    assert event.after == {"status": "closed"}
    assert event.reason == "仍然漏水"
    assert event.data == {
        "satisfaction": "dissatisfied",
        "reopened": False,
        "why": "pack_rule",
        "rule": "follow_up.dissatisfied_reopens",
    }
    # closed like any other case: a reopen or an appeal is still open to the centre
    assert {"reopen", "appeal"} <= set(allowed_for(case, org.users["quality"], done))
    totals = statistics(
        make_scope(at("2026-11-05 12:00")), parse_period("2026-10", done), "category"
    )
    figures = totals["totals"]["figures"]
    assert (figures["rated"], figures["satisfied"]) == (1, 0)
    assert totals["totals"]["indicators"]["satisfaction_rate"] == 0.0


def test_a_satisfied_follow_up_closes_as_before_under_that_pack(org, keeps_closed):
    case = act(org, "quality", "follow-up", _replied(org), satisfaction="satisfied")
    assert (case.status, case.satisfaction) == ("closed", "satisfied")
    assert case.events.get(kind="case.followed_up").data == {"satisfaction": "satisfied"}


def test_the_built_in_pack_reopens_the_work(org):
    case = act(org, "quality", "follow-up", _replied(org), satisfaction="dissatisfied")
    assert (case.status, case.satisfaction) == ("processing", "dissatisfied")
    assert case.work_orders.get().status == WorkOrder.State.ACKNOWLEDGED
    assert "reopened" not in case.events.get(kind="case.followed_up").data
