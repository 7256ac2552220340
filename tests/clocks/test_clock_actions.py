"""Pausing the clocks while waiting for the customer, and overtime extensions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.clocks.helpers import acknowledged, kinds
from tests.factories import act, at
from tousu.cases.models import Case
from tousu.cases.services import clock_actions as ca
from tousu.cases.sweep import run_sweep
from tousu.notify.models import Notification
from tousu.org.models import User
from tousu.rules.errors import Forbidden, IllegalAction, ValidationFailed

pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_pause_and_resume_shift_internal_deadlines_by_the_paused_time(org):
    case = acknowledged(org)  # resolve by 11-04 09:00, work order handled by 11-02 21:05
    ca.pause_clock(
        actor=org.actor("agent"),
        number=case.number,
        reason="等待业主提供漏水照片",
        expected_version=fresh(case).version,
        now=at("2026-11-02 10:00"),
    )
    paused = fresh(case)
    assert paused.paused_at == at("2026-11-02 10:00")
    assert paused.next_due_at is None and paused.work_orders.get().next_due_at is None
    report = run_sweep(at("2026-11-04 10:00"))  # every deadline would have passed by now
    assert report.counts.get("case.escalated", 0) == 0
    ca.resume_clock(
        actor=org.actor("handler_eng"),
        number=case.number,
        note="照片已收到",
        now=at("2026-11-04 10:00"),
    )
    resumed = fresh(case)
    assert resumed.paused_at is None and resumed.paused_total == timedelta(days=2)
    assert resumed.due_resolve == at("2026-11-06 09:00")
    assert resumed.work_orders.get().due_resolve == at("2026-11-04 21:05")
    assert resumed.next_due_at == at("2026-11-06 09:00")
    assert resumed.work_orders.get().next_due_at == at("2026-11-04 21:05")
    # a later recomputation (here: triage) keeps the shift
    act(org, "dispatcher", "triage", case, validity="valid", now=at("2026-11-04 11:00"))
    assert fresh(case).due_resolve == at("2026-11-06 09:00")
    assert kinds(case, "case.clock_") == ["case.clock_paused", "case.clock_resumed"]
    resumed_event = case.events.get(kind="case.clock_resumed")
    assert resumed_event.data["paused_seconds"] == 2 * 86400


def test_pause_refusals(org):
    case = acknowledged(org)
    with pytest.raises(Forbidden):
        ca.pause_clock(
            actor=org.actor("auditor"), number=case.number, reason="x", now=at("2026-11-02 10:00")
        )
    with pytest.raises(IllegalAction, match="not paused"):
        ca.resume_clock(actor=org.actor("agent"), number=case.number, now=at("2026-11-02 10:00"))
    ca.pause_clock(
        actor=org.actor("agent"), number=case.number, reason="等待业主", now=at("2026-11-02 10:00")
    )
    with pytest.raises(IllegalAction, match="already paused"):
        ca.pause_clock(
            actor=org.actor("agent"), number=case.number, reason="again", now=at("2026-11-02 11:00")
        )
    with pytest.raises(ValidationFailed, match="before the pause"):
        ca.resume_clock(actor=org.actor("agent"), number=case.number, now=at("2026-11-02 09:00"))


def request(org, case, who="handler_eng", until="2026-11-06 18:00"):
    return ca.request_extension(
        actor=org.actor(who),
        number=case.number,
        until=at(until),
        reason="需更换的水泵配件缺货，厂家周五到货",
        now=at("2026-11-03 10:00"),
    )


def test_minor_extension_is_approved_by_the_property_manager_only(
    org, django_capture_on_commit_callbacks
):
    case = acknowledged(org)
    with django_capture_on_commit_callbacks(execute=True):
        request(org, case)
    for who in ("handler_eng", "supervisor", "dispatcher", "admin"):
        with pytest.raises(Forbidden, match="物业部经理"):
            ca.approve_extension(
                actor=org.actor(who), number=case.number, now=at("2026-11-03 11:00")
            )
    assert fresh(case).extension_until is None
    with django_capture_on_commit_callbacks(execute=True):
        ca.approve_extension(
            actor=org.actor("manager"), number=case.number, note="同意", now=at("2026-11-03 11:00")
        )
    approved = fresh(case)
    assert approved.extension_until == at("2026-11-06 18:00")
    assert approved.due_resolve == at("2026-11-06 18:00")
    assert approved.work_orders.get().due_resolve == at("2026-11-06 18:00")
    assert approved.extension_requested_until is None
    told = Notification.objects.get(kind="case.extension_approved", channel="console")
    assert told.recipient.username == "handler_eng" and "已获批准" in told.subject
    asked = Notification.objects.get(kind="case.extension_requested", channel="console")
    assert asked.recipient.username == "manager"


def test_important_extension_needs_the_general_manager_at_the_top(org):
    case = acknowledged(org)
    act(org, "dispatcher", "triage", case, severity="important", now=at("2026-11-02 09:30"))
    request(org, case)
    head = User.objects.create(username="manager_eng", role="manager", unit=org.units["eng"])
    with pytest.raises(Forbidden, match="总经理"):
        ca.approve_extension(actor=ca.Actor(head), number=case.number, now=at("2026-11-03 11:00"))
    ca.approve_extension(actor=org.actor("manager"), number=case.number, now=at("2026-11-03 11:00"))
    assert fresh(case).extension_until == at("2026-11-06 18:00")


def test_extension_request_refusals_and_rejection(org):
    case = acknowledged(org)
    with pytest.raises(ValidationFailed, match="later than"):
        request(org, case, until="2026-11-03 18:00")  # before the current deadline
    with pytest.raises(IllegalAction, match="no extension"):
        ca.approve_extension(
            actor=org.actor("manager"), number=case.number, now=at("2026-11-03 11:00")
        )
    request(org, case)
    with pytest.raises(IllegalAction, match="already awaits"):
        request(org, case, until="2026-11-07 18:00")
    ca.reject_extension(
        actor=org.actor("manager"),
        number=case.number,
        reason="请先联系厂家加急",
        now=at("2026-11-03 11:00"),
    )
    rejected = fresh(case)
    assert rejected.extension_until is None and rejected.extension_requested_until is None
    assert rejected.due_resolve == at("2026-11-04 09:00")
    assert kinds(case, "case.extension_") == ["case.extension_requested", "case.extension_rejected"]
