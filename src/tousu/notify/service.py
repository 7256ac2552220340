"""From events to notifications, and their delivery (SPEC §12 Notifications).

Every event a service records (``services.common.record``) passes ``notify_on_commit``: when
its kind calls for a message, a task (``jobs.notify_event``) is queued once the action has
committed, so the action neither waits for nor is undone by its notifications. The task runs
``notify_event(event)``: it decides who hears of the event (``ROUTES``), writes one
``Notification`` per recipient and channel in one bulk insert, and asks for delivery.
Staff read every message in the console; they also get an e-mail when SMTP is configured
and they have an address. Customers get an SMS, or an e-mail when they left no phone number.
Delivery is ``tousu.notify.delivery``. Nothing here raises into the action that caused the
event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tousu.cases.models import Event, WorkOrder
from tousu.notify import recipients as who
from tousu.notify import templates
from tousu.notify.delivery import queue
from tousu.notify.models import Notification
from tousu.org.models import User

log = logging.getLogger(__name__)

Channel, State = Notification.Channel, Notification.Status


@dataclass(frozen=True)
class Route:
    template: str
    audience: tuple[str, ...]


ROUTES: dict[str, Route] = {
    "work_order.issued": Route("dispatched", ("handlers",)),
    "case.processing": Route("acknowledged", ("customer",)),
    "case.urged": Route("urged", ("handlers", "unit_heads")),
    "case.escalated": Route("escalated", ("positions",)),
    "case.resolved": Route("resolved", ("first_owner",)),
    "case.replied": Route("replied", ("customer",)),
    "case.near_breach": Route("near_breach", ("handlers",)),
    "work_order.near_breach": Route("near_breach", ("handlers",)),
    "work_order.progress_reminder": Route("progress_reminder", ("handlers",)),
    "case.clock_paused": Route("clock_paused", ("handlers",)),
    "case.clock_resumed": Route("clock_resumed", ("handlers",)),
    "case.extension_requested": Route("extension_requested", ("approvers",)),
    "case.extension_approved": Route("extension_decided", ("requester",)),
    "case.extension_rejected": Route("extension_decided", ("requester",)),
}
# Which deadline a message quotes when the event does not carry one.
DUE_FIELDS = {
    "case.processing": "due_resolve",
    "case.resolved": "due_reply",
    "case.clock_resumed": "due_resolve",
}


def route_for(event: Event) -> Route | None:
    data = event.data or {}
    if event.kind == "case.escalated":
        if "step" not in data:
            return None  # a person escalated by hand and told whom they wanted
        return Route("overdue" if data.get("mark_overdue") else "escalated", ("positions",))
    if event.kind == "case.near_breach" and data.get("clock") == "follow_up":
        return Route("follow_up_due", ("follow_up",))
    return ROUTES.get(event.kind)


def notify_on_commit(event: Event) -> None:
    """Queue ``jobs.notify_event`` for ``event`` once the transaction commits (nothing for the
    many kinds that notify nobody). Costs the action no query."""
    if route_for(event) is None:
        return
    event_id = event.pk
    transaction.on_commit(lambda: _queue(event_id))


def _queue(event_id: int) -> None:
    """Hand the event to a worker; with the broker unreachable, build the rows here (their
    delivery is then retried by ``delivery.retry_due``). Never raises."""
    from tousu import jobs  # jobs imports this module's callers

    try:
        jobs.notify_event.delay(event_id)
    except Exception:
        log.warning("notification task for event %s not queued; building it here", event_id)
        try:
            notify_stored_event(event_id)
        except Exception:
            log.exception("notifications for event %s were not built", event_id)


def notify_stored_event(event_id: int) -> int:
    """The task's body: notify once for a committed event. Safe to repeat (an event whose
    notifications exist is skipped). Returns the number of rows written."""
    if Notification.objects.filter(event_id=event_id).exists():
        return 0
    event = Event.objects.select_related("case", "actor").filter(pk=event_id).first()
    if event is None:
        return 0
    with transaction.atomic():  # raises, so that the task is retried with back-off
        rows = build(event, load_subject(event), who.Directory())
        queue(rows)
    return len(rows)


def notify_event(
    event: Event, subject: who.Subject | None = None, directory: who.Directory | None = None
) -> list[Outgoing]:
    """Queue the notifications ``event`` calls for; most kinds call for none.

    Never raises: a notification problem is logged and must not undo the action.
    """
    if route_for(event) is None or getattr(event, "_notified", False):
        return []
    # Services may call this themselves or through ``common.record``: tell people once.
    event._notified = True  # type: ignore[attr-defined]
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the action intact
            rows = build(event, subject or load_subject(event), directory or who.Directory())
            queue(rows)
    except Exception:
        log.exception("notifications for event %s (%s) were not queued", event.pk, event.kind)
        return []
    return rows


def load_subject(event: Event) -> who.Subject:
    from tousu.cases.services.common import pack_for  # services import this module

    case = event.case
    orders = WorkOrder.objects.filter(case=case).select_related("unit", "handler")
    if order_id := (event.data or {}).get("work_order"):
        orders = orders.filter(pk=order_id)
    else:
        orders = orders.filter(status__in=WorkOrder.LIVE)
    return who.Subject(case, pack_for(case), list(orders))


@dataclass
class Outgoing:
    """A notification row to insert: the columns of ``Notification``, without the cost of a
    model instance per row (a sweep builds thousands). ``queue`` sets ``pk``."""

    recipient_id: int | None
    address: str
    channel: str
    kind: str
    template: str
    case_id: int | None
    event_id: int | None
    subject: str
    body: str
    status: str
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    last_error: str = ""
    next_attempt_at: datetime | None = None
    read_at: datetime | None = None
    pk: int | None = None


def build(event: Event, subject: who.Subject, directory: who.Directory) -> list[Outgoing]:
    """Notification rows for ``event``, not yet saved (the sweep saves many at once)."""
    route = route_for(event)
    if route is None:
        return []
    subject_line, body = templates.render(route.template, _values(event, subject))
    rows: list[Outgoing] = []
    now = timezone.now()

    def add(channel: str, user: User | None = None, address: str = "") -> None:
        sent = channel == Channel.CONSOLE  # stored for the console: nothing left to deliver
        rows.append(
            Outgoing(
                recipient_id=user.pk if user else None, address=address, channel=channel,
                kind=event.kind, template=route.template, case_id=subject.case.pk,
                event_id=event.pk, subject=subject_line, body=body,
                status=State.SENT if sent else State.QUEUED, created_at=now,
                sent_at=now if sent else None,
            )
        )  # fmt: skip

    for user in _staff(event, route, subject, directory):
        add(Channel.CONSOLE, user)
        if settings.TOUSU_EMAIL_ENABLED and user.email:
            add(Channel.EMAIL, user, user.email)
    if "customer" in route.audience:
        customer = subject.case.customer
        if customer.phone:
            add(Channel.SMS, address=customer.phone)
        elif customer.email and settings.TOUSU_EMAIL_ENABLED:
            add(Channel.EMAIL, address=customer.email)
    return rows


def _staff(
    event: Event, route: Route, subject: who.Subject, directory: who.Directory
) -> list[User]:
    data, pack, case = event.data or {}, subject.pack, subject.case
    users: list[User] = []
    for audience in route.audience:
        if audience == "handlers":
            users += who.handlers(subject, directory)
        elif audience == "unit_heads":
            users += who.unit_heads(subject, directory)
        elif audience == "positions":
            users += who.positions(subject, data.get("notify", ()), directory)
        elif audience == "approvers":
            users += who.positions(subject, [data.get("approver", "")], directory)
        elif audience == "follow_up":
            code = pack.follow_up.by
            users += who.positions(subject, [code], directory) if code else []
            users += [case.first_owner] if not users and case.first_owner else []
        elif audience == "first_owner" and case.first_owner is not None:
            users.append(case.first_owner)
        elif audience == "requester" and data.get("requested_by"):
            users += list(User.objects.filter(pk=data["requested_by"]))
    return [u for u in who.unique_users(users) if u.pk != event.actor_id]


def _values(event: Event, subject: who.Subject) -> dict[str, Any]:
    case, data = subject.case, event.data or {}
    due = data.get("due") or _due_of(event, subject)
    return {
        **{k: v for k, v in data.items() if isinstance(v, str | int)},
        "number": case.number,
        "summary": case.description[:40],
        "unit": templates.LIST_SEPARATOR.join(o.unit.name for o in subject.orders),
        "due": _local(due),
        "until": _local(data.get("until")),
        "clock": templates.CLOCK_NAMES.get(data.get("clock", ""), ""),
        "urge_count": data.get("urge_count", case.urge_count),
        "reason": event.reason,
        "at": _local(event.at),
        "requester": str(event.actor) if event.actor_id else "",
        "decision": templates.DECISIONS.get(event.kind.rsplit("_", 1)[-1], ""),
    }


def _due_of(event: Event, subject: who.Subject) -> datetime | None:
    if event.kind == "work_order.issued" and subject.orders:
        return subject.orders[0].due_acknowledge
    field = DUE_FIELDS.get(event.kind)
    return getattr(subject.case, field) if field else None


@lru_cache(maxsize=4096)  # a sweep quotes the same few moments thousands of times
def _local(value: datetime | str | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
