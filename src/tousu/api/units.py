"""GET /units: the organisation's units (SPEC §10)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from tousu.api.errors import ERROR_RESPONSES
from tousu.api.schemas import Out
from tousu.org.models import Unit
from tousu.rules.office_hours import as_text

router = Router(tags=["units"])


class UnitOut(Out):
    code: str
    name: str
    kind: str
    parent: str | None
    routing_keys: list[str]
    office_hours: list[str] | None  # the unit's own ("09:00-18:00"); null: the pack's apply


@router.get(
    "", response={200: list[UnitOut], **ERROR_RESPONSES}, summary="The organisation's active units"
)
def list_units(request: HttpRequest) -> list[dict[str, object]]:
    rows = Unit.objects.filter(active=True).select_related("parent").order_by("code")
    return [
        {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "parent": u.parent.code if u.parent_id else None,
            "routing_keys": list(u.routing_keys or []),
            "office_hours": as_text(hours) if (hours := u.parsed_office_hours) else None,
        }
        for u in rows
    ]
