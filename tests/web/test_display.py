"""Clocks and severity badges as the console shows them (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tousu.web.console.display import clock_of, severity_tone

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("delta", "text", "tone"), [
    (timedelta(hours=3, minutes=20), "剩余 3 小时", "near"),
    (timedelta(hours=30), "剩余 30 小时", "ok"),
    (timedelta(days=5, hours=2), "剩余 5 天", "ok"),
    (timedelta(minutes=12), "剩余 12 分钟", "near"),
    (-timedelta(days=2, hours=5), "已超时 2 天", "late"),
    (-timedelta(minutes=30), "已超时 30 分钟", "late"),
    (-timedelta(hours=5), "已超时 5 小时", "late"),
], ids=["hours_near_case", "hours_case", "days_case", "minutes_case", "late_days_case",
        "late_minutes_case", "late_hours_case"])
def test_clock_text(delta, text, tone):
    with translation.override("zh-hans"):
        shown = clock_of(NOW + delta, NOW)
    assert (shown.text, shown.tone) == (text, tone)


def test_clock_in_english():
    with translation.override("en"):
        assert clock_of(NOW + timedelta(hours=3), NOW).text == "3 hours left"
        assert clock_of(NOW - timedelta(days=3, hours=1), NOW).text == "3 days overdue"
        assert clock_of(NOW + timedelta(hours=1, minutes=5), NOW).text == "1 hour left"


def test_marked_overdue_without_a_deadline():
    with translation.override("zh-hans"):
        late = clock_of(None, NOW, overdue=True)
        assert (late.text, late.tone) == ("已超时", "late")
        ahead = clock_of(NOW + timedelta(days=3), NOW, overdue=True)
        assert (ahead.text, ahead.tone) == ("已超时 · 剩余 3 天", "late")
    assert clock_of(None, NOW).text == ""


@pytest.mark.parametrize(("rank", "ladder", "tone"), [
    (1, [1, 2, 3], "low"),
    (2, [1, 2, 3], "mid"),
    (3, [1, 2, 3], "top"),
    (1, [1, 2, 3, 4], "low"),
    (2, [1, 2, 3, 4], "mid"),
    (3, [1, 2, 3, 4], "high"),
    (4, [1, 2, 3, 4], "top"),
    (9, [1, 2], "low"),
], ids=lambda v: None)
def test_severity_tone(rank, ladder, tone):
    assert severity_tone(rank, ladder) == tone
