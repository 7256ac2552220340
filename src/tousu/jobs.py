"""Background work: the Celery app, its thin tasks and the beat schedule (SPEC §12).

The broker is ``settings.BROKER_URL`` (``TOUSU_BROKER_URL`` or ``REDIS_URL``): Redis
(``redis://``) or RabbitMQ (``amqp://``). With no broker, tasks run eagerly in the caller's
process (``CELERY_TASK_ALWAYS_EAGER``) and ``start_inprocess_scheduler`` runs the schedule on
a daemon thread, which is how ``tousu demo`` works with nothing installed.

Tasks take ids or ISO times, call one service function, and are safe to run twice: the
sweep records what it did per row, and a delivery claims its row before sending.

Run a worker with beat: ``tousu worker`` (or ``celery -A tousu.jobs worker -B``).
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime
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


def run_schedule_once() -> None:
    """What beat would start this minute, run here: the sweep, then pending retries."""
    from django.db import close_old_connections

    try:
        sweep()
        retry_notifications()
    except Exception:  # a failed round is logged; the next one tries again
        log.exception("in-process sweep failed")
    finally:
        close_old_connections()


def start_inprocess_scheduler(interval_seconds: float = SWEEP_EVERY_SECONDS) -> threading.Event:
    """Run the schedule every ``interval_seconds`` on a daemon thread (no broker needed).

    Returns an Event; set it to stop the thread. The thread dies with the process.
    """
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_seconds):
            run_schedule_once()

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
