"""Cases transferred by a regulator or by headquarters (channels ``regulator`` /
``headquarters``), imported from a file (``transfer_file``).

Each row becomes a case through the ordinary intake service. The sender's reference number
(来文编号) and name are kept in ``Case.references`` (``transfer_ref``, ``transfer_from``);
the sender's deadline becomes the case's statutory reply deadline
(``IntakeData.statutory_reply_until``, which replaces the pack's statutory limit). A case
transferred by a regulator carries the fact ``regulator`` (the packs' grading rules read it).

The whole file is one transaction and each row a savepoint: a file with a bad row imports
nothing unless ``skip_bad`` is set, in which case the good rows are kept. A row whose
reference number was already imported on the same channel is reported and left alone, so a
file can be imported again after a fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from tousu.cases.models import Case
from tousu.cases.services import SYSTEM, CustomerData, IntakeData, intake_case
from tousu.cases.services.common import resolve_now
from tousu.cases.services.receiving import place_in_receiving_unit, receiving_unit
from tousu.channels.transfer_file import Cell, Row
from tousu.org.models import Unit
from tousu.packs.registry import active_pack
from tousu.rules.errors import RuleError

TRANSFER_CHANNELS = {
    "regulator": "regulator",
    "监管": "regulator",
    "监管部门": "regulator",
    "监管转办": "regulator",
    "headquarters": "headquarters",
    "总部": "headquarters",
    "总部转办": "headquarters",
}
# intake's field names → the file's columns
FIELD_COLUMNS = {
    "statutory_reply_until": "deadline",
    "customer": "customer_phone",
    "customer.phone": "customer_phone",
    "customer.name": "customer_name",
    "customer.email": "customer_email",
    "customer.address": "customer_address",
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H时%M分", "%H点%M分", "%H点", "%H时")
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    problem: str


@dataclass(frozen=True)
class Defaults:
    pack: str  # "" when the file must name the pack in each row
    channel: str = "regulator"
    request_type: str = "complaint"


@dataclass
class ImportReport:
    imported: list[tuple[int, str]] = field(default_factory=list)  # (row, case number)
    already: list[tuple[int, str]] = field(default_factory=list)  # imported before
    problems: list[RowProblem] = field(default_factory=list)
    rolled_back: bool = False  # problems and no skip_bad: nothing was kept

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


class _RowInvalid(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(problems)
        self.problems = problems


class _Abort(Exception):
    """Raised inside the file's transaction to roll every row back."""


# --- dates ----------------------------------------------------------------------------------


def parse_moment(value: Cell, *, end_of_day: bool, zone: ZoneInfo) -> datetime:
    """A cell as an aware time; a date alone means its start, or its end for a deadline.
    ValueError explains a value that is not a date."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, END_OF_DAY if end_of_day else time(), tzinfo=zone)
    text = re.sub(r"\s+", " ", value.strip().replace("T", " "))
    day_text, _, clock_text = text.partition(" ")
    day = _parse(day_text, DATE_FORMATS)
    if day is None:
        raise ValueError(f"'{value}' is not a date like 2026-12-20 or 2026-12-20 17:00")
    if not clock_text:
        return datetime.combine(day.date(), END_OF_DAY if end_of_day else time(), tzinfo=zone)
    clock = _parse(clock_text, TIME_FORMATS)
    if clock is None:
        raise ValueError(f"'{value}': the time of day '{clock_text}' is not like 17:00")
    return datetime.combine(day.date(), clock.time(), tzinfo=zone)


def _parse(text: str, formats: Iterable[str]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007 - the zone is added by the caller
        except ValueError:
            continue
    return None


# --- one row --------------------------------------------------------------------------------


def _text(row: Row, column: str) -> str:
    value = row.values.get(column, "")
    return value if isinstance(value, str) else value.isoformat()


def _moment(
    row: Row, column: str, problems: list[RowProblem], end_of_day: bool = False
) -> datetime | None:
    value = row.values.get(column)
    if value is None:
        return None
    try:
        return parse_moment(value, end_of_day=end_of_day, zone=timezone.get_default_timezone())
    except ValueError as exc:
        problems.append(RowProblem(row.number, column, str(exc)))
        return None


def row_intake(row: Row, defaults: Defaults, now: datetime) -> IntakeData:
    """The intake of one row; _RowInvalid lists every problem the row has on its own."""
    problems = [
        RowProblem(row.number, column, f"{column} is required")
        for column in ("sender_ref", "deadline")
        if column not in row.values
    ]
    channel_text = _text(row, "channel") or defaults.channel
    channel = TRANSFER_CHANNELS.get(channel_text.lower(), "")
    if not channel:
        problems.append(
            RowProblem(row.number, "channel", f"'{channel_text}': use regulator or headquarters")
        )
    pack = _text(row, "pack") or defaults.pack
    if not pack:
        problems.append(RowProblem(row.number, "pack", "no pack: fill the column or use --pack"))
    received = _moment(row, "received_at", problems) or now
    if received > now:
        problems.append(RowProblem(row.number, "received_at", "is in the future"))
    deadline = _moment(row, "deadline", problems, end_of_day=True)
    occurred = _moment(row, "occurred_at", problems)
    if problems:
        raise _RowInvalid(problems)
    return IntakeData(
        pack=pack,
        channel=channel,
        request_type=_text(row, "request_type") or defaults.request_type,
        category=_category(pack, _text(row, "category")),
        severity=_text(row, "severity"),
        description=_text(row, "description"),
        demand=_text(row, "demand"),
        location=_text(row, "location"),
        occurred_at=occurred,
        received_at=received,
        customer=CustomerData(
            name=_text(row, "customer_name"),
            phone=_text(row, "customer_phone"),
            email=_text(row, "customer_email"),
            address=_text(row, "customer_address"),
        ),
        facts={"regulator": True} if channel == "regulator" else {},
        references=_references(row),
        statutory_reply_until=deadline,
    )


def _references(row: Row) -> dict[str, str]:
    refs = {"transfer_ref": _text(row, "sender_ref"), "transfer_from": _text(row, "sender")}
    return {key: value for key, value in refs.items() if value}


def _category(pack: str, text: str) -> str:
    """A category code, also when the file gives the pack's Chinese name (信号弱)."""
    if not text or not pack:
        return text
    try:
        categories = active_pack(pack).pack.categories
    except RuleError:
        return text  # the unknown pack is reported by intake
    if any(c.code == text for c in categories):
        return text
    return next((c.code for c in categories if c.name == text), text)


