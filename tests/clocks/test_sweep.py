"""The sweep on a real database: escalation step by step, idempotency, reminders, upgrades."""

from __future__ import annotations

import pytest

from tests.clocks.helpers import acknowledged, dispatched, kinds, steps
from tests.factories import act, at
from tousu.cases.models import Case, Event
from tousu.cases.sweep import run_sweep
from tousu.notify.models import Notification

pytestmark = pytest.mark.django_db

CHAIN = ["notify_handler", "notify_unit_head", "notify_supervisor", "notify_general_manager"]


def state(case: Case) -> tuple:
    """Everything a sweep may change, to compare before and after a rerun."""
    case.refresh_from_db()
    orders = list(
        case.work_orders.values_list(
            "escalation_step", "escalation_from", "warned_due_at", "sweep_at", "next_due_at"
        )
    )
    return (
        case.version,
        case.severity,
        case.overdue,
        case.escalation_step,
        case.sweep_at,
        orders,
        Event.objects.count(),
        Notification.objects.count(),
    )


def test_a_case_left_alone_is_escalated_step_by_step_each_step_once(org):
    case = dispatched(org)  # work order to be signed for by 09:35
    order = case.work_orders.get()
    timeline = [
        ("2026-11-02 09:20", ["work_order.near_breach"], []),
        ("2026-11-02 09:36", ["case.escalated", "case.overdue"], ["notify_handler"]),
        ("2026-11-02 10:00", [], []),
        ("2026-11-02 11:36", ["case.escalated"], ["notify_unit_head"]),
        ("2026-11-03 09:36", ["case.escalated"], ["notify_supervisor"]),
        ("2026-11-05 09:36", None, ["notify_general_manager"]),
    ]
    for now, expected_kinds, expected_steps in timeline:
        before = len(steps(case))
        report = run_sweep(at(now))
        assert run_sweep(at(now)).summary() == "nothing to do", now  # rerun: idempotent
        order_steps = [s for s, wo in steps(case)[before:] if wo == order.pk]
        assert order_steps == expected_steps, now
        if expected_kinds is not None:
            assert sorted(k for k in report.counts if "." in k) == expected_kinds, now
    order_chain = [s for s, wo in steps(case) if wo == order.pk]
    assert order_chain == CHAIN  # every step exactly once, in order
    case.refresh_from_db()
    assert case.overdue is True
    assert case.severity == "important"  # the last step raises one rank
    assert kinds(case).count("case.overdue") == 1
    assert kinds(case).count("work_order.near_breach") == 1


def test_rerun_at_the_same_time_changes_nothing(org):
    case = dispatched(org)
    run_sweep(at("2026-11-03 12:00"))
    first = state(case)
    report = run_sweep(at("2026-11-03 12:00"))
    assert report.summary() == "nothing to do"
    assert report.looked_at == 0  # nothing selected: the swept rows left the index range
    assert state(case) == first


def test_escalations_reach_the_positions_the_pack_names(org):
    case = dispatched(org)
    run_sweep(at("2026-11-02 11:36"))  # handler step, then unit head
    by_step = {}
    for n in Notification.objects.filter(case=case, kind="case.escalated"):
        by_step.setdefault(n.event.data["step"], set()).add(n.recipient.username)
    # nobody signed for the order: every handler of the unit hears of it; engineering has
    # no manager of its own, so the centre's manager is its head
    assert by_step == {
        "notify_handler": {"handler_eng", "handler_eng2"},
        "notify_unit_head": {"manager"},
    }
    overdue = Notification.objects.filter(case=case, event__data__step="notify_handler").first()
    assert "已超时" in overdue.subject and case.number in overdue.subject


def test_the_case_clock_escalates_apart_from_the_work_order(org):
    case = acknowledged(org)  # signed for at 09:20: handle by 21:05, resolve by 11-04 09:00
    run_sweep(at("2026-11-04 09:01"))
    own = [s for s, wo in steps(case) if wo is None]
    assert own == ["notify_handler"]
    assert (
        Event.objects.filter(case=case, kind="case.escalated", data__clock="resolve").count() == 1
    )


def test_progress_reminder_once_a_working_day_before_the_cutoff(org):
    case = acknowledged(org)  # Monday; the handling target 21:05 passes
    run_sweep(at("2026-11-02 21:10"))
    run_sweep(at("2026-11-03 15:10"))
    run_sweep(at("2026-11-03 16:00"))
    assert kinds(case).count("work_order.progress_reminder") == 1
    act(org, "handler_eng", "progress", case, note="配件已订购", now=at("2026-11-04 10:00"))
    run_sweep(at("2026-11-04 15:30"))  # progress already reported today
    assert kinds(case).count("work_order.progress_reminder") == 1
    run_sweep(at("2026-11-05 15:30"))
    assert kinds(case).count("work_order.progress_reminder") == 2
    reminder = Notification.objects.filter(kind="work_order.progress_reminder").first()
    assert reminder.recipient.username == "handler_eng"  # the one who signed for it
    assert "17:00" in reminder.subject


def test_valid_complaint_unresolved_a_month_becomes_major(org):
    case = acknowledged(org)
    act(org, "dispatcher", "triage", case, validity="valid", now=at("2026-11-02 09:30"))
    run_sweep(at("2026-11-30 09:00"))
    case.refresh_from_db()
    assert case.severity == "important"  # the chain raised it one rank, once
    report = run_sweep(at("2026-12-02 09:00"))  # received + 30 days
    assert f"{case.number} severity -> major" in report.lines
    case.refresh_from_db()
    assert case.severity == "major"
    raised = Event.objects.filter(case=case, kind="case.severity_raised").order_by("id")
    assert [e.reason for e in raised][-1] == "有效投诉一个月未解决"
    assert raised.last().data["trigger"] == "sweep"


def test_a_sweep_before_a_case_existed_is_refused_clearly(org):
    case = dispatched(org, received="2026-11-02 09:00")
    report = run_sweep(at("2026-11-02 08:30"))
    assert report.refused == [
        f"case {case.number} created after the sweep time 2026-11-02 08:30:00: "
        "its clocks were not looked at"
    ]
    assert kinds(case, "case.escalated") == [] and kinds(case, "work_order.near") == []


def test_finished_cases_are_left_alone(org):
    case = dispatched(org)
    act(org, "agent", "withdraw", case, reason="客户撤诉", now=at("2026-11-02 09:30"))
    report = run_sweep(at("2026-11-03 09:00"))
    assert report.counts.get("case.escalated", 0) == 0
