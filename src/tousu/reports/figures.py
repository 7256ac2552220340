"""The raw counts behind the statistics: one aggregate query over the cases and one over their
work orders, each grouped by a dimension and by period (the period and the one before it are
adjacent, so one scan covers both and a flag column tells them apart).

On PostgreSQL the queries run in a transaction with JIT compilation off (it costs more than
these sub-second scans) and enough ``work_mem`` for the percentile's sort to stay in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Collate

from tousu.cases.models import Case, WorkOrder
from tousu.org.models import User
from tousu.org.permissions import case_scope, visible_cases
from tousu.packs.registry import active_pack, active_packs
from tousu.packs.schema import Pack
from tousu.reports.dimensions import UNIT_JOIN, Dimension
from tousu.reports.periods import Period
from tousu.reports.stats_sql import (
    COUNTED_ORDERS,
    FIGURES,
    Percentile90,
    annotate_cases,
    case_aggregates,
    case_conditions,
    order_aggregates,
    order_clock,
)

Key = tuple[Any, ...]
Figures = dict[str, Any]
Groups = dict[Key, Figures]
CURRENT = "_current"  # 1: the period asked for, 0: the one before
ANALYTIC_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'")


@dataclass
class Scope:
    """Whose cases, which pack, as of when; caches the totals of each period."""

    cases: QuerySet[Case]
    now: datetime
    pack: str = ""
    packs: Mapping[str, Pack] = field(default_factory=dict)
    restricted: bool = False  # the viewer sees only some cases
    viewer: str = ""  # whose view, for the result cache ("" for every case)
    version: tuple[int, int] | None = None  # stats.data_version, read once
    _totals: dict[str, tuple[Figures, Figures]] = field(default_factory=dict)
    _groups: dict[tuple[str, str], tuple[Groups, Groups]] = field(default_factory=dict)

    def prefetch(self, period: Period, dims: tuple[Dimension, ...]) -> None:
        """Compute the figures of several dimensions (and the totals) at once, where the
        database can group one scan several ways (PostgreSQL's ``GROUPING SETS``). The
        handling unit, grouped through the work orders, gets its own joined scan."""
        if connection.vendor != "postgresql":
            return
        missing = [d for d in dims if (period.code, d.code) not in self._groups]
        plain = tuple(d for d in missing if not d.via_orders)
        acknowledged: tuple[Figures, Figures] | None = None
        for dim in missing:
            if dim.via_orders:
                found, acknowledged = grouping_sets(self, period, (dim,), joined=True)
                self._groups[(period.code, dim.code)] = found[dim.code]
        if plain or period.code not in self._totals:
            # The joined scan counts every counted work order once: its acknowledge totals
            # are the totals', so the cases' totals then need no work-order query of their own.
            found, totals = grouping_sets(self, period, plain, None if plain else acknowledged)
            for dim in plain:
                self._groups[(period.code, dim.code)] = found[dim.code]
            self._totals.setdefault(period.code, totals)

    def period_cases(self, period: Period) -> QuerySet[Case]:
        cases = self.cases.filter(received_at__gte=period.start, received_at__lt=period.end)
        return cases.filter(pack=self.pack) if self.pack else cases

    def totals(
        self,
        period: Period,
        dim: Dimension | None = None,
        groups: tuple[Groups, Groups] | None = None,
    ) -> tuple[Figures, Figures]:
        """(this period's, the previous period's) figures over all the scope's cases; summed
        from ``groups`` when they split the cases (any dimension but the handling unit)."""
        if period.code not in self._totals:
            if groups is not None and dim is not None and not dim.via_orders:
                self._totals[period.code] = summed_totals(self, period, groups)
            else:
                now, before = figures(self, period, None)
                self._totals[period.code] = (
                    now.get((), empty_figures()),
                    before.get((), empty_figures()),
                )
        return self._totals[period.code]


def make_scope(now: datetime, user: User | None = None, pack: str = "") -> Scope:
    """All cases (``user`` None: the CLI) or those ``user`` may see; ``pack`` must exist."""
    pack = (pack or "").strip()
    if pack:
        active_pack(pack, field="pack")
    cases = Case.objects.all()
    restricted = user is not None and case_scope(user) is not None
    if user is not None:
        cases = visible_cases(user, cases)
    packs = {a.pack.code: a.pack for a in active_packs()}
    viewer = str(user.pk) if restricted and user is not None else ""
    return Scope(cases=cases, now=now, pack=pack, packs=packs, restricted=restricted, viewer=viewer)


def empty_figures() -> Figures:
    blank: Figures = {name: 0 for name in FIGURES}
    blank.update({"handling_s_sum": None, "handling_s_p90": None})
    return blank


@contextmanager
def analytic_queries() -> Iterator[None]:
    """Run the aggregate queries with the session settings they need (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in ANALYTIC_SETTINGS:
            cursor.execute(statement)
        yield


def _flag(field_name: str, start: datetime) -> CaseWhen:
    return CaseWhen(
        When(**{f"{field_name}__gte": start}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _grouped(
    rows: QuerySet[Any],
    fields: tuple[str, ...],
    aggregates: dict[str, Any],
    sorted_by_text: bool = False,
) -> Groups:
    """``GROUP BY`` the fields. A grouping that must sort (the percentile) sorts text keys in
    the "C" collation on PostgreSQL: bytes, not language rules (the groups are the same).
    Hashed groupings keep the plain columns, whose statistics the planner knows."""
    names = list(fields)
    if sorted_by_text and connection.vendor == "postgresql":
        keys = {f"_g{i}": Collate(F(f), "C") for i, f in enumerate(fields) if i}
        rows = rows.annotate(**keys)
        names = [fields[0], *keys]
    found = rows.values(*names).annotate(**aggregates).order_by()
    return {tuple(r[n] for n in names): r for r in found}


def _span(scope: Scope, period: Period) -> QuerySet[Case]:
    """Cases received in the period or the one before, flagged by period."""
    previous = period.previous()
    span = scope.cases.filter(received_at__gte=previous.start, received_at__lt=period.end)
    if scope.pack:
        span = span.filter(pack=scope.pack)
    return annotate_cases(span).annotate(**{CURRENT: _flag("received_at", period.start)})


def _joined(scope: Scope, period: Period, dim: Dimension | None) -> QuerySet[Case]:
    cases = _span(scope, period)
    if dim is not None and dim.via_orders:
        handling = Q(
            work_orders__status__in=COUNTED_ORDERS,
            work_orders__issued_at__gte=period.previous().start,
        )
        cases = cases.annotate(**{UNIT_JOIN: FilteredRelation("work_orders", condition=handling)})
    return cases


def _case_groups(scope: Scope, period: Period, dim: Dimension | None) -> Groups:
    fields: tuple[str, ...] = (CURRENT, *(dim.case_fields if dim else ()))
    aggregates = case_aggregates(scope.now, period.previous().start)
    return _grouped(_joined(scope, period, dim), fields, aggregates)


def _p90_groups(scope: Scope, period: Period, dim: Dimension | None) -> Groups:
    """The handling-time percentile per group, over the handled cases only."""
    handled = case_conditions(scope.now, period.previous().start)["handled"]
    fields: tuple[str, ...] = (CURRENT, *(dim.case_fields if dim else ()))
    cases = _joined(scope, period, dim).filter(handled)
    p90 = {"handling_s_p90": Percentile90("_handled_s")}
    return _grouped(cases, fields, p90, sorted_by_text=bool(dim and not dim.unit))


def summed_totals(
    scope: Scope, period: Period, groups: tuple[Groups, Groups]
) -> tuple[Figures, Figures]:
    """Totals as the sum of a dimension's groups (each case in exactly one group); only the
    percentile needs its own query."""
    with analytic_queries():
        p90 = _p90_groups(scope, period, None)
    out = []
    for flag, part in ((1, groups[0]), (0, groups[1])):
        total = empty_figures()
        for row in part.values():
            for name in FIGURES:
                total[name] += row[name]
            if row["handling_s_sum"] is not None:
                total["handling_s_sum"] = (total["handling_s_sum"] or 0) + row["handling_s_sum"]
        total["handling_s_p90"] = p90.get((flag,), {}).get("handling_s_p90")
        out.append(total)
    return out[0], out[1]


def _counted_orders(scope: Scope, period: Period) -> QuerySet[WorkOrder]:
    """The counted work orders of cases received in the period or the one before, in scope.
    An order is issued after its case is received: the issue time bounds the scan."""
    previous = period.previous()
    orders = WorkOrder.objects.filter(
        status__in=COUNTED_ORDERS,
        issued_at__gte=previous.start,
        case__received_at__gte=previous.start,
        case__received_at__lt=period.end,
    )
    if scope.pack:
        orders = orders.filter(case__pack=scope.pack)
    if scope.restricted:
        orders = orders.filter(case__in=scope.cases.values("pk"))
    return orders


def _order_groups(scope: Scope, period: Period, dim: Dimension | None) -> Groups:
    orders = _counted_orders(scope, period)
    orders = orders.annotate(**{CURRENT: _flag("case__received_at", period.start)})
    fields: tuple[str, ...] = (CURRENT, *(dim.order_fields if dim else ()))
    return _grouped(orders, fields, order_aggregates(scope.now))


def figures(scope: Scope, period: Period, dim: Dimension | None) -> tuple[Groups, Groups]:
    """Raw counts per group key (the dimension's column values): (this period, previous)."""
    if dim is not None:
        scope.prefetch(period, (dim,))
        if (period.code, dim.code) in scope._groups:
            return scope._groups[(period.code, dim.code)]
    merged: Groups = {}
    with analytic_queries():
        case_rows, order_rows = _case_groups(scope, period, dim), _order_groups(scope, period, dim)
        p90_rows = _p90_groups(scope, period, dim)
    for key, row in case_rows.items():
        merged[key] = {**empty_figures(), **{k: row[k] for k in row if k in _NAMES}}
    for key, row in (*order_rows.items(), *p90_rows.items()):
        merged.setdefault(key, empty_figures()).update({k: row[k] for k in row if k in _NAMES})
    current: Groups = {}
    before: Groups = {}
    for (flag, *rest), row in merged.items():
        for name in FIGURES:
            row[name] = row[name] or 0
        (current if flag == 1 else before)[tuple(rest)] = row
    return current, before


_NAMES = frozenset(FIGURES) | {"handling_s_sum", "handling_s_p90"}


# --------------------------------------------------------------------- PostgreSQL grouping sets


def _alias(field_name: str) -> str:
    return "_g_" + field_name.replace("__", "_")


def _sets_sql(
    inner: QuerySet[Any], dims: tuple[Dimension, ...], fields_of: str, aggregates: list[str]
) -> tuple[str, tuple[Any, ...], list[str], dict[int, Dimension | None]]:
    """``SELECT GROUPING(…), keys, aggregates FROM (inner) GROUP BY GROUPING SETS`` with one
    set per dimension and one for the totals, each also split by period."""
    columns: list[str] = []
    for dim in dims:
        for name in getattr(dim, fields_of):
            if _alias(name) not in columns:
                columns.append(_alias(name))
    sql, params = inner.query.sql_with_params()
    masks: dict[int, Dimension | None] = {}
    sets = []
    for dim in (*dims, None):
        used = [_alias(n) for n in getattr(dim, fields_of)] if dim else []
        # GROUPING(a, b, …): bit set for each column *not* in the set, first column highest
        mask = sum(1 << (len(columns) - 1 - i) for i, c in enumerate(columns) if c not in used)
        masks[mask] = dim
        sets.append("(" + ", ".join([f'"{CURRENT}"', *(f'"{c}"' for c in used)]) + ")")
    grouping = f"GROUPING({', '.join(columns)})" if columns else "0"
    keys = "".join(f', "{c}"' for c in columns)
    # Only our own column names and the compiled inner query go into the text; values are
    # parameters.
    query = (
        f'SELECT {grouping} AS _set, "{CURRENT}"{keys}, {", ".join(aggregates)} '  # noqa: S608
        f"FROM ({sql}) AS t GROUP BY GROUPING SETS ({', '.join(sets)})"
    )
    return query, params, columns, masks


def _run_sets(
    inner: QuerySet[Any],
    dims: tuple[Dimension, ...],
    fields_of: str,
    aggregates: dict[str, str],
) -> dict[str, Groups]:
    """Rows per dimension code ('' for the totals), keyed like ``figures``: (flag, *values)."""
    parts = [f"{sql} AS {name}" for name, sql in aggregates.items()]
    query, params, columns, masks = _sets_sql(inner, dims, fields_of, parts)
    out: dict[str, Groups] = {(d.code if d else ""): {} for d in masks.values()}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [c.name for c in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            dim = masks[row["_set"]]
            key_fields = [_alias(n) for n in getattr(dim, fields_of)] if dim else []
            key = (row[CURRENT], *(row[f] for f in key_fields))
            out[dim.code if dim else ""][key] = {k: row[k] for k in aggregates}
    return out


def _case_rows(
    scope: Scope, period: Period, dims: tuple[Dimension, ...], joined: bool = False
) -> QuerySet[Any]:
    """One row per case of both periods (``joined``: per case and counted work order, for
    the handling unit, with that order's acknowledge clock): the period flag, the dimension
    values, and a boolean column per counted condition."""
    conditions = case_conditions(scope.now, period.previous().start)
    cases = _joined(scope, period, dims[0]) if joined else _span(scope, period)
    if joined:
        conditions.update(order_clock(scope.now, via=f"{UNIT_JOIN}__"))
    keys = {_alias(n): F(n) for d in dims for n in d.case_fields}
    flags = {f"_c_{n}": ExpressionWrapper(q, BooleanField()) for n, q in conditions.items()}
    cases = cases.annotate(**keys, **flags)
    return cases.values(CURRENT, *keys, *flags, "_handled_s").order_by()


def _order_rows(scope: Scope, period: Period, dims: tuple[Dimension, ...]) -> QuerySet[Any]:
    orders = _counted_orders(scope, period)
    clock = order_clock(scope.now)
    keys = {_alias(n): F(n) for d in dims for n in d.order_fields}
    flags = {f"_c_{n}": ExpressionWrapper(q, BooleanField()) for n, q in clock.items()}
    orders = orders.annotate(**{CURRENT: _flag("case__received_at", period.start)}, **keys, **flags)
    return orders.values(CURRENT, *keys, *flags).order_by()


def grouping_sets(
    scope: Scope,
    period: Period,
    dims: tuple[Dimension, ...],
    acknowledged: tuple[Figures, Figures] | None = None,
    joined: bool = False,
) -> tuple[dict[str, tuple[Groups, Groups]], tuple[Figures, Figures]]:
    """PostgreSQL: the figures of ``dims`` and the totals from two scans (the cases, their
    work orders), each grouped all ways at once. ``acknowledged``: no ``dims``, and the
    acknowledge totals are known (from a joined scan): the work orders are not read.
    ``joined``: ``dims`` is the handling unit alone, the cases joined to their counted work
    orders, whose acknowledge clock is counted in the same scan; of the totals returned then
    only the acknowledge counts are right (a case counts once per order, an order once)."""
    case_names = [n for n in FIGURES if not n.startswith("acknowledge_") and n != "count"]
    if joined:
        case_names += [n for n in FIGURES if n.startswith("acknowledge_")]
    counts = {"count": "COUNT(*)"}
    counts.update({n: f'COUNT(*) FILTER (WHERE "_c_{n}")' for n in case_names})
    counts["handling_s_sum"] = 'SUM("_handled_s") FILTER (WHERE "_c_handled")'
    # The percentile sorts each group's values: the grouping sorts the rows anyway (an
    # ordered-set aggregate cannot be hashed), so one scan gives counts and percentile.
    counts["handling_s_p90"] = (
        'percentile_disc(0.9) WITHIN GROUP (ORDER BY "_handled_s") FILTER (WHERE "_c_handled")'
    )
    acks = {n: f'COUNT(*) FILTER (WHERE "_c_{n}")' for n in order_clock(scope.now)}
    with analytic_queries():
        cases = _case_rows(scope, period, dims, joined)
        case_part = _run_sets(cases, dims, "case_fields", counts)
        order_part: dict[str, Groups] = {}
        if acknowledged is not None:
            order_part[""] = {
                (flag,): {n: part[n] for n in acks}
                for flag, part in zip((1, 0), acknowledged, strict=True)
            }
        elif not joined:
            order_part = _run_sets(_order_rows(scope, period, dims), dims, "order_fields", acks)
    found: dict[str, tuple[Groups, Groups]] = {}
    for code in case_part:
        merged: Groups = {}
        for part in (case_part, order_part):
            for key, row in part.get(code, {}).items():
                merged.setdefault(key, empty_figures()).update(row)
        current: Groups = {}
        before: Groups = {}
        for (flag, *rest), row in merged.items():
            for name in FIGURES:
                row[name] = row[name] or 0
            (current if flag == 1 else before)[tuple(rest)] = row
        found[code] = (current, before)
    now, then = found.pop("")
    return found, (now.get((), empty_figures()), then.get((), empty_figures()))


__all__ = ["Figures", "Key", "Scope", "analytic_queries", "empty_figures", "figures", "make_scope"]
