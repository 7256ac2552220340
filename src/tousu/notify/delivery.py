"""Delivery of queued notifications: after commit, by a task; failures retried with back-off.

``deliver(id)`` claims a queued row with a compare-and-set update (so two workers never send
it twice and no lock is held while the SMTP server answers), sends it, and records the
outcome. A failure is kept on the row (``attempts``, ``last_error``) and retried by
``retry_due`` after 1, 2, 4 … minutes; after ``TOUSU_NOTIFY_MAX_ATTEMPTS`` attempts the row
is marked failed. Nothing here raises into the action that caused the notification.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tousu.cases import bulk_write
from tousu.notify import backends
from tousu.notify.models import Notification

log = logging.getLogger(__name__)

Channel, State = Notification.Channel, Notification.Status
LEASE = timedelta(minutes=5)  # a claimed row not finished by then is tried again
LOST_AFTER = timedelta(minutes=2)  # a queued row never claimed: its delivery task was lost


def queue(rows: Sequence[Any]) -> None:
    """Save ``rows`` (``service.Outgoing``) and deliver the outgoing ones after the commit."""
    bulk_write.insert(Notification, rows)
    deliver_after_commit(rows)


def deliver_after_commit(rows: Sequence[Any]) -> None:
    """Once the transaction commits, hand each saved outgoing row to a delivery task."""
    outgoing = [row.pk for row in rows if row.status == State.QUEUED]
    if outgoing:
        transaction.on_commit(lambda: _dispatch(outgoing), robust=True)


def _dispatch(ids: Iterable[int]) -> None:
    from tousu import jobs  # jobs imports this module

    for notification_id in ids:
        jobs.deliver_notification.delay(notification_id)


def deliver(notification_id: int, now: datetime | None = None) -> str:
    """Send one queued notification; returns sent, retry, failed or skipped. Safe to repeat."""
    now = now or timezone.now()
    row = _claim(notification_id, now)
    if row is None:
        return "skipped"  # already sent, given up, not yet due, or another worker has it
    try:
        _send(row)
    except Exception as exc:  # any channel error: record it, try again later
        return _failed(row, exc, now)
    Notification.objects.filter(pk=row.pk).update(
        status=State.SENT, sent_at=now, next_attempt_at=None, last_error=""
    )
    return "sent"


def _claim(notification_id: int, now: datetime) -> Notification | None:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = (
        Notification.objects.filter(due, pk=notification_id, status=State.QUEUED)
        .exclude(channel=Channel.CONSOLE)
        .update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    )
    return Notification.objects.get(pk=notification_id) if claimed else None


def _send(row: Notification) -> None:
    if row.channel == Channel.EMAIL:
        backends.send_email(row.address, row.subject, row.body)
    elif row.channel == Channel.SMS:
        backends.send_sms(row.address, row.subject, row.body)
    else:
        raise backends.DeliveryError(f"unknown channel {row.channel!r}")


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the n-th failure, at most an hour."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=1))


def _failed(row: Notification, exc: Exception, now: datetime) -> str:
    gave_up = row.attempts >= settings.TOUSU_NOTIFY_MAX_ATTEMPTS
    error = f"{type(exc).__name__}: {exc}"[:2000]
    log.warning("notification %s attempt %s failed: %s", row.pk, row.attempts, error)
    Notification.objects.filter(pk=row.pk).update(
        status=State.FAILED if gave_up else State.QUEUED,
        last_error=error,
        next_attempt_at=None if gave_up else now + backoff(row.attempts),
    )
    return "failed" if gave_up else "retry"


def retry_due(now: datetime | None = None, limit: int = 500) -> int:
    """Deliver queued notifications whose retry time has come, or whose task was lost."""
    now = now or timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, created_at__lte=now - LOST_AFTER
    )
    ids = list(
        Notification.objects.filter(due, status=State.QUEUED)
        .exclude(channel=Channel.CONSOLE)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(deliver(notification_id, now) == "sent" for notification_id in ids)
