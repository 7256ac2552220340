"""The console's buttons and forms for the clock actions follow the lifecycle table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import act, intake
from tousu.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(org):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(org.users[username])
        return client

    return make


@pytest.fixture
def case(org) -> Case:
    case = intake(org, category="equipment_water")
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    return act(org, "handler_eng", "acknowledge", case)


def url(case: Case, action: str = "") -> str:
    base = f"/console/cases/{case.number}/"
    return f"{base}actions/{action}/" if action else base


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_pause_resume_and_extension_through_the_console(client_as, case):
    handler = client_as("handler_eng")
    page = handler.get(url(case)).content.decode()
    assert url(case, "pause") in page and url(case, "request-extension") in page
    assert url(case, "resume") not in page
    form = handler.get(url(case, "pause")).content.decode()
    assert 'name="reason"' in form and "等待客户提供或答复的事项" in form

    missing = handler.post(url(case, "pause"), {"version": fresh(case).version, "reason": ""})
    assert missing.status_code == 422 and fresh(case).paused_at is None
    done = handler.post(url(case, "pause"), {"version": fresh(case).version, "reason": "等回电"})
    assert done.status_code == 302 and fresh(case).paused_at is not None
    page = handler.get(url(case)).content.decode()
    assert url(case, "resume") in page and url(case, "pause") not in page
    assert handler.post(url(case, "resume"), {"version": fresh(case).version}).status_code == 302
    assert fresh(case).paused_at is None

    until = timezone.localtime() + timedelta(days=5)
    response = handler.post(url(case, "request-extension"), {
        "version": fresh(case).version, "until": until.strftime("%Y-%m-%dT%H:%M"),
        "reason": "配件下周到货",
    })  # fmt: skip
    assert response.status_code == 302
    assert fresh(case).extension_requested_until == until.replace(second=0, microsecond=0)

    assert url(case, "approve-extension") not in handler.get(url(case)).content.decode()
    manager = client_as("manager")
    assert url(case, "approve-extension") in manager.get(url(case)).content.decode()
    approved = manager.post(url(case, "approve-extension"), {"version": fresh(case).version})
    assert approved.status_code == 302
    assert fresh(case).extension_until == until.replace(second=0, microsecond=0)
