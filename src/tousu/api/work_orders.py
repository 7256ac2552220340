"""GET /work-orders: the work orders the user may see (SPEC §10), soonest due first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from pydantic import Field

from tousu.api.auth import current_user
from tousu.api.case_json import local, work_order_json
from tousu.api.errors import ERROR_RESPONSES
from tousu.api.schemas import (
    Out,
    StrictIn,
    WorkOrderOut,
    WorkOrderStatus,
    reject_unknown_params,
)
from tousu.cases import queries
from tousu.cases.models import WorkOrder

router = Router(tags=["work orders"])


class WorkOrderListIn(StrictIn):
    unit: Annotated[str, Field(max_length=40)] | None = Field(None, description="unit code")
    status: WorkOrderStatus | None = None
    overdue: bool | None = Field(None, description="a live order past its next deadline")
    case: Annotated[str, Field(max_length=20)] | None = Field(None, description="case number")
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


class WorkOrderRowOut(WorkOrderOut):
    case: str
    case_status: str
    severity: str
    category: str
    overdue: bool
    next_due_at: datetime | None


class WorkOrderPageOut(Out):
    items: list[WorkOrderRowOut]
    count: int
    count_exact: bool
    page: int
    page_size: int


def _row(order: WorkOrder, now: datetime) -> dict[str, Any]:
    late = (
        order.status in WorkOrder.LIVE and order.next_due_at is not None and order.next_due_at < now
    )
    return {
        **work_order_json(order),
        "case": order.case_number,  # type: ignore[attr-defined]
        "case_status": order.case_status,  # type: ignore[attr-defined]
        "severity": order.case_severity,  # type: ignore[attr-defined]
        "category": order.case_category,  # type: ignore[attr-defined]
        "overdue": late,
        "next_due_at": local(order.next_due_at),
    }


@router.get(
    "",
    response={200: WorkOrderPageOut, **ERROR_RESPONSES},
    summary="List work orders (filters unit, status, overdue)",
)
def list_work_orders(request: HttpRequest, filters: Query[WorkOrderListIn]) -> dict[str, Any]:
    reject_unknown_params(request, WorkOrderListIn)
    user = current_user(request)
    now = timezone.now()
    page = queries.work_order_page(
        user,
        queries.WorkOrderFilters(
            unit=filters.unit or "",
            status=filters.status or "",
            overdue=filters.overdue,
            case=filters.case or "",
        ),
        page=filters.page,
        page_size=filters.page_size,
        now=now,
    )
    return {
        "items": [_row(o, now) for o in page.items],
        "count": page.count,
        "count_exact": page.count_exact,
        "page": page.page,
        "page_size": page.page_size,
    }
