"""The monthly analysis as one plain dict: statistics per dimension, the quality brief and the
warnings. The JSON report is this dict; the xlsx and PDF exports render it."""

from __future__ import annotations

from typing import Any

from tousu.reports.brief import build_brief
from tousu.reports.dimensions import DIMENSIONS, REPORT_DIMENSIONS
from tousu.reports.periods import Period
from tousu.reports.stats import INDICATORS, Scope, statistics
from tousu.reports.warnings import detect

TITLE = "投诉统计分析报告"


def build(
    scope: Scope, period: Period, dims: tuple[str, ...] = REPORT_DIMENSIONS
) -> dict[str, Any]:
    """Everything the report shows, as of ``scope.now``."""
    scope.prefetch(period, tuple(DIMENSIONS[by] for by in dims))  # one scan for them all
    tables = {by: statistics(scope, period, by) for by in dims}
    first = tables[dims[0]]
    pack = scope.packs.get(scope.pack) if scope.pack else None
    return {
        "title": TITLE,
        "period": period.as_json(),
        "previous_period": first["previous_range"],
        "as_of": scope.now.isoformat(),
        "pack": {"code": pack.code, "name": pack.name} if pack else None,
        "indicators": list(INDICATORS),
        "totals": first["totals"],
        "dimensions": [
            {"by": by, "title": DIMENSIONS[by].title, "rows": tables[by]["rows"]} for by in dims
        ],
        "brief": build_brief(scope, period),
        "warnings": detect(scope, period),
    }


def is_empty(data: dict[str, Any]) -> bool:
    return not data["totals"]["count"]


__all__ = ["TITLE", "build", "is_empty"]
