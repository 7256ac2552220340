"""A real Celery worker, started against the machine's Redis, delivers a notification.

Skipped only when Redis does not answer (CI provides it). The worker runs in a subprocess on
its own queue, reads this test's database (committed data: transaction=True) and writes the
SMS through the file gateway.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from tousu.notify.models import Notification

REDIS_URL = os.environ.get("TOUSU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def forget_queue(queue: str) -> None:
    """Remove the test queue and kombu's bindings for it, so Redis keeps no litter."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db.get("PASSWORD") else user
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgresql://{auth}@{host}:{port}/{db['NAME']}"


@pytest.mark.skipif(not redis_answers(), reason=f"Redis does not answer at {REDIS_URL}")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_notification_task(tmp_path):
    row = Notification.objects.create(
        channel="sms",
        address="13900139000",
        kind="case.processing",
        template="acknowledged",
        subject="【已受理】测试",
        body="您的投诉已受理。",
        status="queued",
        created_at=timezone.now(),
    )
    queue = f"tousu-test-{uuid.uuid4().hex[:8]}"
    sms_log = tmp_path / "sms.log"
    env = {
        **os.environ,
        "TOUSU_BROKER_URL": REDIS_URL,
        "DATABASE_URL": database_url(),
        "TOUSU_SMS_LOG": str(sms_log),
        "DJANGO_SETTINGS_MODULE": "tousu.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tousu.jobs",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        client = Celery("tousu-test-client", broker=REDIS_URL)
        client.send_task("tousu.jobs.deliver_notification", args=[row.pk], queue=queue)
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and worker.poll() is None:
            row.refresh_from_db()
            if row.status != "queued":
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
        forget_queue(queue)
    assert row.status == "sent", output
    assert "13900139000" in sms_log.read_text(encoding="utf-8")
