"""A unit's office hours where units are edited (Django admin) and listed (console)."""

from __future__ import annotations

import pytest

from tests.web.conftest import page_text
from tousu.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_as, org):
    admin = org.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return client_as("admin")


def change(client, unit: Unit, office_hours: str):
    form = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "routing_keys": '["engineering"]',
        "active": "on",
        "office_hours": office_hours,
    }
    return client.post(f"/admin/org/unit/{unit.pk}/change/", form)


def test_the_admin_saves_a_units_hours(admin_client, org):
    unit = org.units["eng"]
    response = change(admin_client, unit, "09:00-18:00")
    assert response.status_code == 302, page_text(response)
    assert Unit.objects.get(pk=unit.pk).office_hours == "09:00-18:00"
    text = page_text(admin_client.get("/console/manage/units/"))
    assert "办公时间" in text and "09:00-18:00" in text and "按行业包" in text


def test_the_admin_refuses_overlapping_hours_and_saves_nothing(admin_client, org):
    unit = org.units["eng"]
    response = change(admin_client, unit, "08:30-12:00, 11:00-17:30")
    assert response.status_code == 200  # the form again, with the field's error
    assert "时间段 11:00–17:30 与另一个时间段重叠。" in page_text(response)
    assert Unit.objects.get(pk=unit.pk).office_hours is None


def test_an_empty_field_means_the_packs_hours(admin_client, org):
    unit = org.units["eng"]
    Unit.objects.filter(pk=unit.pk).update(office_hours="09:00-18:00")
    response = change(admin_client, unit, "")
    assert response.status_code == 302, page_text(response)
    assert Unit.objects.get(pk=unit.pk).office_hours is None
