"""Notifications: real SMTP (aiosmtpd in-process), the SMS file gateway, failures and retries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.clocks.conftest import free_port
from tests.clocks.helpers import acknowledged, dispatched
from tests.factories import at
from tousu.cases.models import Case
from tousu.cases.services import clock_actions as ca
from tousu.cases.sweep import run_sweep
from tousu.notify import delivery
from tousu.notify.models import Notification
from tousu.notify.service import notify_event
from tousu.notify.templates import TEMPLATES

pytestmark = pytest.mark.django_db


def give_email(org, *names):
    for name in names:
        user = org.users[name]
        user.email = f"{name}@example.com"
        user.save(update_fields=["email"])


def test_escalation_is_mailed_over_smtp(org, smtp_server, django_capture_on_commit_callbacks):
    give_email(org, "handler_eng", "manager")
    dispatched(org)
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep(at("2026-11-02 11:36"))  # handler step, then the unit head
    mails = {m["X-Envelope-To"]: m for m in smtp_server.messages}
    assert set(mails) == {"handler_eng@example.com", "manager@example.com"}
    assert "已超时" in mails["handler_eng@example.com"]["Subject"]
    assert "升级" in mails["manager@example.com"]["Subject"]
    assert "202611000001" in mails["manager@example.com"].get_content()
    sent = Notification.objects.filter(channel="email")
    assert {n.status for n in sent} == {"sent"} and all(n.attempts == 1 for n in sent)


def test_customer_gets_an_sms_through_the_file_gateway(
    org, sms_log, django_capture_on_commit_callbacks
):
    case = acknowledged(org)
    event = case.events.get(kind="case.processing")
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify_event(event)
    assert [r.channel for r in rows] == ["sms"]
    lines = [json.loads(line) for line in sms_log.read_text(encoding="utf-8").splitlines()]
    assert [line["to"] for line in lines] == ["13800138000"]
    assert "已由工程部签收" in lines[0]["text"]
    assert Notification.objects.get(channel="sms").status == "sent"


def test_failed_delivery_is_recorded_and_retried_without_undoing_the_action(
    org, settings, smtp_server, django_capture_on_commit_callbacks
):
    give_email(org, "handler_eng")
    case = acknowledged(org)
    working_port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # nobody listens
    settings.TOUSU_NOTIFY_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        ca.pause_clock(
            actor=ca.Actor(org.users["agent"]),
            number=case.number,
            reason="等待业主",
            now=at("2026-11-02 10:00"),
        )
    assert Case.objects.get(pk=case.pk).paused_at is not None  # the action stands
    mail = Notification.objects.get(channel="email")
    assert (mail.status, mail.attempts) == ("queued", 1)
    assert "Connection" in mail.last_error or "refused" in mail.last_error.lower()
    first_retry = mail.next_attempt_at
    assert delivery.retry_due(first_retry - timedelta(seconds=1)) == 0  # not yet due
    assert delivery.retry_due(first_retry) == 0  # second attempt fails too
    mail.refresh_from_db()
    assert mail.attempts == 2 and mail.next_attempt_at - first_retry == timedelta(minutes=2)
    settings.EMAIL_PORT = working_port  # the server is back
    assert delivery.retry_due(mail.next_attempt_at) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 3, "")
    assert len(smtp_server.messages) == 1
    assert delivery.deliver(mail.pk) == "skipped"  # safe to run twice


def test_delivery_gives_up_after_the_last_attempt(
    org, settings, smtp_server, django_capture_on_commit_callbacks
):
    give_email(org, "handler_eng")
    case = acknowledged(org)
    settings.EMAIL_PORT = free_port()
    settings.TOUSU_NOTIFY_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):  # first attempt: after the commit
        paused = ca.pause_clock(
            actor=ca.Actor(org.users["agent"]),
            number=case.number,
            reason="等待业主",
            now=at("2026-11-02 10:00"),
        )
    assert paused.paused_at == at("2026-11-02 10:00")  # the failed e-mail undid nothing
    mail = Notification.objects.get(channel="email")
    assert (mail.status, mail.attempts) == ("queued", 1) and mail.last_error
    assert delivery.deliver(mail.pk, mail.next_attempt_at - timedelta(seconds=1)) == "skipped"
    assert delivery.deliver(mail.pk, mail.next_attempt_at) == "failed"
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("failed", 2, None)


def test_every_event_kind_has_chinese_wording():
    required = {
        "acknowledged",
        "dispatched",
        "urged",
        "overdue",
        "escalated",
        "resolved",
        "replied",
        "follow_up_due",
    }
    assert required <= set(TEMPLATES)
    for template in TEMPLATES.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in template.subject + template.body)
