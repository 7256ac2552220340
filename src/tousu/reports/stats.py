"""Statistics of a period (SPEC §9): counts by a dimension and the indicators, each with the
previous period beside it.

The cases of a period are those *received* in it (Shanghai time), as they stand at ``now``.
Each group is one row of an aggregate query (``stats_sql``): counts of named conditions, a
handling-time sum and 90th percentile; the work orders give the acknowledge clock in a second
query. Indicators are ratios of those counts; the formulas are in docs/reports.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from tousu.cases.models import Event, WorkOrder
from tousu.reports.dimensions import Dimension, Namer, dimension
from tousu.reports.figures import Figures, Key, Scope, empty_figures, figures, make_scope
from tousu.reports.periods import Period
from tousu.reports.stats_sql import FIGURES
from tousu.rules.errors import ErrorCode, ValidationFailed

INDICATORS = (
    "on_time_acknowledge",
    "on_time_resolve",
    "on_time_reply",
    "on_time_statutory_reply",
    "resolution_rate",
    "satisfaction_rate",
    "repeat_rate",
    "escalation_rate",
    "first_contact_resolution",
    "avg_handling_hours",
    "p90_handling_hours",
    "valid_rate",
)
CACHE_SECONDS = 60  # default of TOUSU_STATS_CACHE_SECONDS (0: no cache)
RATE_DIGITS = 4
HOUR_DIGITS = 2


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, RATE_DIGITS) if denominator else None


def _hours(seconds: float | None) -> float | None:
    return round(float(seconds) / 3600, HOUR_DIGITS) if seconds is not None else None


def indicators(f: Figures) -> dict[str, float | None]:
    """SPEC §9 indicators from the raw counts of one group (docs/reports.md)."""

    def clock(name: str) -> float | None:
        return _rate(f[f"{name}_on_time"], f[f"{name}_on_time"] + f[f"{name}_late"])

    handled = f["handled"]
    return {
        "on_time_acknowledge": clock("acknowledge"),
        "on_time_resolve": clock("resolve"),
        "on_time_reply": clock("reply"),
        "on_time_statutory_reply": clock("statutory"),
        "resolution_rate": _rate(f["finished"], f["accepted"]),
        "satisfaction_rate": _rate(f["satisfied"], f["rated"]),
        "repeat_rate": _rate(f["repeat"], f["count"]),
        "escalation_rate": _rate(f["escalated"], f["count"]),
        "first_contact_resolution": _rate(f["first_contact"], f["accepted"]),
        "avg_handling_hours": _hours(f["handling_s_sum"] / handled) if handled else None,
        "p90_handling_hours": _hours(f["handling_s_p90"]) if handled else None,
        "valid_rate": _rate(f["valid"], f["validity_decided"]),
    }


def pick_indicators(text: str | None, field: str = "indicators") -> tuple[str, ...]:
    """``on_time_resolve,satisfaction_rate`` → those codes; empty → all of them."""
    wanted = tuple(p.strip() for p in (text or "").split(",") if p.strip())
    unknown = [w for w in wanted if w not in INDICATORS]
    if unknown:
        raise ValidationFailed.one(
            field,
            f"unknown indicator '{unknown[0]}'; one of {', '.join(INDICATORS)}",
            ErrorCode.UNKNOWN,
        )
    return wanted or INDICATORS


def _summary(f: Figures, chosen: Iterable[str]) -> dict[str, Any]:
    values = indicators(f)
    public = {k: f[k] for k in FIGURES}
    return {
        "count": f["count"],
        "indicators": {k: values[k] for k in chosen},
        "figures": public,
    }


def _row(
    dim: Dimension, key: Key, namer: Namer, now: Figures, before: Figures, chosen: tuple[str, ...]
) -> dict[str, Any]:
    pack_code = str(key[0] or "") if dim.pack_scoped else ""
    value = key[-1]
    row: dict[str, Any] = {"key": namer.key(dim, value), "name": namer.name(dim, pack_code, value)}
    if dim.pack_scoped:
        row["pack"] = pack_code
    row.update(_summary(now, chosen))
    previous = _summary(before, chosen)
    row["previous"] = {"count": previous["count"], "indicators": previous["indicators"]}
    return row


def data_version() -> tuple[int, int]:
    """Changes whenever a case or work order changes: every change records an event (events
    are append-only) and a new work order is a new row."""
    return (
        Event.objects.aggregate(v=Max("pk"))["v"] or 0,
        WorkOrder.objects.aggregate(v=Max("pk"))["v"] or 0,
    )


def _cache_key(scope: Scope, period: Period, by: str, chosen: tuple[str, ...]) -> str:
    if scope.version is None:  # read once per scope (one request)
        scope.version = data_version()
    parts = (scope.viewer, scope.pack, period.code, by, ",".join(chosen), *scope.version)
    return "tousu:stats:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _seconds() -> int:
    return int(getattr(settings, "TOUSU_STATS_CACHE_SECONDS", CACHE_SECONDS))


def in_cache(scope: Scope, period: Period, by: str, chosen: tuple[str, ...] = INDICATORS) -> bool:
    return bool(_seconds()) and cache.get(_cache_key(scope, period, by, chosen)) is not None


def statistics(
    scope: Scope,
    period: Period,
    by: str,
    chosen: tuple[str, ...] = INDICATORS,
    cached: bool = False,
) -> dict[str, Any]:
    """The ``GET /stats`` payload: rows of one dimension and the totals, with the previous
    period's values beside each.

    ``cached``: reuse a payload computed within ``TOUSU_STATS_CACHE_SECONDS`` for the same
    viewer, pack, period, dimension and indicators, if no case or work order changed since
    (``data_version``); its ``as_of`` says when it was computed."""
    dim = dimension(by)
    seconds = _seconds()
    if not (cached and seconds):
        return _statistics(scope, period, dim, chosen)
    key = _cache_key(scope, period, dim.code, chosen)
    found = cache.get(key)
    if found is None:
        found = _statistics(scope, period, dim, chosen)
        cache.set(key, found, seconds)
    return found


def _statistics(
    scope: Scope, period: Period, dim: Dimension, chosen: tuple[str, ...]
) -> dict[str, Any]:
    previous = period.previous()
    now_groups, before_groups = figures(scope, period, dim)
    namer = Namer(scope.packs, scope.pack)
    if dim.unit:
        namer.load_units(k[-1] for k in (*now_groups, *before_groups))
    keys = sorted(
        set(now_groups) | set(before_groups),
        key=lambda k: (-now_groups.get(k, {"count": 0})["count"], str(k)),
    )
    rows = [
        _row(
            dim,
            k,
            namer,
            now_groups.get(k) or empty_figures(),
            before_groups.get(k) or empty_figures(),
            chosen,
        )
        for k in keys
    ]
    total_now, total_before = scope.totals(period, dim, (now_groups, before_groups))
    totals = _summary(total_now, chosen)
    prev_totals = _summary(total_before, chosen)
    totals["previous"] = {"count": prev_totals["count"], "indicators": prev_totals["indicators"]}
    return {
        "period": period.code,
        "previous_period": previous.code,
        "range": period.as_json(),
        "previous_range": previous.as_json(),
        "as_of": scope.now.isoformat(),
        "pack": scope.pack or None,
        "by": dim.code,
        "rows": rows,
        "totals": totals,
    }


__all__ = [
    "INDICATORS",
    "Scope",
    "figures",
    "indicators",
    "make_scope",
    "data_version",
    "in_cache",
    "pick_indicators",
    "statistics",
]
