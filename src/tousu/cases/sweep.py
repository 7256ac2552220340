"""The SLA sweep (SPEC §6): breaches, near-breaches, escalation chains, daily reminders.

``run_sweep(now)`` finds the cases and work orders that need a look through two indexed
columns: ``next_due_at`` within the widest warning margin among rows whose deadline it has not
looked at yet (a partial index, ``UNSWEPT``), and ``sweep_at``, the next look a previous sweep
scheduled (the next escalation step, the next daily reminder, the age at which a grading rule
upgrades the case). Everything else is never read, so a sweep with nothing due costs two index
probes.

Work is done case by case, in batches, each batch one transaction: the cases are locked with
``select_for_update(skip_locked=True)`` on PostgreSQL, so two workers sweeping at once split
the work instead of repeating it (SQLite serialises writers anyway). Every row records what was
done (``escalation_step``, ``warned_due_at``, ``progress_reminded_on``, ``swept_due_at``), so
a second sweep at the same time changes nothing. The decisions themselves are pure
(``tousu.rules.escalation``); ``tousu.cases.sweep_case`` applies them to one case.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import BooleanField, Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tousu.cases import bulk_write, sweep_case, sweep_state
from tousu.cases.models import UNSWEPT, Case, Event, WorkOrder
from tousu.cases.services.common import resolve_now
from tousu.notify import recipients, service
from tousu.notify.delivery import queue
from tousu.org.models import Unit, User
from tousu.packs.models import PackVersion
from tousu.packs.schema import Pack
from tousu.rules.escalation import margin_of

BATCH_SIZE = 2000  # cases per transaction: fewer round trips and commits per sweep
# Case columns the sweep reads on its common path; a slow path (a severity raise, grading)
# loads the others in one query (``CaseRun.load_all``).
SWEEP_COLUMNS = (
    "id", "number", "pack_version", "status", "paused_at", "severity", "severity_rank",
    "request_type", "category", "validity", "received_at", "created_at", "description",
    "first_owner", "intake_unit", "customer", "urge_count", *sweep_state.CASE_FIELDS,
)  # fmt: skip


@dataclass
class SweepReport:
    now: datetime
    counts: Counter[str] = field(default_factory=Counter)  # event kinds, notifications
    lines: list[str] = field(default_factory=list)  # one per action, for the CLI
    refused: list[str] = field(default_factory=list)  # why some cases were left alone
    looked_at: int = 0  # cases whose clocks were evaluated

    def summary(self) -> str:
        done = sorted((kind, n) for kind, n in self.counts.items() if n)
        return ", ".join(f"{kind} {n}" for kind, n in done) or "nothing to do"


def run_sweep(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> SweepReport:
    """One sweep as of ``now`` (aware; default the current time). Safe to run twice, and
    from several workers at once."""
    now = resolve_now(now)
    report = SweepReport(now)
    _refuse_future_cases(now, report)
    horizon = now + widest_margin()
    units = Unit.objects.in_bulk()  # a few hundred at most: shared by every work order
    # looked up once per sweep: who holds which position, the stored pack versions
    shared = _Shared(units, recipients.Directory(), {})
    for chunk in _chunks(candidate_case_ids(now, horizon), batch_size):
        _sweep_batch(chunk, now, horizon, report, shared)
    return report


def widest_margin() -> timedelta:
    """The largest warning margin of any stored pack version: the selection horizon."""
    versions = PackVersion.objects.values_list("id", "checksum")
    margins = [margin_of(sweep_state.pack_by_id(*v).sla.warning_margin) for v in versions]
    return max(margins, default=timedelta())


def candidate_case_ids(now: datetime, horizon: datetime) -> list[int]:
    """Cases with a clock to look at, directly or through one of their work orders."""
    needs_look = (Q(next_due_at__lte=horizon) & UNSWEPT) | Q(sweep_at__lte=now)
    ids = set(Case.objects.filter(needs_look).values_list("id", flat=True))
    ids.update(WorkOrder.objects.filter(needs_look).values_list("case_id", flat=True))
    return sorted(ids)


def _refuse_future_cases(now: datetime, report: SweepReport) -> None:
    """A sweep as of a past time cannot judge cases that did not exist yet: say so, and leave
    them alone (``_sweep_batch`` skips them)."""
    later = Case.objects.filter(created_at__gt=now)
    numbers = list(later.order_by("created_at").values_list("number", flat=True)[:6])
    if numbers:
        shown = ", ".join(numbers[:5]) + (" …" if len(numbers) > 5 else "")
        report.refused.append(
            f"case {shown} created after the sweep time "
            f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S}: its clocks were not looked at"
        )


@dataclass
class _Shared:
    """What every batch of one sweep reads the same way."""

    units: dict[int, Unit]
    directory: recipients.Directory
    packs: dict[int, Pack]


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@transaction.atomic
def _sweep_batch(
    ids: list[int],
    now: datetime,
    horizon: datetime,
    report: SweepReport,
    shared: _Shared,
) -> None:
    cases = _lock(ids)
    if len(cases) < len(ids):
        report.counts["locked_elsewhere"] += len(ids) - len(cases)
    if not cases:
        return
    orders = _orders(cases, shared.units)
    batch = sweep_state.Batch(now, horizon, _progressed_today(cases, now), packs=shared.packs)
    for case in cases:
        if case.created_at > now:
            continue  # reported by _refuse_future_cases
        sweep_case.sweep_case(case, orders[case.pk], batch)
    _flush(batch, report, shared.directory)
    report.looked_at += len(cases)


def _orders(cases: list[Case], units: dict[int, Unit]) -> dict[int, list[WorkOrder]]:
    """The work orders of ``cases``, with their unit and handler attached from shared lookups
    (a join would build a Unit and a User per row: thousands of identical objects)."""
    rows = list(WorkOrder.objects.filter(_among(WorkOrder, "case_id", cases)).order_by("id"))
    handlers = User.objects.in_bulk({o.handler_id for o in rows if o.handler_id is not None})
    missing = {o.unit_id for o in rows} - units.keys()
    if missing:  # a unit created while this sweep runs
        units.update(Unit.objects.in_bulk(missing))
    orders: dict[int, list[WorkOrder]] = defaultdict(list)
    for order in rows:
        order.unit = units[order.unit_id]
        order.handler = handlers.get(order.handler_id) if order.handler_id else None
        orders[order.case_id].append(order)
    return orders


def _lock(ids: list[int]) -> list[Case]:
    """The cases of ``ids`` that no other transaction holds, locked until commit."""
    query = Case.objects.filter(_among(Case, "id", ids)).only(*SWEEP_COLUMNS).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True, of=("self",))
    return list(query)


def _among(model: type[Model], column: str, rows: Sequence[int | Case]) -> Q | RawSQL:
    """``column IN (ids)``; on PostgreSQL ``= ANY(array)``: one parameter instead of thousands
    of placeholders for the driver to split and Django to prepare."""
    ids = [row if isinstance(row, int) else row.pk for row in rows]
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": ids})
    sql = f"{connection.ops.quote_name(model._meta.db_table)}.{column} = ANY(%s::bigint[])"
    return RawSQL(sql, [ids], output_field=BooleanField())  # noqa: S611 (names from the models)


def _progressed_today(cases: list[Case], now: datetime) -> set[int]:
    """Cases with a progress note since local midnight: no reminder for them today."""
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    query = Event.objects.filter(
        _among(Event, "case_id", cases), kind="case.progress", at__gte=midnight, at__lte=now
    )
    return set(query.values_list("case_id", flat=True))


def _flush(
    batch: sweep_state.Batch, report: SweepReport, directory: recipients.Directory
) -> None:
    """Write the batch: events (sealed by ``sweep_case``), then their notifications, then
    the rows' clock state and each case's latest digest."""
    events = [item.event for item in batch.events]
    bulk_write.insert(Event, events)
    rows = [
        row for item in batch.events for row in service.build(item.event, item.subject, directory)
    ]
    queue(rows)
    for (model, fields), changed in batch.changed.items():
        bulk_write.update(model, changed, fields)
    for kind, line in [(i.event.kind, i.line) for i in batch.events] + batch.notes:
        report.counts[kind] += 1
        report.lines.append(line)
    report.counts["notifications"] += len(rows)
