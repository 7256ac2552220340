"""What a sweep carries while it works through a batch of cases (``tousu.cases.sweep``).

``Batch`` collects the events to write and the rows that changed, grouped by the fields that
changed so that each group is one statement; ``CaseRun`` is one case with its pack, live work
orders and the times each row should be looked at again. Packs are parsed once per process
per content, not per stored row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from django.db.models import Model

from tousu.cases import clocks
from tousu.cases.models import Case, WorkOrder
from tousu.notify.recipients import Subject
from tousu.packs.models import PackVersion
from tousu.packs.registry import pack_of_version
from tousu.packs.schema import EffectiveSla, Pack
from tousu.rules.calendar import BusinessCalendar
from tousu.rules.durations import Duration
from tousu.rules.escalation import margin_of
from tousu.rules.office_hours import OfficeHours

CLOCK_FIELDS = ["escalation_step", "escalation_from", "warned_due_at", "swept_due_at", "sweep_at"]
CASE_FIELDS = [
    *CLOCK_FIELDS,
    "overdue",
    "severity",
    "severity_rank",
    "version",
    "updated_at",
    "history_digest",  # sealed per case (``sweep_case``): saved with the rest, one UPDATE
    *clocks.DUE_FIELDS,
]
ORDER_FIELDS = [
    *CLOCK_FIELDS,
    "progress_reminded_on",
    "due_acknowledge",
    "due_resolve",
    "next_due_at",
]
_by_checksum: dict[str, Pack] = {}


def pack_by_id(version_id: int, checksum: str | None = None) -> Pack:
    """A stored pack version, parsed once per process per content (not per row id)."""
    if checksum is None:
        checksum = PackVersion.objects.values_list("checksum", flat=True).get(pk=version_id)
    if checksum not in _by_checksum:
        _by_checksum[checksum] = pack_of_version(PackVersion.objects.get(pk=version_id))
    return _by_checksum[checksum]


@dataclass
class SweepEvent:
    """An event row as the sweep builds it: the columns of ``Event`` without a model
    instance (thousands of ``Event()`` calls cost more than writing them). ``bulk_write``
    inserts it and sets ``pk``; notifications read it like an ``Event``."""

    case_id: int
    kind: str
    at: datetime
    data: dict[str, Any]
    reason: str = ""
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    actor_id: int | None = None
    actor: None = None
    pk: int | None = None
    digest: str = ""  # the hash chain (``history.seal``)
    prev_digest: str = ""


@dataclass
class Pending:
    event: SweepEvent
    subject: Subject
    line: str  # what the CLI prints


@dataclass
class Batch:
    now: datetime
    horizon: datetime  # now + the widest warning margin
    progressed: set[int]  # cases with a progress note today
    calendar: BusinessCalendar = field(default_factory=clocks.business_calendar)
    events: list[Pending] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (kind, line) written elsewhere
    # rows to save, grouped by model and by the fields that changed (one statement a group)
    changed: dict[tuple[type[Model], tuple[str, ...]], list[Model]] = field(default_factory=dict)
    packs: dict[int, Pack] = field(default_factory=dict)  # by version id; shared by a sweep
    _slas: dict[tuple[str, ...], EffectiveSla] = field(default_factory=dict)
    _ages: dict[tuple[str, int], list[tuple[Duration, bool]]] = field(default_factory=dict)
    _margins: dict[str, timedelta] = field(default_factory=dict)
    _calendars: dict[OfficeHours, BusinessCalendar] = field(default_factory=dict)

    def calendar_for(self, pack: Pack, row: Case | WorkOrder | None = None) -> BusinessCalendar:
        """The sweep's calendar with the office hours a clock of ``row`` runs in: a work
        order's unit's, else the pack's (``clocks.office_hours_for``); one per set of hours."""
        unit = row.unit if isinstance(row, WorkOrder) else None
        hours = clocks.office_hours_for(pack, unit)
        if hours is None:
            return self.calendar
        if hours not in self._calendars:
            self._calendars[hours] = self.calendar.with_office_hours(hours)
        return self._calendars[hours]

    def pack(self, version_id: int) -> Pack:
        if version_id not in self.packs:
            self.packs[version_id] = pack_by_id(version_id)
        return self.packs[version_id]

    def sla(self, case: Case, pack: Pack) -> EffectiveSla:
        """The case's merged limits (pack key ``sla.policies``), worked out once per kind."""
        key = (pack.checksum, case.severity, case.request_type, case.category)
        if key not in self._slas:
            self._slas[key] = pack.sla_for(
                severity=case.severity,
                request_type=case.request_type,
                category=case.category or None,
            )
        return self._slas[key]

    def selected(self, row: Case | WorkOrder) -> bool:
        """The row matches the sweep's selection (``sweep.candidate_case_ids``)."""
        due, woken = row.next_due_at, row.sweep_at
        unswept = due is not None and due <= self.horizon and row.swept_due_at != due
        return unswept or (woken is not None and woken <= self.now)

    def record(self, subject: Subject, kind: str, line: str, **fields: Any) -> None:
        event = SweepEvent(case_id=subject.case.pk, kind=kind, at=self.now, **fields)
        self.events.append(Pending(event, subject, f"{subject.case.number} {line}"))

    def margin(self, pack: Pack) -> timedelta:
        if pack.checksum not in self._margins:
            self._margins[pack.checksum] = margin_of(pack.sla.warning_margin)
        return self._margins[pack.checksum]

    def age_limits(self, pack: Pack, rank: int) -> list[tuple[Duration, bool]]:
        """(age, strictly_more) of the pack's grading rules on the age of an open case that
        would raise a case of this rank (e.g. unresolved a month → major)."""
        key = (pack.checksum, rank)
        if key not in self._ages:
            self._ages[key] = _age_limits(pack, rank)
        return self._ages[key]


