"""Queue pages: one named queue with filters, full-text search and paging (htmx swaps the
results as the filters change)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tousu.cases import queries
from tousu.org.models import Unit
from tousu.packs.registry import active_packs
from tousu.web.console import queues
from tousu.web.console.access import is_htmx, not_found, staff_view
from tousu.web.console.forms import FilterForm
from tousu.web.console.paging import page_links, page_number


def _start_of(day: date | None, days_after: int = 0) -> datetime | None:
    if day is None:
        return None
    moment = datetime.combine(day + timedelta(days=days_after), time.min)
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _filters(form: FilterForm) -> queries.CaseFilters:
    d = form.cleaned_data if form.is_valid() else {}
    return queries.CaseFilters(
        status=d.get("status") or "",
        severity=d.get("severity") or "",
        category=d.get("category") or "",
        unit=d.get("unit") or "",
        channel=d.get("channel") or "",
        q=d.get("q") or "",
        created_after=_start_of(d.get("created_after")),
        created_before=_start_of(d.get("created_before"), days_after=1),  # the day included
        pack=d.get("pack") or "",
        ordering=d.get("ordering") or "due",
    )


@staff_view
def queue(request: HttpRequest, code: str) -> HttpResponse:
    chosen = queues.QUEUES.get(code)
    if chosen is None:
        return not_found(request, code)
    now = timezone.now()
    units = list(Unit.objects.filter(active=True).order_by("code"))
    form = FilterForm(request.GET or None, packs=active_packs(), units=units)
    page = queues.queue_page(
        request.user,
        chosen,
        _filters(form),
        page=page_number(request),
        now=now,  # type: ignore[arg-type]
    )
    context = {
        "queue": chosen,
        "form": form,
        "page": page,
        "rows": queues.rows(request.user, page.items),  # type: ignore[arg-type]
        **page_links(request, page),
        "now": now,
    }
    template = "console/queue/_results.html" if is_htmx(request) else "console/queue.html"
    return render(request, template, context, status=422 if form.errors else 200)
