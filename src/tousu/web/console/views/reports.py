"""The report page (统计分析, SPEC §9): a period (month by default last month, quarter or a
date range) and a pack; the statistics of each dimension with the previous period, charts,
the early warnings, and the downloads (xlsx, PDF, the quality brief, the regulator table).

Thin: the figures come from ``tousu.reports``; this module reads the form, turns a bad choice
into a message on the page (never a traceback) and formats the numbers for display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.packs.registry import active_packs
from tousu.reports import report, warnings
from tousu.reports.dimensions import DIMENSIONS, REPORT_DIMENSIONS
from tousu.reports.labels import DIMENSIONS as DIMENSION_TITLES
from tousu.reports.labels import INDICATORS
from tousu.reports.periods import (
    FIRST_YEAR,
    MAX_RANGE_DAYS,
    SHANGHAI,
    Period,
    last_month,
    parse_period,
)
from tousu.reports.render import KINDS
from tousu.reports.render import render as render_file
from tousu.reports.stats import make_scope
from tousu.rules.errors import RuleError
from tousu.rules.lifecycle import Role
from tousu.web.console.access import roles_view

REPORT_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.QUALITY, Role.AUDITOR, Role.ADMIN)
# The indicators of each dimension's table (all of them are in the totals table).
ROW_INDICATORS = (
    "on_time_resolve",
    "resolution_rate",
    "satisfaction_rate",
    "first_contact_resolution",
    "avg_handling_hours",
)
CHART_BARS = 10
QUARTERS_OFFERED = 8
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")


@dataclass
class Choice:
    """The form as the user filled it, the period it names, and what was wrong with it."""

    kind: str = "month"
    month: str = ""
    quarter: str = ""
    start: str = ""
    end: str = ""
    pack: str = ""
    by: str = ""
    period: Period | None = None
    errors: list[str] = field(default_factory=list)

    def query(self) -> str:
        from urllib.parse import urlencode

        assert self.period is not None
        return urlencode({"period": self.period.code, "pack": self.pack})


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _code(choice: Choice) -> str | None:
    """The period code the form names, or None with a message in ``choice.errors``."""
    if choice.kind == "quarter":
        if not _QUARTER.match(choice.quarter):
            choice.errors.append(_("请选择季度，例如 2026-Q3。"))
            return None
        return choice.quarter
    if choice.kind == "range":
        first, last = _date(choice.start), _date(choice.end)
        if first is None or last is None:
            choice.errors.append(_("请填写起止日期（年-月-日）。"))
            return None
        if last < first:
            choice.errors.append(_("结束日期早于开始日期。"))
            return None
        if (last - first).days >= MAX_RANGE_DAYS:
            choice.errors.append(_("日期范围最长三年。"))
            return None
        return f"{first.isoformat()}..{last.isoformat()}"
    if not _MONTH.match(choice.month) or not 1 <= int(choice.month[5:]) <= 12:
        choice.errors.append(_("请选择月份，例如 2026-10。"))
        return None
    return choice.month


def read_choice(params: Any, now: datetime) -> Choice:
    """The form (GET), or ``period=`` as the API writes it; default: last month."""
    default = last_month(now)
    choice = Choice(
        kind=params.get("kind", "month"),
        month=params.get("month", "").strip(),
        quarter=params.get("quarter", "").strip(),
        start=params.get("start", "").strip(),
        end=params.get("end", "").strip(),
        pack=params.get("pack", "").strip(),
        by=params.get("by", "").strip(),
    )
    raw = params.get("period", "").strip()
    if choice.kind not in ("month", "quarter", "range"):
        choice.errors.append(_("未知的期间类型。"))
        choice.kind = "month"
    if raw or not (choice.month or choice.quarter or choice.start or choice.end):
        code: str | None = raw or default.code
    else:
        code = _code(choice)
    if code is not None:
        try:
            choice.period = parse_period(code, now)
        except RuleError:
            choice.errors.append(_period_message(code, now))
    if choice.period is not None:
        _fill(choice, choice.period)
    if choice.pack and choice.pack not in {a.pack.code for a in active_packs()}:
        choice.errors.append(_("未知的行业：%(pack)s") % {"pack": choice.pack})
        choice.pack = ""
    if choice.by and choice.by not in REPORT_DIMENSIONS:
        choice.errors.append(_("未知的统计维度：%(by)s") % {"by": choice.by})
        choice.by = ""
    return choice


def _period_message(code: str, now: datetime) -> str:
    today = now.astimezone(SHANGHAI).date()
    try:
        first = parse_period(code, datetime.max.replace(tzinfo=SHANGHAI)).first_day
    except RuleError:
        return _("无法识别的统计期间：%(p)s。请按月份、季度或日期范围选择。") % {"p": code}
    if first.year < FIRST_YEAR:
        return _("统计期间不能早于 %(y)s 年。") % {"y": FIRST_YEAR}
    if first > today:
        return _("所选期间尚未开始（今天是 %(d)s），还没有统计数据。") % {"d": today.isoformat()}
    return _("无法识别的统计期间：%(p)s。请按月份、季度或日期范围选择。") % {"p": code}


def _fill(choice: Choice, period: Period) -> None:
    """Show the chosen period in the form fields."""
    choice.kind = period.kind if period.kind in ("quarter", "range") else "month"
    if period.kind == "month":
        choice.month = period.code
    elif period.kind == "quarter":
        choice.quarter = period.code
    else:
        choice.start, choice.end = period.first_day.isoformat(), period.last_day.isoformat()


def _quarters(now: datetime) -> list[str]:
    today = now.astimezone(SHANGHAI).date()
    y, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _i in range(QUARTERS_OFFERED):
        out.append(f"{y}-Q{q}")
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return out


def fmt(code: str, value: float | None) -> str:
    if value is None:
        return "—"
    if code.endswith("_hours"):
        return f"{value:.2f}"
    return f"{value * 100:.1f}%"


def _change(now: int, before: int) -> str:
    if not before:
        return "—"
    return f"{(now - before) / before * 100:+.1f}%"


def _table(dim: dict[str, Any]) -> dict[str, Any]:
    rows = [
        {
            "name": r["name"],
            "count": r["count"],
            "previous": r["previous"]["count"],
            "change": _change(r["count"], r["previous"]["count"]),
            "cells": [
                (fmt(c, r["indicators"][c]), fmt(c, r["previous"]["indicators"][c]))
                for c in ROW_INDICATORS
            ],
        }
        for r in dim["rows"]
    ]
    top = dim["rows"][:CHART_BARS]
    chart = {
        "id": f"chart-{dim['by']}",
        "names": [r["name"] for r in top],
        "now": [r["count"] for r in top],
        "before": [r["previous"]["count"] for r in top],
    }
    return {"by": dim["by"], "title": _(dim["title"]), "rows": rows, "chart": chart}


def _totals(data: dict[str, Any]) -> list[dict[str, str]]:
    totals = data["totals"]
    return [
        {
            "name": _(INDICATORS[c]),
            "now": fmt(c, totals["indicators"][c]),
            "before": fmt(c, totals["previous"]["indicators"][c]),
        }
        for c in data["indicators"]
    ]


def alert_rows(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The warnings with the name of their dimension (a place has none in the tables)."""
    return [
        {**a, "dimension_name": _(DIMENSION_TITLES.get(a["dimension"], "地点"))} for a in alerts
    ]