def _age_limits(pack: Pack, rank: int) -> list[tuple[Duration, bool]]:
    ranks = {s.code: s.rank for s in pack.severities}
    limits = []
    for rule in pack.grading:
        if rule.severity is None or ranks.get(rule.severity, 0) <= rank:
            continue
        for cond in rule.conditions:
            if cond.fact == "unresolved_for" and isinstance(cond.value, Duration):
                limits.append((cond.value, cond.op == "more_than"))
    return limits


@dataclass
class CaseRun:
    """One case during a sweep: its pack, its live work orders and each row's next looks."""

    case: Case
    pack: Pack
    live: list[WorkOrder]
    batch: Batch
    wakes: dict[int, list[datetime | None]] = field(default_factory=dict)  # id(row) -> times

    def wake(self, row: Case | WorkOrder, moment: datetime | None) -> None:
        self.wakes.setdefault(id(row), []).append(moment)

    def load_all(self) -> None:
        """Read the columns the sweep's selection left out, in one query, before a slow path."""
        if deferred := self.case.get_deferred_fields():
            self.case.refresh_from_db(fields=sorted(deferred))

    def refresh(self) -> None:
        """Deadlines follow a new severity: the case's and its live work orders'."""
        self.load_all()
        clocks.refresh_due(self.case, self.pack, self.batch.now)
        for order in self.live:
            clocks.refresh_order_due(order, self.case, self.pack, self.batch.now)


def fields_of(row: Case | WorkOrder) -> list[str]:
    return CASE_FIELDS if isinstance(row, Case) else ORDER_FIELDS


_CASE_VALUES, _ORDER_VALUES = attrgetter(*CASE_FIELDS), attrgetter(*ORDER_FIELDS)


def snapshot(row: Case | WorkOrder) -> tuple[Any, ...]:
    return (_CASE_VALUES if isinstance(row, Case) else _ORDER_VALUES)(row)  # type: ignore[no-any-return]
