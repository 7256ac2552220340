"""预警 — early warning when a category, a place or a unit rises above its usual level.

For the week that ends with the period (or now, if the period is still running) each group's
count of received cases is compared with its weekly counts over the ``BASELINE_WEEKS`` weeks
before. Taking those weeks as a Poisson process with mean λ (floored at ``LAMBDA_FLOOR`` so a
group that was quiet does not alert on its first case), the upper bound is the 99th
percentile of Poisson(λ): the smallest k with P(X ≤ k) ≥ 0.99. An alert is raised when the
week's count exceeds that bound and is at least ``MIN_COUNT``. The p-value P(X ≥ count) is
reported with it. The counts come from one aggregate query per dimension (a conditional count
per week); places are the case's location normalised (``normalise_place``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, FilteredRelation, Q

from tousu.reports.dimensions import DIMENSIONS, UNIT_JOIN, Namer
from tousu.reports.figures import Scope
from tousu.reports.periods import Period
from tousu.reports.stats_sql import COUNTED_ORDERS

BASELINE_WEEKS = 8
QUANTILE = 0.99
LAMBDA_FLOOR = 0.5
MIN_COUNT = 3
WEEK = timedelta(days=7)
WARNING_DIMENSIONS = ("category", "place", "unit")

# Room-level detail after the place itself: "3栋502", "3-502", "502室", "B座1203"…
_ROOM = re.compile(r"(\d+|[a-z])(栋|幢|座|号楼|单元|楼|层|室|号|-\d+).*$")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\W_]+")


def normalise_place(text: str) -> str:
    """Fold width and case, drop spaces and punctuation and the room-level tail, so that
    "幸福小区 3栋502" and "幸福小区３栋５０２室" are the same place (幸福小区)."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", text or "").lower())
    folded = _ROOM.sub("", folded) or folded
    return _PUNCT.sub("", folded)


def poisson_upper(mean: float, quantile: float = QUANTILE) -> int:
    """The smallest k with P(X ≤ k) ≥ quantile for X ~ Poisson(mean), in log space."""
    if mean <= 0:
        return 0
    cumulative, k = 0.0, 0
    log_mean = math.log(mean)
    while True:
        cumulative += math.exp(k * log_mean - mean - math.lgamma(k + 1))
        if cumulative >= quantile or k > mean + 50 * math.sqrt(mean) + 50:
            return k
        k += 1


def poisson_tail(mean: float, count: int) -> float:
    """P(X ≥ count) for X ~ Poisson(mean)."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    log_mean = math.log(mean)
    below = sum(math.exp(k * log_mean - mean - math.lgamma(k + 1)) for k in range(count))
    return max(0.0, 1.0 - below)


def window_end(period: Period, now: datetime) -> datetime:
    return min(period.end, now)


def _weekly(end: datetime, weeks: int) -> dict[str, Q]:
    """w0 = the last week before ``end``, w1 the week before it, …"""
    return {
        f"w{i}": Q(received_at__gte=end - (i + 1) * WEEK, received_at__lt=end - i * WEEK)
        for i in range(weeks + 1)
    }


def _counts(scope: Scope, end: datetime, weeks: int, dim: str) -> dict[tuple, list[int]]:
    start = end - (weeks + 1) * WEEK
    cases = scope.cases.filter(received_at__gte=start, received_at__lt=end)
    if scope.pack:
        cases = cases.filter(pack=scope.pack)
    if dim == "unit":
        cases = cases.annotate(
            **{
                UNIT_JOIN: FilteredRelation(
                    "work_orders", condition=Q(work_orders__status__in=COUNTED_ORDERS)
                )
            }
        )
        fields: tuple[str, ...] = (f"{UNIT_JOIN}__unit",)
    else:
        fields = ("location",) if dim == "place" else DIMENSIONS[dim].case_fields
    windows = _weekly(end, weeks)
    aggregates = {k: Count("pk", filter=q) for k, q in windows.items()}
    out: dict[tuple, list[int]] = {}
    for row in cases.values(*fields).annotate(**aggregates).order_by():
        key = tuple(row[f] for f in fields)
        if dim == "place":
            key = (normalise_place(str(key[0] or "")),)
        weekly = [row[f"w{i}"] for i in range(weeks + 1)]
        merged = out.setdefault(key, [0] * (weeks + 1))
        out[key] = [a + b for a, b in zip(merged, weekly, strict=True)]
    out.pop(("",), None)  # no place / no unit recorded: nothing to watch
    out.pop((None,), None)
    return out


def _alert(dim: str, key: tuple, weekly: list[int], namer: Namer) -> dict[str, Any] | None:
    current, history = weekly[0], weekly[1:]
    mean = sum(history) / len(history) if history else 0.0
    bound = poisson_upper(max(mean, LAMBDA_FLOOR))
    if current <= bound or current < MIN_COUNT:
        return None
    value = key[-1]
    if dim == "place":
        code, name, pack = str(value), str(value), ""
    else:
        spec = DIMENSIONS[dim]
        pack = str(key[0]) if spec.pack_scoped else ""
        code, name = namer.key(spec, value), namer.name(spec, pack, value)
    return {
        "dimension": dim,
        "key": code,
        "name": name,
        "pack": pack or None,
        "current": current,
        "baseline_mean": round(mean, 2),
        "threshold": bound,
        "p_value": round(poisson_tail(max(mean, LAMBDA_FLOOR), current), 6),
        "weekly": list(reversed(weekly)),  # oldest week first, this week last
    }


def detect(scope: Scope, period: Period, weeks: int = BASELINE_WEEKS) -> dict[str, Any]:
    """Alerts for the week ending with ``period`` (see the module text for the rule)."""
    end = window_end(period, scope.now)
    namer = Namer(scope.packs, scope.pack)
    alerts: list[dict[str, Any]] = []
    groups = 0
    for dim in WARNING_DIMENSIONS:
        counts = _counts(scope, end, weeks, dim)
        groups += len(counts)
        if dim == "unit":
            namer.load_units(k[-1] for k in counts)
        for key, weekly in counts.items():
            found = _alert(dim, key, weekly, namer)
            if found:
                alerts.append(found)
    alerts.sort(key=lambda a: (a["p_value"], -a["current"]))
    return {
        "period": period.code,
        "window": {"start": (end - WEEK).isoformat(), "end": end.isoformat()},
        "baseline_weeks": weeks,
        "quantile": QUANTILE,
        "groups_checked": groups,
        "alerts": alerts,
    }


__all__ = ["detect", "normalise_place", "poisson_tail", "poisson_upper"]
