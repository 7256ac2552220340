"""Deadlines already issued follow a change of their unit's office hours
(``services.recompute``): the unit's live work orders are counted again from their issue time,
their cases' deadlines follow, one ``case.deadlines_recomputed`` event per case records it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.clocks.helpers import dispatched, kinds, steps
from tests.clocks.test_office_hours import property_pack, unit_hours
from tests.factories import act, at
from tousu.cases.history import check_chains
from tousu.cases.models import Case, Event
from tousu.cases.services.common import Actor
from tousu.cases.services.recompute import recompute_unit_deadlines
from tousu.cases.sweep import run_sweep

pytestmark = pytest.mark.django_db

DEFAULT_DUE = "2026-11-02 14:35"  # issued 09:05, 4 working hours in 08:30–12:00, 13:30–17:30
NINE_TO_SIX_DUE = "2026-11-02 13:05"  # the same in 09:00–18:00: no lunch break


def recompute(org, code: str, hours: str | None, now: str = "2026-11-02 10:00"):
    unit_hours(org, code, hours)
    return recompute_unit_deadlines(org.units[code], actor=Actor(org.users["admin"]), now=at(now))


def test_a_units_new_hours_move_its_open_work_orders_and_the_case(org):
    property_pack()
    case = dispatched(org)
    order = case.work_orders.get()
    assert order.due_acknowledge == at(DEFAULT_DUE)

    done = recompute(org, "eng", "09:00-18:00")

    assert done.cases == [case.number] and done.orders == 1
    order.refresh_from_db()
    case.refresh_from_db()
    assert order.due_acknowledge == order.next_due_at == at(NINE_TO_SIX_DUE)
    assert case.due_acknowledge == at(NINE_TO_SIX_DUE)
    event = Event.objects.get(case=case, kind="case.deadlines_recomputed")
    assert event.actor == org.users["admin"] and event.at == at("2026-11-02 10:00")
    old, new = at(DEFAULT_DUE).isoformat(), at(NINE_TO_SIX_DUE).isoformat()
    assert event.before == {"due_acknowledge": old, "next_due_at": old}
    assert event.after == {"due_acknowledge": new, "next_due_at": new}
    assert event.data["unit"] == "eng" and event.data["office_hours"] == ["09:00-18:00"]
    [moved] = event.data["work_orders"]
    assert moved["id"] == order.pk
    assert moved["before"] == {"due_acknowledge": old, "next_due_at": old}
    assert moved["after"] == {"due_acknowledge": new, "next_due_at": new}
    assert all(chain.broken is None for chain in check_chains(case.number))


def test_the_sweep_escalates_on_the_recomputed_deadline(org):
    property_pack()
    case = dispatched(org)
    run_sweep(at("2026-11-02 10:00"))  # nothing due yet in the default hours
    recompute(org, "eng", "09:00-18:00")
    run_sweep(at("2026-11-02 13:06"))  # past the new deadline, before the old one
    assert steps(case) == [("notify_handler", case.work_orders.get().pk)]


def test_clearing_a_units_hours_brings_back_the_packs(org):
    property_pack(hours='["09:00-12:00", "13:00-18:00"]')
    unit_hours(org, "eng", "09:00-18:00")
    case = dispatched(org)
    assert case.work_orders.get().due_acknowledge == at(NINE_TO_SIX_DUE)
    done = recompute(org, "eng", None)
    assert done.orders == 1
    assert case.work_orders.get().due_acknowledge == at("2026-11-02 14:05")  # the pack's hours
    event = Event.objects.get(case=case, kind="case.deadlines_recomputed")
    assert event.data["office_hours"] is None


def test_a_second_run_and_other_units_change_nothing(org):
    property_pack()
    case = dispatched(org)
    recompute(org, "sec", "09:00-18:00")  # no work order of this case is security's
    assert case.work_orders.get().due_acknowledge == at(DEFAULT_DUE)
    assert recompute(org, "eng", "09:00-18:00").orders == 1
    version = Case.objects.get(pk=case.pk).version
    again = recompute_unit_deadlines(org.units["eng"], now=at("2026-11-02 10:05"))
    assert again.cases == [] and again.orders == 0
    assert kinds(case, "case.deadlines") == ["case.deadlines_recomputed"]
    assert Case.objects.get(pk=case.pk).version == version


def test_finished_work_orders_keep_their_deadlines(org):
    property_pack()
    case = dispatched(org)
    case = act(org, "handler_eng", "acknowledge", case, now=at("2026-11-02 09:20"))
    order = case.work_orders.get()
    case = act(org, "handler_eng", "resolve", case, now=at("2026-11-02 09:40"), note="已修好")
    before = case.work_orders.get().due_acknowledge
    assert recompute(org, "eng", "09:00-18:00").orders == 0
    order.refresh_from_db()
    assert order.due_acknowledge == before
    assert kinds(case, "case.deadlines") == []


def test_a_new_pack_version_moves_no_deadline_already_issued(org):
    """The pack's hours are part of the version a case keeps (SPEC §11)."""
    property_pack()
    case = dispatched(org)
    property_pack(hours='["09:00-18:00"]')  # a new active version with other hours
    assert case.work_orders.get().due_acknowledge == at(DEFAULT_DUE)
    assert recompute(org, "eng", None).orders == 0  # eng follows the case's version's hours
    later = dispatched(org, received="2026-11-02 09:00")
    assert later.work_orders.get().due_acknowledge == at(NINE_TO_SIX_DUE)


def test_saving_new_hours_in_the_admin_recomputes(org):
    property_pack()
    case = dispatched(org)
    admin = org.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    unit = org.units["eng"]
    form = {
        "code": unit.code, "name": unit.name, "kind": unit.kind, "parent": unit.parent_id or "",
        "routing_keys": '["engineering"]', "active": "on", "office_hours": "09:00-18:00",
    }  # fmt: skip
    response = client.post(f"/admin/org/unit/{unit.pk}/change/", form, follow=True)
    assert response.status_code == 200
    assert "重新计算 1 张处理单的时限" in response.content.decode()
    assert case.work_orders.get().due_acknowledge == at(NINE_TO_SIX_DUE)
    event = Event.objects.get(case=case, kind="case.deadlines_recomputed")
    assert event.actor == admin


def test_new_hours_on_the_consoles_units_page_recompute(org):
    property_pack()
    case = dispatched(org)
    client = Client()
    client.force_login(org.users["admin"])
    unit = org.units["eng"]
    form = {"name": unit.name, "kind": unit.kind, "parent": unit.parent.code if unit.parent_id
            else "", "head": "", "office_hours": "09:00-18:00"}  # fmt: skip
    response = client.post(f"/console/manage/units/{unit.code}/edit/", form, follow=True)
    assert response.status_code == 200
    assert "重新计算 1 张处理单的时限（1 件投诉）" in response.content.decode()
    assert case.work_orders.get().due_acknowledge == at(NINE_TO_SIX_DUE)
    assert kinds(case, "case.deadlines") == ["case.deadlines_recomputed"]
    assert "按新办公时间重算时限" in client.get(f"/console/cases/{case.number}/").content.decode()
    # a change of another field alone recomputes nothing more
    client.post(f"/console/manage/units/{unit.code}/edit/", {**form, "name": "工程维修部"})
    assert kinds(case, "case.deadlines") == ["case.deadlines_recomputed"]
