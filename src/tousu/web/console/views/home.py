"""The role-aware home page: the user's queues as tiles with counts, and the first queue's
most urgent cases."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tousu.cases import queries
from tousu.web.console import queues
from tousu.web.console.access import staff_view

SHOWN = 8  # rows of the first queue on the home page


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    mine = queues.queues_for(user)  # type: ignore[arg-type]
    tiles = [(q, queues.queue_count(user, q, now)) for q in mine]  # type: ignore[arg-type]
    first = mine[0]
    page = queues.queue_page(user, first, queries.CaseFilters(), page=1, now=now)  # type: ignore[arg-type]
    context = {
        "tiles": tiles,
        "cap": queues.COUNT_CAP,
        "first": first,
        "rows": queues.rows(user, page.items[:SHOWN]),  # type: ignore[arg-type]
        "now": now,
    }
    return render(request, "console/home.html", context)
