"""The Celery app without a broker: eager tasks, the schedule as data, the in-process timer."""

from __future__ import annotations

import threading

import pytest

from tests.clocks.helpers import dispatched
from tests.factories import at
from tousu import jobs


def test_schedule_is_one_dict_and_the_sweep_runs_every_minute():
    assert jobs.app.conf.beat_schedule is jobs.BEAT_SCHEDULE
    assert jobs.BEAT_SCHEDULE["sweep"] == {"task": "tousu.jobs.sweep", "schedule": 60.0}
    assert "tousu.jobs.deliver_notification" in jobs.app.tasks
    argv = jobs.worker_argv(concurrency=2)
    assert argv[0] == "worker" and "--beat" in argv and "--concurrency=2" in argv


@pytest.mark.django_db
def test_sweep_task_takes_an_iso_time_and_is_safe_to_repeat(org):
    dispatched(org)
    first = jobs.sweep.delay(at("2026-11-02 09:40").isoformat()).get()
    assert first["case.escalated"] == 1
    assert jobs.sweep.delay(at("2026-11-02 09:40").isoformat()).get() == {}


def test_inprocess_scheduler_runs_the_schedule_on_a_timer(monkeypatch):
    ran = threading.Event()
    monkeypatch.setattr(jobs, "run_schedule_once", lambda names: ran.set())
    stop = jobs.start_inprocess_scheduler(
        tick_seconds=0.01, clock=iter(range(0, 10**9, 60)).__next__
    )
    try:
        assert ran.wait(timeout=5)
    finally:
        stop.set()
