"""``bulk_write.insert_row``: the one INSERT every case, customer and event takes stores what
the ORM would have stored, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import at, intake
from tousu.cases import bulk_write
from tousu.cases.models import Case, Customer, Event


@pytest.mark.django_db
def test_a_customer_gets_its_id_and_its_creation_time():
    customer = Customer(name="李先生", phone="13800138000", address="幸福小区3栋")
    bulk_write.insert_row(customer)
    assert customer.pk is not None
    assert not customer._state.adding
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.name, stored.phone, stored.address) == ("李先生", "13800138000", "幸福小区3栋")
    assert stored.created_at is not None  # auto_now_add: set as the ORM sets it


@pytest.mark.django_db
def test_an_event_keeps_its_json_times_and_a_bool_in_a_number_column(org):
    case = intake(org)
    when = at("2026-11-02 09:30")
    data = {"原因": "漏水", "units": ["ENG", "SEC"], "score": 0.75, "nested": {"ok": True}}
    event = Event(case=case, kind="case.noted", actor=None, at=when, after={"x": 1}, data=data)
    bulk_write.insert_row(event)
    stored = Event.objects.get(pk=event.pk)
    assert (stored.kind, stored.at) == ("case.noted", when)
    assert (stored.before, stored.after) == ({}, {"x": 1})
    assert stored.data == data
    Case.objects.filter(pk=case.pk).update(urge_count=0)
    row = Case.objects.get(pk=case.pk)
    row.pk, row.number, row.urge_count = None, "T00000000001", True  # type: ignore[assignment]
    row.paused_total = timedelta(hours=2)
    bulk_write.insert_row(row)
    copy = Case.objects.get(pk=row.pk)
    assert copy.urge_count == 1  # converted as the ORM converts a bool for a number column
    assert copy.paused_total == timedelta(hours=2)


@pytest.mark.django_db
def test_a_naive_time_is_read_as_local_time_as_the_orm_reads_it(org):
    case = intake(org)
    naive = datetime(2026, 11, 2, 9, 30)  # noqa: DTZ001 - the point of the test
    with pytest.warns(RuntimeWarning):
        bulk_write.insert_row(Event(case=case, kind="case.noted", at=naive))
    stored = Event.objects.filter(case=case, kind="case.noted").get()
    assert stored.at == timezone.make_aware(naive)
