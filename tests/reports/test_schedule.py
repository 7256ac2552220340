"""The in-process scheduler of ``tousu demo`` runs the Celery beat schedule itself (every entry
at its interval), and the demo's planted rise shows up as an alert once the warnings run."""

from __future__ import annotations

import threading
from datetime import timedelta

import django.db
import pytest

from tousu import demo, jobs
from tousu.notify.models import Notification
from tousu.reports.alerts import KIND
from tousu.reports.models import Alert


def test_beat_schedule_names_the_sweep_retries_and_warnings():
    tasks = {entry["task"] for entry in jobs.BEAT_SCHEDULE.values()}
    assert tasks >= {
        "tousu.jobs.sweep",
        "tousu.jobs.retry_notifications",
        "tousu.jobs.raise_warnings",
    }
    assert all(task in jobs.app.tasks for task in tasks)


def test_inprocess_scheduler_runs_every_beat_entry_at_its_interval(monkeypatch):
    ran: list[str] = []
    everything = threading.Event()
    seconds = iter(range(0, 10**9, 3600))  # each look at the clock is an hour later

    def record(names):
        ran.extend(names)
        if set(ran) >= set(jobs.BEAT_SCHEDULE):
            everything.set()
        return names

    monkeypatch.setattr(jobs, "run_schedule_once", record)
    stop = jobs.start_inprocess_scheduler(tick_seconds=0.01, clock=lambda: float(next(seconds)))
    try:
        assert everything.wait(timeout=5), f"ran only {sorted(set(ran))}"
    finally:
        stop.set()


def test_due_entries_follow_each_interval():
    next_run = {name: 0.0 for name in jobs.BEAT_SCHEDULE}
    assert set(jobs.due_entries(next_run, 0.0)) == set(jobs.BEAT_SCHEDULE)
    assert jobs.due_entries(next_run, 59.0) == []
    every_minute = {n for n, e in jobs.BEAT_SCHEDULE.items() if jobs.every_seconds(e) <= 60}
    assert set(jobs.due_entries(next_run, 60.0)) == every_minute
    assert "warnings" not in every_minute
    assert "warnings" in jobs.due_entries(next_run, 3600.0)


def test_every_seconds_takes_numbers_and_timedeltas_and_refuses_crontabs():
    assert jobs.every_seconds({"task": "t", "schedule": timedelta(minutes=5)}) == 300.0
    assert jobs.every_seconds({"task": "t", "schedule": 60}) == 60.0
    with pytest.raises(TypeError, match="'t'"):
        jobs.every_seconds({"task": "t", "schedule": "0 * * * *"})


@pytest.mark.django_db
def test_demo_rise_raises_an_alert_when_the_schedule_runs_in_process(settings, monkeypatch):
    settings.BROKER_URL = ""
    # The scheduler thread drops stale connections between tasks; here the tasks run inside
    # the test's transaction, which must stay open.
    monkeypatch.setattr(django.db, "close_old_connections", lambda: None)
    demo.ensure_demo_data(cases=20)
    ran = jobs.run_schedule_once()
    assert set(ran) == {e["task"] for e in jobs.BEAT_SCHEDULE.values()}
    alerts = {(a.dimension, a.current) for a in Alert.objects.all()}
    assert ("category", demo.SURGE_CASES) in alerts
    assert ("place", demo.SURGE_CASES) in alerts
    told = Notification.objects.filter(kind=KIND, recipient__username="quality")
    assert told.count() >= 2
