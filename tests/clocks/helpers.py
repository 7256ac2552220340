"""Building cases whose clocks the sweep will act on, through the real services."""

from __future__ import annotations

from tests.factories import Org, act, at, intake
from tousu.cases.models import Case, Event


def dispatched(org: Org, received: str = "2026-11-02 09:00", **overrides) -> Case:
    """A property complaint (minor: resolve in 2 days) dispatched to engineering 5 minutes
    after it came in, never acknowledged: its work order must be signed for by +35 min."""
    overrides.setdefault("category", "equipment")
    case = intake(org, now=at(received), **overrides)
    received_at = case.received_at
    return act(
        org,
        "dispatcher",
        "dispatch",
        case,
        units=["eng"],
        now=received_at.replace(minute=received_at.minute + 5),
    )


def acknowledged(org: Org, received: str = "2026-11-02 09:00", ack: str = "2026-11-02 09:20"):
    case = dispatched(org, received)
    return act(org, "handler_eng", "acknowledge", case, now=at(ack))


def kinds(case: Case, prefix: str = "") -> list[str]:
    return [k for k in case.events.values_list("kind", flat=True) if k.startswith(prefix)]


def steps(case: Case) -> list[tuple[str, int | None]]:
    """(step code, work order id or None for the case's own clock) of each escalation."""
    rows = Event.objects.filter(case=case, kind="case.escalated").order_by("id")
    return [(e.data["step"], e.data.get("work_order")) for e in rows]
