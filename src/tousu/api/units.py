"""GET /units: the organisation's units (SPEC §10): the active ones, or every one with
``include_stopped=true``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from tousu.api.errors import ERROR_RESPONSES
from tousu.api.schemas import Out, StrictIn, reject_unknown_params
from tousu.org.models import Unit
from tousu.rules.office_hours import as_text

router = Router(tags=["units"])


class UnitListIn(StrictIn):
    include_stopped: bool = Field(False, description="list the stopped units too")


class UnitOut(Out):
    code: str
    name: str
    kind: str
    parent: str | None
    routing_keys: list[str]
    office_hours: list[str] | None  # the unit's own ("09:00-18:00"); null: the pack's apply
    head: str | None = Field(description="username of the person in charge (负责人), or null")
    active: bool = Field(description="false: stopped, no new work orders are sent to it")


@router.get(
    "", response={200: list[UnitOut], **ERROR_RESPONSES}, summary="The organisation's units"
)
def list_units(request: HttpRequest, filters: Query[UnitListIn]) -> list[dict[str, object]]:
    """The active units by code; with ``include_stopped=true`` the stopped ones too."""
    reject_unknown_params(request, UnitListIn)
    rows = Unit.objects.select_related("parent", "head").order_by("code")
    if not filters.include_stopped:
        rows = rows.filter(active=True)
    return [
        {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "parent": u.parent.code if u.parent_id else None,
            "routing_keys": list(u.routing_keys or []),
            "office_hours": as_text(hours) if (hours := u.parsed_office_hours) else None,
            "head": u.head.username if u.head_id else None,  # type: ignore[union-attr]
            "active": u.active,
        }
        for u in rows
    ]
