"""Background work: the Celery app, its thin tasks and the beat schedule (SPEC §12).

The broker is ``settings.BROKER_URL`` (``TOUSU_BROKER_URL`` or ``REDIS_URL``): Redis
(``redis://``) or RabbitMQ (``amqp://``). With no broker, tasks run eagerly in the caller's
process (``CELERY_TASK_ALWAYS_EAGER``) and ``start_inprocess_scheduler`` runs the same
``BEAT_SCHEDULE`` (every entry at its interval) on a daemon thread, which is how ``tousu demo``
works with nothing installed.

Tasks take ids or ISO times, call one service function, and are safe to run twice: the
sweep records what it did per row, and a delivery claims its row before sending.

Run a worker with beat: ``tousu worker`` (or ``celery -A tousu.jobs worker -B``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")

log = logging.getLogger(__name__)

app = Celery("tousu")
# Settings named CELERY_* in tousu.settings; Celery's Django fix-up sets Django up in workers.
app.config_from_object("django.conf:settings", namespace="CELERY")

SWEEP_EVERY_SECONDS = 60.0

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "sweep": {"task": "tousu.jobs.sweep", "schedule": SWEEP_EVERY_SECONDS},
    "retry-notifications": {"task": "tousu.jobs.retry_notifications", "schedule": 60.0},
    "warnings": {"task": "tousu.jobs.raise_warnings", "schedule": 3600.0},
}
app.conf.beat_schedule = BEAT_SCHEDULE


@app.task(name="tousu.jobs.deliver_notification", ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    from tousu.notify.delivery import deliver

    return deliver(notification_id)


@app.task(
    name="tousu.jobs.notify_event",
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def notify_event(event_id: int) -> int:
    """Write the notifications a committed event calls for, and queue their delivery."""
    from tousu.notify.service import notify_stored_event

    return notify_stored_event(event_id)


@app.task(name="tousu.jobs.retry_notifications", ignore_result=True)
def retry_notifications() -> int:
    from tousu.notify.delivery import retry_due

    return retry_due()


@app.task(name="tousu.jobs.sweep", ignore_result=True)
def sweep(now_iso: str | None = None) -> dict[str, int]:
    """One SLA sweep as of ``now_iso`` (default: now); returns the counts per kind."""
    from tousu.cases.sweep import run_sweep

    now = datetime.fromisoformat(now_iso) if now_iso else None
    return run_sweep(now).counts


@app.task(name="tousu.jobs.raise_warnings", ignore_result=True)
def raise_warnings(now_iso: str | None = None) -> int:
    """Early warnings (tousu.reports.alerts): store new alerts, tell the quality role once."""
    from django.utils import timezone

    from tousu.reports.alerts import raise_alerts

    now = datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    return raise_alerts(now).new


def every_seconds(entry: dict[str, Any]) -> float:
    """A beat entry's interval in seconds (a number or a timedelta; beat accepts both)."""
    schedule = entry["schedule"]
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    raise TypeError(f"beat entry {entry['task']!r}: the in-process scheduler takes intervals only")


def run_schedule_once(names: Iterable[str] | None = None) -> list[str]:
    """Run the ``BEAT_SCHEDULE`` entries ``names`` (default: every entry) here, one after the
    other, as beat would have a worker run them; returns the task names run. A failed task is
    logged and the others still run; the next round tries it again."""
    from django.db import close_old_connections

    chosen = list(BEAT_SCHEDULE) if names is None else list(names)
    ran = []
    for name in chosen:
        entry = BEAT_SCHEDULE[name]
        try:
            app.tasks[entry["task"]](*entry.get("args", ()), **entry.get("kwargs", {}))
            ran.append(entry["task"])
        except Exception:
            log.exception("in-process task %s failed", entry["task"])
        finally:
            close_old_connections()
    return ran


def due_entries(next_run: dict[str, float], now: float) -> list[str]:
    """The entries whose time has come at ``now`` (monotonic seconds); moves each one's next
    run on by its interval (from now, so a long pause does not run it twice)."""
    due = [name for name, at in next_run.items() if at <= now]
    for name in due:
        next_run[name] = now + every_seconds(BEAT_SCHEDULE[name])
    return due


def start_inprocess_scheduler(
    tick_seconds: float | None = None, clock: Callable[[], float] = time.monotonic
) -> threading.Event:
    """Run ``BEAT_SCHEDULE`` on a daemon thread (no broker needed): every entry at its own
    interval, counted from now (``run_schedule_once()`` runs them all at start-up). The thread
    wakes every ``tick_seconds`` (default: the shortest interval) to see what is due.

    Returns an Event; set it to stop the thread. The thread dies with the process.
    """
    intervals = {name: every_seconds(entry) for name, entry in BEAT_SCHEDULE.items()}
    tick = tick_seconds if tick_seconds is not None else min(intervals.values())
    started = clock()
    next_run = {name: started + seconds for name, seconds in intervals.items()}
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(tick):
            due = due_entries(next_run, clock())
            if due:
                run_schedule_once(due)

    threading.Thread(target=loop, name="tousu-scheduler", daemon=True).start()
    return stop


def worker_argv(concurrency: int | None = None, beat: bool = True) -> list[str]:
    """Arguments for ``app.worker_main``: a worker, with the beat scheduler embedded."""
    from django.conf import settings

    argv = ["worker", "--loglevel=INFO"]
    if beat:
        argv += ["--beat", f"--schedule={settings.DATA_DIR / 'celerybeat-schedule'}"]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    return argv
