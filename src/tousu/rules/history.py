"""The tamper-evident history (SPEC §8): a SHA-256 hash chain per case, and its check.

Every event of a case stores ``digest`` = SHA-256 of the event's canonical form, which ends
with the digest of the case's previous event (empty for the first), and ``prev_digest``, that
previous digest (so a broken link can be explained). Changing a stored event, removing one or
reordering two breaks the chain at that point; the case keeps its latest digest too, so
removing the newest events shows as well.

The canonical form is one JSON array, UTF-8, no spaces, keys sorted:
``[case_id, kind, actor_id, at (UTC ISO, microseconds), before, after, reason, data, prev]``.
Pure: no Django, no clock, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Content:
    """What an event says: every column that the digest covers, except the chain link."""

    case_id: int
    kind: str
    actor_id: int | None
    at: datetime
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    reason: str
    data: Mapping[str, Any]


def utc_iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("event time must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(content: Content, previous: str) -> bytes:
    """The bytes the digest is taken over (stable across databases and processes)."""
    fields = [
        content.case_id,
        content.kind,
        content.actor_id,
        utc_iso(content.at),
        content.before,
        content.after,
        content.reason,
        content.data,
        previous,
    ]
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def digest(content: Content, previous: str) -> str:
    """The event's link: SHA-256 (hex) of its canonical form including ``previous``."""
    return hashlib.sha256(canonical(content, previous)).hexdigest()


# --- checking a chain ------------------------------------------------------------------------


class Problem(StrEnum):
    CONTENT_CHANGED = "content changed"
    EVENT_REMOVED = "event removed"
    ORDER_CHANGED = "order changed"
    UNSEALED = "no digest"


@dataclass(frozen=True)
class Link:
    """One stored event as read back: its id, content and the two stored digests."""

    event_id: int
    content: Content
    digest: str
    prev_digest: str


@dataclass(frozen=True)
class Break:
    """The first broken link of a case: at which event, and what differs."""

    event_id: int | None  # None: the newest events are missing (no event to name)
    problem: Problem
    detail: str
    missing: str = ""  # the previous digest the event links to, not seen before it


class ChainCheck:
    """Walk one case's events in id order (``feed``), then ``finish`` with the case's stored
    latest digest. Keeps what explains a break: the digests seen so far."""

    def __init__(self) -> None:
        self.expected = ""  # the digest the next event must link to
        self.seen: dict[str, int] = {}  # digest -> event id, of events walked before a break
        self.later: dict[str, int] = {}  # the same, of events after the break
        self.count = 0
        self.broken: Break | None = None

    def feed(self, link: Link) -> None:
        """Check one event; after the first break, events are only remembered."""
        self.count += 1
        if self.broken is not None:
            self.later[link.digest] = link.event_id
            return
        self.broken = _check(link, self.expected, self.seen)
        if self.broken is None:
            self.seen[link.digest] = link.event_id
            self.expected = link.digest

    def finish(self, latest: str) -> Break | None:
        """The first break, if any. ``latest`` is the case's stored latest digest, which must
        be that of its last event."""
        broken = self.broken
        if broken is not None and broken.missing in self.later:
            return Break(
                broken.event_id,
                Problem.ORDER_CHANGED,
                f"links to event {self.later[broken.missing]}, which comes after it",
            )
        if broken is None and latest != self.expected:
            return Break(
                None,
                Problem.EVENT_REMOVED,
                f"the case's latest digest {latest[:12] or '(empty)'} is not that of its last "
                f"event ({self.expected[:12] or 'no events'}): the newest events are missing",
            )
        return broken


def _check(link: Link, expected: str, seen: Mapping[str, int]) -> Break | None:
    if not link.digest:
        return Break(link.event_id, Problem.UNSEALED, "the event has no digest")
    if digest(link.content, link.prev_digest) != link.digest:
        return Break(link.event_id, Problem.CONTENT_CHANGED, "its content no longer matches")
    if link.prev_digest == expected:
        return None
    if link.prev_digest in seen:
        return Break(
            link.event_id,
            Problem.ORDER_CHANGED,
            f"links to event {seen[link.prev_digest]}, not to the one just before it",
        )
    if not link.prev_digest:
        return Break(link.event_id, Problem.ORDER_CHANGED, "the case's first event is not first")
    # not seen so far: removed, unless a later event has it (``finish`` tells)
    return Break(
        link.event_id,
        Problem.EVENT_REMOVED,
        f"the event before it ({link.prev_digest[:12]}) is missing",
        missing=link.prev_digest,
    )
