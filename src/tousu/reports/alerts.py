"""Early warnings raised and told (预警通知): ``raise_alerts`` runs the detection of
``warnings.detect`` over all cases for the week ending now, stores each alert, and gives every
active quality user one console notification (and an e-mail when e-mail is configured) per
new alert. A group that keeps alerting is the same alert while it is seen again within
``SAME_ALERT`` of its last sighting: running the job again (or twice at once, see the lock)
tells nobody twice. ``current_alerts`` lists what the dashboard shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from tousu.notify import delivery
from tousu.notify.models import Notification
from tousu.notify.service import Outgoing
from tousu.org.models import User
from tousu.reports.figures import make_scope
from tousu.reports.labels import DIMENSIONS
from tousu.reports.models import Alert
from tousu.reports.periods import SHANGHAI, month
from tousu.reports.warnings import detect
from tousu.rules.lifecycle import Role

SAME_ALERT = timedelta(days=7)
LOCK_ID = 7_070_001  # pg_advisory_xact_lock key of raise_alerts
KIND = "stats.warning"
TEMPLATE = "stats_warning"
SUBJECT = "【预警】{dimension}「{name}」本周 {current} 件，超过阈值 {threshold}"
BODY = (
    "{start} 至 {end} 共受理 {current} 件，前 8 周平均每周 {mean} 件，"
    "按泊松分布 99% 分位数的阈值为 {threshold} 件（P = {p}）。请关注原因并视情况采取措施。"
)


@dataclass(frozen=True)
class Raised:
    checked: int  # groups compared with their baseline
    alerts: int  # alerts found this time
    new: int  # of which new (told to the quality role)
    notifications: int


def _local(value: datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _dimension_name(code: str) -> str:
    return DIMENSIONS.get(code, "地点")


def _notifications(alert: Alert, users: list[User], now: datetime) -> list[Outgoing]:
    values = {
        "dimension": _dimension_name(alert.dimension),
        "name": alert.name,
        "current": alert.current,
        "threshold": alert.threshold,
        "mean": alert.baseline_mean,
        "p": f"{alert.p_value:.4f}",
        "start": _local(alert.window_start),
        "end": _local(alert.window_end),
    }
    subject, body = SUBJECT.format(**values), BODY.format(**values)
    rows = []
    for user in users:
        channels = [(Notification.Channel.CONSOLE, "")]
        if settings.TOUSU_EMAIL_ENABLED and user.email:
            channels.append((Notification.Channel.EMAIL, user.email))
        for channel, address in channels:
            console = channel == Notification.Channel.CONSOLE
            rows.append(
                Outgoing(
                    recipient_id=user.pk,
                    address=address,
                    channel=channel,
                    kind=KIND,
                    template=TEMPLATE,
                    case_id=None,
                    event_id=None,
                    subject=subject[:200],
                    body=body,
                    status=Notification.Status.SENT if console else Notification.Status.QUEUED,
                    created_at=now,
                    sent_at=now if console else None,
                )
            )
    return rows


def _store(found: dict[str, Any], now: datetime) -> tuple[Alert, bool]:
    """The alert's row: the one still running for this group, updated, or a new one."""
    group = {"dimension": found["dimension"], "pack": found["pack"] or "", "key": found["key"]}
    start = datetime.fromisoformat(found["window"]["start"])
    end = datetime.fromisoformat(found["window"]["end"])
    figures = {
        "name": found["name"][:200],
        "current": found["current"],
        "threshold": found["threshold"],
        "baseline_mean": found["baseline_mean"],
        "p_value": found["p_value"],
        "window_start": start,
        "window_end": end,
        "last_seen": now,
    }
    running = (
        Alert.objects.select_for_update()
        .filter(**group, last_seen__gte=now - SAME_ALERT)
        .order_by("-last_seen")
        .first()
    )
    if running is not None:
        for name, value in figures.items():
            setattr(running, name, value)
        running.save()
        return running, False
    return Alert.objects.create(**group, **figures, first_seen=now), True


def _one_at_a_time() -> None:
    """Two raisers at once: the second waits for the first's commit, then finds its rows
    (PostgreSQL: a transaction-level advisory lock; SQLite runs one writer at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def raise_alerts(now: datetime) -> Raised:
    """Detect, store and tell (see the module text). Safe to run again at any time."""
    local = now.astimezone(SHANGHAI)
    result = detect(make_scope(now), month(local.year, local.month))
    users = list(User.objects.filter(role=Role.QUALITY.value, is_active=True).order_by("pk"))
    new, rows = 0, []
    with transaction.atomic():
        _one_at_a_time()
        for found in result["alerts"]:
            found = {**found, "window": result["window"]}
            alert, is_new = _store(found, now)
            if is_new:
                new += 1
                rows += _notifications(alert, users, now)
        if rows:
            delivery.queue(rows)
    return Raised(result["groups_checked"], len(result["alerts"]), new, len(rows))


def current_alerts(now: datetime, limit: int = 10) -> QuerySet[Alert]:
    """Alerts seen within the last week, most significant first (the dashboard's panel)."""
    recent = Alert.objects.filter(last_seen__gte=now - SAME_ALERT)
    return recent.order_by("p_value", "-current", "pk")[:limit]


def panel(now: datetime) -> list[dict[str, Any]]:
    """The current alerts as the dashboard lists them."""
    return [
        {
            "dimension": _dimension_name(a.dimension),
            "name": a.name,
            "current": a.current,
            "threshold": a.threshold,
            "baseline_mean": a.baseline_mean,
            "since": a.first_seen,
        }
        for a in current_alerts(now)
    ]


__all__ = ["KIND", "Raised", "current_alerts", "panel", "raise_alerts"]
