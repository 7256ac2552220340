"""The dashboard: today's intake, open cases by severity, overdue, the month's on-time and
satisfaction rates, top categories and the daily intake, drawn with ECharts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tousu.org.models import Unit
from tousu.org.permissions import SEE_ALL
from tousu.reports.alerts import panel as alert_panel
from tousu.web.console.access import staff_view
from tousu.web.console.dashboard import dashboard as build


@staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    sees_all = user.role_code in SEE_ALL  # type: ignore[union-attr]
    units = list(Unit.objects.filter(active=True).order_by("code")) if sees_all else []
    unit = request.GET.get("unit", "") if sees_all else ""
    if unit and unit not in {u.code for u in units}:
        unit = ""
    board = build(user, timezone.now(), unit)  # type: ignore[arg-type]
    context = {"board": board, "charts": board.chart_data(), "units": units, "unit": unit,
               "sees_all": sees_all}
    # early warnings (tousu.reports.alerts) are counted over every unit: shown to those who
    # see every unit
    context["alerts"] = alert_panel(timezone.now()) if sees_all else None
    return render(request, "console/dashboard.html", context)
