"""Dispatching to a stopped unit is refused, and a unit holding a dispatched order may not be
stopped (SQLite and PostgreSQL; the race between the two: tests/concurrency/
test_unit_stop_race.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import act, intake
from tousu.cases.models import Case, Event, WorkOrder
from tousu.cases.services.common import lock_units
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
