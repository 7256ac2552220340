"""``refresh_order_due`` schedules the ``first_progress`` clock: a live work order owes its
first progress note ``first_progress`` after issue, then one every ``progress_every``."""

from __future__ import annotations

import pytest

from tests.factories import act, at, intake
from tousu.cases.clocks import business_calendar
from tousu.cases.models import WorkOrder
from tousu.cases.sweep import run_sweep
from tousu.rules.durations import Duration

pytestmark = pytest.mark.django_db


def order_of(case) -> WorkOrder:
    return WorkOrder.objects.get(case=case)


def telecom_order(org):
    """Telecom (first progress 1wd, resolve 5wd), dispatched Monday 2026-11-02 09:05."""
    case = intake(org, pack="telecom", category="network_quality", now=at("2026-11-02 09:00"))
    act(org, "dispatcher", "dispatch", case, units=["north"], now=at("2026-11-02 09:05"))
    return act(org, "admin", "acknowledge", case, now=at("2026-11-02 09:20"))


def test_the_first_progress_note_is_the_first_deadline_of_a_telecom_order(org):
    case = telecom_order(org)
    order = order_of(case)
    first = business_calendar().add(at("2026-11-02 09:05"), Duration.parse("1wd"))
    assert first < order.due_resolve
    assert order.next_due_at == first
    report = run_sweep(first + (at("2026-11-02 09:06") - at("2026-11-02 09:05")))
    assert f"{case.number} work order north: escalated notify_handler" in report.lines[0]


def test_a_progress_note_settles_it_and_later_recomputations_remember_the_note(org):
    case = telecom_order(org)
    act(org, "admin", "progress", case, note="已派维护人员测试基站信号",
        now=at("2026-11-02 15:00"))  # fmt: skip
    order = order_of(case)
    assert order.next_due_at == order.due_resolve  # telecom sets no progress cadence
    act(org, "agent", "pause", case, reason="等待用户告知方便上门的时间",
        now=at("2026-11-02 16:00"))  # fmt: skip
    act(org, "agent", "resume", case, now=at("2026-11-02 17:00"))  # recomputes every clock
    order = order_of(case)
    assert order.next_due_at == order.due_resolve


def test_property_orders_keep_the_shorter_handling_limit_and_a_daily_note(org):
    case = intake(org, category="equipment", now=at("2026-11-02 09:00"))
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-11-02 09:05"))
    act(org, "handler_eng", "acknowledge", case, now=at("2026-11-02 09:20"))
    order = order_of(case)
    assert order.next_due_at == order.due_resolve == at("2026-11-02 21:05")  # handle 12h < 24h
    act(org, "handler_eng", "progress", case, note="已到场", now=at("2026-11-02 10:00"))
    assert order_of(case).next_due_at == at("2026-11-02 21:05")  # earlier than 10:00 + 1d
