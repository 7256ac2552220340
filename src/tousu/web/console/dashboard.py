"""The dashboard's figures: simple aggregate queries over the cases the user may see (a
supervisor sees every unit, a handler their own), and the month's indicators from
``tousu.reports.stats`` (SPEC §9 formulas)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tousu.cases.models import Case, WorkOrder
from tousu.org.models import User
from tousu.org.permissions import visible_cases
from tousu.packs.registry import active_packs
from tousu.rules.lifecycle import ACTIVE, OPEN
from tousu.web.console.display import severity_tone

DAYS = 14
TOP = 8


@dataclass
class Dashboard:
    today: int
    open_total: int
    overdue: int
    on_time_rate: float | None = None
    satisfaction_rate: float | None = None
    month_count: int = 0
    month_label: str = ""
    by_severity: list[tuple[str, int, str]] = field(default_factory=list)
    top_categories: list[tuple[str, int]] = field(default_factory=list)
    daily: list[tuple[str, int]] = field(default_factory=list)

    def chart_data(self) -> dict[str, Any]:
        return {
            "severity": [list(p) for p in self.by_severity],
            "categories": [list(p) for p in self.top_categories],
            "daily": [list(p) for p in self.daily],
        }


def scoped_cases(user: User, unit: str = "") -> QuerySet[Case]:
    cases = visible_cases(user, Case.objects.all())
    if unit:
        cases = cases.filter(pk__in=WorkOrder.objects.filter(unit__code=unit).values("case_id"))
    return cases


def _midnight(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)


TONES = ("low", "mid", "high", "top")


def _by_severity(cases: QuerySet[Case]) -> list[tuple[str, int, str]]:
    """Open cases per severity name (packs share names such as 重要), lowest first, each with
    the tone of its place on its ladder (the colour the console gives it)."""
    steps = {}
    for active in active_packs():
        ranks = [s.rank for s in active.pack.severities]
        for s in active.pack.severities:
            steps[(active.pack.code, s.code)] = (TONES.index(severity_tone(s.rank, ranks)), s.name)
    totals: dict[str, list[int]] = {}
    rows = cases.filter(status__in=[s.value for s in OPEN]).values("pack", "severity")
    # COUNT(*), not COUNT(id): PostgreSQL then reads only the index (web migration 0001)
    for row in rows.annotate(n=Count("*")).order_by():
        tone, name = steps.get((row["pack"], row["severity"]), (0, row["severity"] or "—"))
        entry = totals.setdefault(name, [tone, 0])
        entry[0], entry[1] = max(entry[0], tone), entry[1] + row["n"]
    ordered = sorted(totals.items(), key=lambda i: (i[1][0], i[0]))
    return [(name, n, TONES[tone]) for name, (tone, n) in ordered]


def _daily(cases: QuerySet[Case], now: datetime) -> list[tuple[str, int]]:
    start = _midnight(now) - timedelta(days=DAYS - 1)
    rows = (
        cases.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {r["day"]: r["n"] for r in rows}
    days = [(start + timedelta(days=i)).date() for i in range(DAYS)]
    return [(d.strftime("%m-%d"), counts.get(d, 0)) for d in days]


def _month(board: Dashboard, user: User, unit: str, now: datetime) -> None:
    """The month's on-time and satisfaction rates and top categories (tousu.reports.stats)."""
    try:
        from tousu.reports import periods, stats
    except ImportError:  # the reports app is optional for the console
        return
    local = timezone.localtime(now)
    period = periods.month(local.year, local.month)
    scope = stats.make_scope(now, user)
    if unit:
        scope.cases = scoped_cases(user, unit)
    result = stats.statistics(scope, period, "category",
                              chosen=("on_time_resolve", "satisfaction_rate"))
    board.on_time_rate = result["totals"]["indicators"]["on_time_resolve"]
    board.satisfaction_rate = result["totals"]["indicators"]["satisfaction_rate"]
    board.month_count = result["totals"]["count"]
    board.month_label = period.code
    board.top_categories = [(r["name"], r["count"]) for r in result["rows"] if r["count"]][:TOP]


def dashboard(user: User, now: datetime, unit: str = "") -> Dashboard:
    cases = scoped_cases(user, unit)
    late = Q(overdue=True) | Q(next_due_at__lt=now)
    by_severity = _by_severity(cases)
    board = Dashboard(
        today=cases.filter(created_at__gte=_midnight(now)).count(),
        open_total=sum(n for _name, n, _tone in by_severity),
        overdue=cases.filter(status__in=[s.value for s in ACTIVE]).filter(late).count(),
        by_severity=by_severity,
        daily=_daily(cases, now),
    )
    _month(board, user, unit, now)
    return board
