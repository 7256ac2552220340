"""The dashboard's early-warning panel (tousu.reports.alerts): the current alerts, shown to
those who see every unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.reports.test_warnings import WEEK_END, _spike
from tousu.reports.alerts import raise_alerts
from tousu.reports.models import Alert

pytestmark = pytest.mark.django_db


def test_dashboard_lists_current_alerts_for_those_who_see_every_unit(org, client_as):
    _spike(org)
    raise_alerts(WEEK_END)
    # the dashboard shows alerts seen in the last week: move them to now
    Alert.objects.update(last_seen=timezone.now())
    page = client_as("supervisor").get("/console/dashboard/").content.decode()
    assert 'id="dashboard-alerts"' in page
    assert "电梯（含外包维保）" in page and "锦绣小区" in page and "工程部" in page
    handler = client_as("handler_eng").get("/console/dashboard/").content.decode()
    assert 'id="dashboard-alerts"' not in handler
    Alert.objects.update(last_seen=timezone.now() - timedelta(days=8))
    quiet = client_as("supervisor").get("/console/dashboard/").content.decode()
    assert "近一周没有预警" in quiet
