"""The monthly analysis as one plain dict: statistics per dimension, the quality brief and the
warnings. The JSON report is this dict; the xlsx and PDF exports render it."""

from __future__ import annotations

from typing import Any

from tousu.reports.brief import build_brief
from tousu.reports.dimensions import DIMENSIONS, REPORT_DIMENSIONS
from tousu.reports.periods import Period
from tousu.reports.stats import INDICATORS, Scope, in_cache, statistics
from tousu.reports.warnings import detect

TITLE = "投诉统计分析报告"
BRIEF_TITLE = "投诉质量简报"


def header(scope: Scope, period: Period, title: str = BRIEF_TITLE) -> dict[str, Any]:
    """Title, periods, as-of time and pack: what every file of the period starts with."""
    pack = scope.packs.get(scope.pack) if scope.pack else None
    return {
        "title": title,
        "period": period.as_json(),
        "previous_period": period.previous().as_json(),
        "as_of": scope.now.isoformat(),
        "pack": {"code": pack.code, "name": pack.name} if pack else None,
    }


def tables(
    scope: Scope, period: Period, dims: tuple[str, ...] = REPORT_DIMENSIONS, cached: bool = False
) -> dict[str, Any]:
    """The statistics of ``dims`` and the totals (what the report page shows); ``cached``: see
    ``stats.statistics``."""
    missing = [by for by in dims if not (cached and in_cache(scope, period, by))]
    if missing:
        scope.prefetch(period, tuple(DIMENSIONS[by] for by in missing))  # one scan for them all
    found = {by: statistics(scope, period, by, cached=cached) for by in dims}
    return {
        **header(scope, period, TITLE),
        "indicators": list(INDICATORS),
        "totals": found[dims[0]]["totals"],
        "dimensions": [
            {"by": by, "title": DIMENSIONS[by].title, "rows": found[by]["rows"]} for by in dims
        ],
    }


def build(
    scope: Scope, period: Period, dims: tuple[str, ...] = REPORT_DIMENSIONS, cached: bool = False
) -> dict[str, Any]:
    """Everything the report shows, as of ``scope.now``."""
    return {
        **tables(scope, period, dims, cached),
        "brief": build_brief(scope, period),
        "warnings": detect(scope, period),
    }


def is_empty(data: dict[str, Any]) -> bool:
    return not data["totals"]["count"]


__all__ = ["BRIEF_TITLE", "TITLE", "build", "header", "is_empty", "tables"]
