"""The hash chain of each case's events (SPEC §8): sealing new events and checking chains.

``seal`` is the one place that gives new events their digests; ``seal_for_case`` (one event
or a few, from ``services.common.record``) and ``seal_batch`` (a bulk regrade) call it and
move the case's ``history_digest`` (the digest of its newest event) in the same transaction.
The sweep calls ``seal`` per case itself (``sweep_case``) and saves the new latest digest with
the case's other changes, in one UPDATE. Writers hold the case row locked (``lock_case``, the
sweep's ``_lock``), so the previous digest cannot move meanwhile; ``seal_for_case`` still
checks it in its UPDATE.
The digest itself is pure: ``tousu.rules.history``. ``check_chains`` walks every chain in
event id order, streamed, for ``tousu verify-history``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tousu.cases import bulk_write
from tousu.cases.models import Case, Event
from tousu.rules import history
from tousu.rules.history import Break, ChainCheck, Content, Link

STREAM_BATCH = 5000  # events fetched per round trip when checking


def content_of(event: Any) -> Content:
    """The digested columns of an ``Event`` or of the sweep's ``SweepEvent``."""
    return Content(
        case_id=event.case_id,
        kind=event.kind,
        actor_id=event.actor_id,
        at=event.at,
        before=event.before,
        after=event.after,
        reason=event.reason,
        data=event.data,
    )


def seal(events: Sequence[Any], previous: str) -> str:
    """Give new events of ONE case (in the order they will be inserted) their
    ``prev_digest`` and ``digest``, following ``previous``; returns the last digest."""
    for event in events:
        event.prev_digest = previous
        event.digest = previous = history.digest(content_of(event), previous)
    return previous


def seal_for_case(case: Case, events: Sequence[Any]) -> None:
    """Seal events about to be inserted for ``case`` and store its new latest digest: one
    UPDATE. If the in-memory case was stale, the stored digest is read (locked) and used."""
    previous = case.history_digest
    latest = seal(events, previous)
    rows = Case.objects.filter(pk=case.pk, history_digest=previous)
    if not rows.update(history_digest=latest):
        stored = Case.objects.select_for_update().filter(pk=case.pk)
        latest = seal(events, stored.values_list("history_digest", flat=True).get())
        Case.objects.filter(pk=case.pk).update(history_digest=latest)
    case.history_digest = latest


def seal_batch(events: Sequence[Any]) -> None:
    """Seal new events of many cases (each locked by the caller) and move each case's latest
    digest: one read and one bulk update for the whole batch."""
    by_case: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        by_case[event.case_id].append(event)
    if not by_case:
        return
    latest = dict(Case.objects.filter(pk__in=by_case).values_list("id", "history_digest"))
    cases = [Case(pk=pk, history_digest=seal(rows, latest[pk])) for pk, rows in by_case.items()]
    bulk_write.update(Case, cases, ["history_digest"])


# --- checking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseChain:
    number: str
    events: int
    broken: Break | None


_COLUMNS = (
    "case_id", "case__number", "case__history_digest", "id", "kind", "actor_id", "at",
    "before", "after", "reason", "data", "digest", "prev_digest",
)  # fmt: skip


def check_chains(number: str | None = None, batch: int = STREAM_BATCH) -> Iterator[CaseChain]:
    """Every case's chain (or one case's), in case id order; events are streamed in batches
    from one query (a server-side cursor on PostgreSQL), so memory stays flat."""
    events = Event.objects.order_by("case_id", "id").values_list(*_COLUMNS)
    cases = Case.objects.exclude(history_digest="").filter(events__isnull=True)
    if number is not None:
        events, cases = events.filter(case__number=number), cases.filter(number=number)
    with transaction.atomic():  # a cursor without hold: rows stream instead of being copied
        current: tuple[int, str, str] | None = None
        check = ChainCheck()
        for row in events.iterator(chunk_size=batch):
            if current is None or row[0] != current[0]:
                if current is not None:
                    yield CaseChain(current[1], check.count, check.finish(current[2]))
                current, check = (row[0], row[1], row[2]), ChainCheck()
            check.feed(_link(row))
        if current is not None:
            yield CaseChain(current[1], check.count, check.finish(current[2]))
        for case_number, latest in cases.values_list("number", "history_digest"):
            yield CaseChain(case_number, 0, ChainCheck().finish(latest))


def _link(row: tuple[Any, ...]) -> Link:
    case_id, _, _, event_id, kind, actor_id, at, before, after, reason, data, dig, prev = row
    content = Content(case_id, kind, actor_id, at, before, after, reason, data)
    return Link(event_id, content, dig, prev)
