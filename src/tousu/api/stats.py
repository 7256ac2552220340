"""Statistics endpoints (SPEC §9, §10): ``GET /stats``, ``/stats/brief``, ``/stats/warnings``,
``/stats/regulator`` and ``/stats/export`` (the report as an xlsx, PDF or JSON download).

Every figure counts only the cases the caller may see (``visible_cases``). A bad period,
dimension, pack or indicator is a 422 naming the field; a period without cases is a valid,
empty result. The formulas are in docs/reports.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from tousu.api.auth import current_user
from tousu.api.errors import ERROR_RESPONSES
from tousu.api.schemas import StrictIn, reject_unknown_params
from tousu.reports import brief, regulator, warnings
from tousu.reports.periods import Period, last_month, parse_period
from tousu.reports.render import render
from tousu.reports.stats import Scope, make_scope, pick_indicators, statistics

router = Router(tags=["statistics"])

PeriodText = Annotated[
    str,
    Field(
        max_length=40,
        description=(
            "2026-10 (month), 2026-Q3 (quarter), 2026 (year) or 2026-10-01..2026-10-15; "
            "default: last month"
        ),
    ),
]
PackCode = Annotated[str, Field(max_length=40, description="only the cases of this pack")]


class PeriodIn(StrictIn):
    period: PeriodText | None = None
    pack: PackCode | None = None


class StatsIn(PeriodIn):
    by: Annotated[
        str,
        Field(
            max_length=40,
            description=(
                "category, unit, severity, channel, request_type, responsibility_class, validity, "
                "pack, intake_unit, complained_unit or escalation_level"
            ),
        ),
    ] = "category"
    indicators: (
        Annotated[
            str,
            Field(
                max_length=400,
                description=("comma-separated indicator codes to return (default: all)"),
            ),
        ]
        | None
    ) = None


class ExportIn(PeriodIn):
    format: Literal["xlsx", "pdf", "json"] = "xlsx"
    kind: Literal["analysis", "brief", "regulator"] = "analysis"


class PeriodOut(Schema):
    code: str
    kind: str
    label: str
    start: str
    end: str


class PreviousOut(Schema):
    count: int
    indicators: dict[str, float | None]


class TotalsOut(PreviousOut):
    figures: dict[str, int]
    previous: PreviousOut


class StatsRowOut(TotalsOut):
    key: str
    name: str
    pack: str | None = None


class StatsOut(Schema):
    period: str
    previous_period: str
    range: PeriodOut
    previous_range: PeriodOut
    as_of: str
    pack: str | None
    by: str
    rows: list[StatsRowOut]
    totals: TotalsOut


def _scope(request: HttpRequest, filters: PeriodIn, schema: type[Schema]) -> tuple[Scope, Period]:
    reject_unknown_params(request, schema)
    now = timezone.now()
    period = parse_period(filters.period, now) if filters.period else last_month(now)
    return make_scope(now, current_user(request), filters.pack or ""), period


@router.get(
    "",
    response={200: StatsOut, **ERROR_RESPONSES},
    summary="Counts and indicators of a period by one dimension, with the previous period",
)
def get_stats(request: HttpRequest, filters: Query[StatsIn]) -> dict[str, Any]:
    scope, period = _scope(request, filters, StatsIn)
    chosen = pick_indicators(filters.indicators)
    return statistics(scope, period, filters.by, chosen, cached=True)


@router.get(
    "/brief",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="The quality brief (质量简报) of a period, level by level",
)
def get_brief(request: HttpRequest, filters: Query[PeriodIn]) -> dict[str, Any]:
    scope, period = _scope(request, filters, PeriodIn)
    return brief.build_brief(scope, period)


@router.get(
    "/warnings",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Early warnings (预警): categories, places and units above their baseline",
)
def get_warnings(request: HttpRequest, filters: Query[PeriodIn]) -> dict[str, Any]:
    scope, period = _scope(request, filters, PeriodIn)
    return warnings.detect(scope, period)


@router.get(
    "/regulator",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Regulator-style statistics: counts by category and result, on-time rate",
)
def get_regulator(request: HttpRequest, filters: Query[PeriodIn]) -> dict[str, Any]:
    scope, period = _scope(request, filters, PeriodIn)
    return regulator.build(scope, period)


@router.get(
    "/export",
    response={200: None, **ERROR_RESPONSES},
    summary="Download the report of a period as xlsx, PDF or JSON",
)
def export(request: HttpRequest, filters: Query[ExportIn]) -> HttpResponse:
    scope, period = _scope(request, filters, ExportIn)
    found = render(scope, period, filters.format, filters.kind, cached=True)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response
