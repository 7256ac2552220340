"""Early warnings raised by the job: stored, shown on the dashboard, and told to each quality
user once per alert (a planted spike on generated cases, as in test_warnings)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.reports.test_warnings import WEEK_END, _flat, _spike
from tousu import jobs
from tousu.notify.models import Notification
from tousu.org.models import User
from tousu.reports.alerts import KIND, raise_alerts
from tousu.reports.models import Alert

pytestmark = pytest.mark.django_db


def _quality_inboxes(org):
    second = User(username="quality2", role="quality", unit=org.units["hq"])
    second.set_password("x")
    second.save()
    retired = User(username="quality_old", role="quality", unit=org.units["hq"], is_active=False)
    retired.save()
    return [org.users["quality"], second], retired


def _told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=KIND).order_by("pk"))


def test_planted_spike_is_stored_and_told_to_each_quality_user_once(org):
    _flat(org)
    _spike(org)
    quality, retired = _quality_inboxes(org)
    raised = raise_alerts(WEEK_END)  # the week Oct 25–31 against the 8 before
    assert (raised.alerts, raised.new) == (3, 3)
    stored = {(a.dimension, a.key): a for a in Alert.objects.all()}
    assert set(stored) == {
        ("category", "equipment_elevator"),
        ("place", "锦绣小区"),
        ("unit", "eng"),
    }
    assert (
        stored[("category", "equipment_elevator")].current,
        stored[("unit", "eng")].threshold,
    ) == (8, 4)
    for user in quality:
        told = _told(user)
        assert len(told) == 3
        assert {n.channel for n in told} == {"console"}
        assert any("电梯（含外包维保）" in n.subject and "8 件" in n.subject for n in told)
    assert _told(retired) == []
    assert not Notification.objects.filter(kind=KIND).exclude(recipient__in=quality).exists()


def test_running_again_tells_nobody_twice(org):
    _spike(org)
    quality, _retired = _quality_inboxes(org)
    assert raise_alerts(WEEK_END).new == 3
    again = raise_alerts(WEEK_END)
    assert (again.alerts, again.new, again.notifications) == (3, 0, 0)
    later = raise_alerts(WEEK_END + timedelta(days=1))  # the spike is still in the window
    assert later.new == 0
    assert Alert.objects.count() == 3
    assert Alert.objects.filter(last_seen=WEEK_END + timedelta(days=1)).count() == later.alerts
    assert [len(_told(u)) for u in quality] == [3, 3]


def test_flat_data_raises_nothing(org):
    _flat(org)
    raised = raise_alerts(WEEK_END)
    assert (raised.alerts, raised.new, raised.notifications) == (0, 0, 0)
    assert not Alert.objects.exists()
    assert not Notification.objects.filter(kind=KIND).exists()


def test_the_beat_task_raises_them(org):
    _spike(org)
    assert jobs.BEAT_SCHEDULE["warnings"]["task"] == "tousu.jobs.raise_warnings"
    assert jobs.raise_warnings(WEEK_END.isoformat()) == 3
    assert jobs.raise_warnings(WEEK_END.isoformat()) == 0
