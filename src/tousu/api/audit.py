"""GET /audit/personal-data: who was shown which case's personal data unmasked, when and from
where (SPEC §8). Auditors and administrators only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from tousu.api.auth import current_user
from tousu.api.errors import ERROR_RESPONSES
from tousu.api.schemas import Out, reject_unknown_params
from tousu.cases import queries
from tousu.org.permissions import READ_VIEW_LOG
from tousu.rules.errors import Forbidden

router = Router(tags=["audit"])


class AuditIn(Schema):
    model_config = ConfigDict(extra="forbid")

    case: str | None = Field(None, max_length=40, description="case number")
    user: str | None = Field(None, max_length=150, description="username")
    since: datetime | None = None
    until: datetime | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=queries.MAX_PAGE_SIZE)


class DataViewOut(Out):
    at: datetime
    user: str
    case: str
    fields: list[str]
    source: str
    address: str


class DataViewPageOut(Out):
    items: list[DataViewOut]
    count: int
    count_exact: bool
    page: int
    page_size: int


@router.get(
    "/personal-data",
    response={200: DataViewPageOut, **ERROR_RESPONSES},
    summary="Views of unmasked personal data, newest first (auditors, administrators)",
)
def personal_data(request: HttpRequest, filters: Query[AuditIn]) -> dict[str, Any]:
    reject_unknown_params(request, AuditIn)
    user = current_user(request)
    if user.role_code not in READ_VIEW_LOG:
        raise Forbidden(f"role '{user.role}' may not read the personal data log")
    f = filters
    page = queries.personal_data_views(
        queries.AuditFilters(case=f.case or "", user=f.user or "", since=f.since, until=f.until),
        page=f.page,
        page_size=f.page_size,
    )
    return {
        "items": [vars(row) for row in page.items],
        "count": page.count,
        "count_exact": page.count_exact,
        "page": page.page,
        "page_size": page.page_size,
    }
