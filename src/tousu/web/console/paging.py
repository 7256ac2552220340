"""Paged lists on the console (queues, the personal data log): the page asked for, and what
the page's links need."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tousu.cases.queries import Page

LAST_PAGE = 10_000  # a page number beyond this is a typo or a probe: show the first


def page_number(request: HttpRequest) -> int:
    text = request.GET.get("page", "1")
    return int(text) if text.isdigit() and 0 < int(text) < LAST_PAGE else 1


def page_links(request: HttpRequest, page: Page[Any]) -> dict[str, Any]:
    """``query``: the request's filters without the page, for the links; ``has_next``: whether
    a next page exists (a capped count may say there are more)."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "query": query.urlencode(),
        "has_next": page.page * page.page_size < page.count or not page.count_exact,
    }
