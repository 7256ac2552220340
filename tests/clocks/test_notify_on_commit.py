"""Every action's events reach ``notify_on_commit`` through ``services.common.record``: the
kinds that call for a message get their template notification once the action commits, never
before, and a failure afterwards neither undoes the action nor loses the message."""

from __future__ import annotations

import pytest

from tests.clocks.helpers import dispatched
from tests.factories import act, at, intake
from tousu import jobs
from tousu.cases.models import Case, Event
from tousu.notify import service
from tousu.notify.models import Notification

pytestmark = pytest.mark.django_db


def sent(kind: str) -> list[tuple[str, str, str]]:
    """(template, channel, recipient or address) of the notifications of one event kind."""
    rows = Notification.objects.filter(kind=kind).select_related("recipient").order_by("id")
    return [(n.template, n.channel, n.recipient.username if n.recipient else n.address)
            for n in rows]  # fmt: skip


def test_each_action_notifies_after_its_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = intake(org, category="equipment", now=at("2026-11-02 09:00"))
    assert Notification.objects.count() == 0  # registering a complaint notifies nobody
    with django_capture_on_commit_callbacks(execute=False) as pending:
        act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-11-02 09:05"))
    assert len(pending) == 1 and Notification.objects.count() == 0  # nothing before commit
    pending[0]()
    assert sent("work_order.issued") == [  # not signed for yet: every handler of the unit
        ("dispatched", "console", "handler_eng"),
        ("dispatched", "console", "handler_eng2"),
    ]

    steps = [
        ("handler_eng", "acknowledge", {}, "case.processing",
         [("acknowledged", "sms", "13800138000")]),
        ("agent", "urge", {"note": "业主来电催问"}, "case.urged",
         [("urged", "console", "handler_eng"), ("urged", "console", "manager"),
          ("urged", "console", "supervisor")]),
        ("handler_eng", "resolve", {"findings": "已更换水管"}, "case.resolved",
         [("resolved", "console", "agent")]),
        ("agent", "reply", {"message": "水管已修好"}, "case.replied",
         [("replied", "sms", "13800138000")]),
    ]  # fmt: skip
    minute = 10
    for who, action, payload, kind, expected in steps:
        with django_capture_on_commit_callbacks(execute=True):
            act(org, who, action, case, now=at(f"2026-11-02 09:{minute}"), **payload)
        minute += 5
        assert sent(kind) == expected, kind


def test_a_failing_notification_keeps_the_action_and_is_built_on_retry(
    org, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    case = intake(org, category="equipment", now=at("2026-11-02 09:00"))

    def broken(*args, **kwargs):
        raise RuntimeError("template store unreachable")

    monkeypatch.setattr(service, "build", broken)
    with django_capture_on_commit_callbacks(execute=True):
        act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-11-02 09:05"))
    assert Case.objects.get(pk=case.pk).status == "dispatched"  # the action stands
    assert Notification.objects.count() == 0
    assert "template store unreachable" in caplog.text  # recorded in the log
    monkeypatch.undo()
    issued = Event.objects.get(case=case, kind="work_order.issued")
    assert jobs.notify_event(issued.pk) == 2  # the retry builds it
    assert jobs.notify_event(issued.pk) == 0  # and a repeat adds nothing
    assert [r[2] for r in sent("work_order.issued")] == ["handler_eng", "handler_eng2"]


def test_sweep_events_notify_overdue_and_escalated(org):
    dispatched(org)
    from tousu.cases.sweep import run_sweep

    run_sweep(at("2026-11-02 11:36"))
    templates = set(Notification.objects.filter(kind="case.escalated")
                    .values_list("template", flat=True))  # fmt: skip
    assert templates == {"overdue", "escalated"}


def test_with_the_broker_unreachable_the_rows_are_built_in_process(
    org, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    case = intake(org, category="equipment", now=at("2026-11-02 09:00"))

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker at redis://127.0.0.1:1 refused the connection")

    monkeypatch.setattr(jobs.notify_event, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-11-02 09:05"))
    assert "not queued; building it here" in caplog.text
    assert [r[2] for r in sent("work_order.issued")] == ["handler_eng", "handler_eng2"]