def _problems_of(row: int, exc: RuleError) -> list[RowProblem]:
    errors = exc.errors or []
    if not errors:
        return [RowProblem(row, "-", exc.message)]
    return [RowProblem(row, FIELD_COLUMNS.get(e.field, e.field), e.message) for e in errors]


def _earlier_cases(rows: list[Row]) -> dict[tuple[str, str], str]:
    """Cases already imported from these reference numbers, by (channel, reference): one
    query per 500 references rather than one per row."""
    refs = sorted({_text(row, "sender_ref") for row in rows} - {""})
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(refs), 500):
        query = Case.objects.filter(
            channel__in=set(TRANSFER_CHANNELS.values()),
            references__transfer_ref__in=refs[start : start + 500],
        )
        for channel, references, number in query.values_list("channel", "references", "number"):
            found[(channel, references.get("transfer_ref", ""))] = number
    return found


# --- the file -------------------------------------------------------------------------------


@dataclass
class _Run:
    defaults: Defaults
    now: datetime
    earlier: dict[tuple[str, str], str]  # (channel, reference) → case imported before
    report: ImportReport = field(default_factory=ImportReport)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)  # → first row in this file
    unit: Unit | None = field(default_factory=receiving_unit)  # whose agents queue the cases


def import_transfers(
    rows: list[Row],
    *,
    defaults: Defaults,
    skip_bad: bool = False,
    now: datetime | None = None,
    progress: Callable[[int], None] = lambda done: None,
) -> ImportReport:
    """Import the rows as cases in one transaction (see the module's rules)."""
    run = _Run(defaults, resolve_now(now), _earlier_cases(rows))
    try:
        with transaction.atomic():
            for done, row in enumerate(rows, start=1):
                _import_row(run, row)
                progress(done)
            if run.report.problems and not skip_bad:
                raise _Abort
    except _Abort:
        run.report.rolled_back = True
        run.report.imported.clear()
    return run.report


def _import_row(run: _Run, row: Row) -> None:
    report = run.report
    try:
        data = row_intake(row, run.defaults, run.now)
    except _RowInvalid as exc:
        report.problems.extend(exc.problems)
        return
    key = (data.channel, data.references["transfer_ref"])
    if key in run.seen:
        report.problems.append(
            RowProblem(row.number, "sender_ref", f"repeats row {run.seen[key]} of this file")
        )
        return
    run.seen[key] = row.number
    if key in run.earlier:
        report.already.append((row.number, run.earlier[key]))
        return
    try:
        with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
            case = intake_case(actor=SYSTEM, data=data, now=run.now).case
            place_in_receiving_unit(case, run.unit)
    except RuleError as exc:
        report.problems.extend(_problems_of(row.number, exc))
        return
    report.imported.append((row.number, case.number))
