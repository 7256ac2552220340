"""Dispatching to a stopped unit is refused, a unit holding a dispatched order may not be
stopped, and reopening a case leaves the done orders of stopped units done (SQLite and
PostgreSQL; the race between dispatch and stop: tests/concurrency/test_unit_stop_race.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import act, intake
from tousu.cases.models import Case, Event, WorkOrder
from tousu.cases.services.common import allowed_for, lock_units
from tousu.org.models import Unit
from tousu.org.units import set_unit_active
from tousu.rules.errors import ErrorCode, ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_dispatch_to_a_stopped_unit_is_refused_and_stores_nothing(org):
    case = intake(org)
    set_unit_active(by=org.users["admin"], code="sec", active=False)
    events = Event.objects.filter(case=case).count()
    with pytest.raises(ValidationFailed) as refused:
        act(org, "dispatcher", "dispatch", case, units=["eng", "sec"])
    [error] = refused.value.errors
    assert (error.field, error.code) == ("units[1]", ErrorCode.INVALID)
    assert error.message == "unit 'sec' is stopped: no new work can be sent to it"
    assert not WorkOrder.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).status == case.status
    assert Event.objects.filter(case=case).count() == events


def test_a_restarted_unit_takes_work_again(org):
    case = intake(org)
    set_unit_active(by=org.users["admin"], code="sec", active=False)
    set_unit_active(by=org.users["admin"], code="sec", active=True)
    act(org, "dispatcher", "dispatch", case, units=["sec"])
    assert list(WorkOrder.objects.filter(case=case).values_list("unit__code", flat=True)) == [
        "sec"
    ]


def test_a_unit_holding_a_dispatched_order_may_not_be_stopped(org):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["sec"])
    with pytest.raises(ValidationFailed) as refused:
        set_unit_active(by=org.users["admin"], code="sec", active=False)
    assert refused.value.errors[0].field == "active"
    assert "1 张在办的处理单" in refused.value.errors[0].message
    assert Unit.objects.get(code="sec").active is True


def test_the_dispatch_reads_and_locks_its_units_in_one_query(org):
    with CaptureQueriesContext(connection) as captured:
        units = lock_units(["sec", "eng", "env"])
    assert [u.code for u in units] == ["sec", "eng", "env"]  # as named, not as locked
    [query] = [q["sql"] for q in captured.captured_queries]
    assert ("FOR SHARE" in query) == (connection.vendor == "postgresql")
    assert 'ORDER BY "org_unit"."code"' in query  # the order every unit lock follows


def test_an_unknown_unit_is_named_as_before(org):
    with pytest.raises(ValidationFailed) as refused:
        lock_units(["eng", "moon"])
    [error] = refused.value.errors
    assert (error.field, error.code, error.message) == (
        "units[1]", ErrorCode.UNKNOWN, "unknown unit 'moon'"
    )


# Reopening (reopen, a dissatisfied follow-up) gives a stopped unit no open work.


def _replied(org, units):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=units)
    for unit in units:
        act(org, f"handler_{unit}", "acknowledge", case)
    for unit in units:
        act(org, f"handler_{unit}", "resolve", case)
    return act(org, "agent", "reply", case, message="已处理完毕")


def _orders(case):
    rows = WorkOrder.objects.filter(case=case).values_list("unit__code", "status")
    return dict(rows)


def test_a_reopen_skips_the_orders_of_stopped_units(org):
    case = _replied(org, ["eng", "sec"])
    set_unit_active(by=org.users["admin"], code="sec", active=False)
    case = act(org, "quality", "reopen", case, reason="客户反映问题复发")
    assert case.status == "processing"
    assert _orders(case) == {"eng": WorkOrder.State.ACKNOWLEDGED, "sec": WorkOrder.State.DONE}
    sec = WorkOrder.objects.get(case=case, unit__code="sec")
    event = case.events.get(kind="case.reopened")
    assert event.data == {
        "not_reopened": [{"work_order": sec.pk, "unit": "sec"}],
        "why": "unit_stopped",
    }
    case = act(org, "handler_eng", "resolve", case)  # the active unit's order finishes it
    assert case.status == "resolved"


def test_a_reopen_with_every_unit_stopped_goes_back_for_dispatch(org):
    case = _replied(org, ["eng", "sec"])
    for code in ("lift_co", "eng", "sec"):  # eng's sub-unit first
        set_unit_active(by=org.users["admin"], code=code, active=False)
    case = act(org, "quality", "reopen", case, reason="客户反映问题复发")
    assert case.status == "registered"
    assert _orders(case) == {"eng": WorkOrder.State.DONE, "sec": WorkOrder.State.DONE}
    event = case.events.get(kind="case.reopened")
    assert event.after == {"status": "registered"}
    assert event.reason == "客户反映问题复发"  # the request is kept
    assert [o["unit"] for o in event.data["not_reopened"]] == ["eng", "sec"]
    assert event.data["back_to_dispatch"] is True
    case = act(org, "dispatcher", "dispatch", case, units=["env"])
    assert case.status == "dispatched"


def test_a_reopen_with_every_unit_active_records_nothing_skipped(org):
    case = _replied(org, ["eng"])
    case = act(org, "quality", "reopen", case, reason="客户反映问题复发")
    assert case.status == "processing"
    assert _orders(case) == {"eng": WorkOrder.State.ACKNOWLEDGED}
    assert case.events.get(kind="case.reopened").data == {}


def test_a_dissatisfied_follow_up_skips_stopped_units(org):
    case = _replied(org, ["eng", "sec"])
    for code in ("lift_co", "eng"):  # eng's sub-unit first
        set_unit_active(by=org.users["admin"], code=code, active=False)
    case = act(org, "quality", "follow-up", case, satisfaction="dissatisfied", comment="仍然漏水")
    assert case.status == "processing"
    assert _orders(case) == {"eng": WorkOrder.State.DONE, "sec": WorkOrder.State.ACKNOWLEDGED}
    data = case.events.get(kind="case.followed_up").data
    assert data["satisfaction"] == "dissatisfied"
    assert [o["unit"] for o in data["not_reopened"]] == ["eng"]
    assert "back_to_dispatch" not in data


def test_a_dissatisfied_follow_up_with_every_unit_stopped_goes_back_for_dispatch(org):
    case = _replied(org, ["sec"])
    set_unit_active(by=org.users["admin"], code="sec", active=False)
    case = act(org, "quality", "follow-up", case, satisfaction="dissatisfied", comment="仍然漏水")
    assert case.status == "registered"
    assert _orders(case) == {"sec": WorkOrder.State.DONE}
    data = case.events.get(kind="case.followed_up").data
    assert data["back_to_dispatch"] is True
    assert "dispatch" in allowed_for(case, org.users["dispatcher"])


def test_a_stop_after_the_reopen_is_refused(org):
    case = _replied(org, ["sec"])
    act(org, "quality", "reopen", case, reason="客户反映问题复发")
    with pytest.raises(ValidationFailed):
        set_unit_active(by=org.users["admin"], code="sec", active=False)
    assert Unit.objects.get(code="sec").active is True


def test_the_reopen_share_locks_the_units_of_its_done_orders(org):
    case = _replied(org, ["sec", "eng"])
    with CaptureQueriesContext(connection) as captured:
        act(org, "quality", "reopen", case, reason="客户反映问题复发")
    sql = [q["sql"] for q in captured.captured_queries]
    [lock] = [i for i, q in enumerate(sql) if 'FROM "org_unit"' in q and "ORDER BY" in q]
    [case_lock] = [i for i, q in enumerate(sql) if 'FROM "cases_case"' in q and "LIMIT 1" in q]
    assert lock < case_lock  # units before the case, as every unit-then-case locker
    assert ("FOR SHARE" in sql[lock]) == (connection.vendor == "postgresql")