@roles_view(REPORT_ROLES)
def reports(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    choice = read_choice(request.GET, now)
    context: dict[str, Any] = {
        "choice": choice,
        "packs": [a.pack for a in active_packs()],
        "quarters": _quarters(now),
        "dimensions": [(code, _(DIMENSIONS[code].title)) for code in REPORT_DIMENSIONS],
        "row_indicators": [_(INDICATORS[c]) for c in ROW_INDICATORS],
    }
    if choice.period is not None and not choice.errors:
        scope = make_scope(now, request.user, choice.pack)  # type: ignore[arg-type]
        dims = (choice.by,) if choice.by else REPORT_DIMENSIONS
        data = report.tables(scope, choice.period, dims, cached=True)
        tables = [_table(d) for d in data["dimensions"]]
        context.update(
            {
                "data": data,
                "totals": _totals(data),
                "tables": tables,
                "alerts": alert_rows(warnings.detect(scope, choice.period)["alerts"]),
                "charts": {
                    "now": _("本期"),
                    "before": _("上期"),
                    "dims": [t["chart"] for t in tables],
                },
                "query": choice.query(),
            }
        )
    return render(
        request, "console/reports/page.html", context, status=400 if choice.errors else 200
    )


@roles_view(REPORT_ROLES)
def download(request: HttpRequest) -> HttpResponse:
    """The period's file: ``file`` analysis (xlsx/pdf), brief (pdf) or regulator (xlsx)."""
    now = timezone.now()
    choice = read_choice(request.GET, now)
    kind, fmt_code = request.GET.get("file", "analysis"), request.GET.get("format", "xlsx")
    if kind not in KINDS or fmt_code not in KINDS[kind]:
        choice.errors.append(_("不支持的下载格式。"))
    if choice.errors or choice.period is None:
        context = {"choice": choice, "packs": [a.pack for a in active_packs()]}
        context.update({"quarters": _quarters(now), "dimensions": [], "row_indicators": []})
        return render(request, "console/reports/page.html", context, status=400)
    scope = make_scope(now, request.user, choice.pack)  # type: ignore[arg-type]
    found = render_file(scope, choice.period, fmt_code, kind, cached=True)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response


__all__ = ["download", "read_choice", "reports"]
