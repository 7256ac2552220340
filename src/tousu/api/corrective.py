"""Corrective and preventive actions of a case (纠正预防措施, SPEC §7):
``GET/POST /cases/{number}/corrective-actions`` and
``POST /cases/{number}/corrective-actions/{id}/verify``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from tousu.api.auth import current_user
from tousu.api.errors import ERROR_RESPONSES
from tousu.api.schemas import StrictIn
from tousu.cases.services import Actor
from tousu.reports import corrective

router = Router(tags=["corrective actions"])


class ActionIn(StrictIn):
    kind: Literal["corrective", "preventive"]
    measure: Annotated[str, Field(max_length=2000, description="what will be done")]
    owner: Annotated[str, Field(max_length=150, description="username of the person responsible")]
    due_on: Annotated[str, Field(max_length=10, description="YYYY-MM-DD, not in the past")]


class VerifyIn(StrictIn):
    effective: bool
    note: Annotated[str, Field(max_length=2000)] = ""


@router.get(
    "/{number}/corrective-actions",
    response={200: list[dict[str, Any]], **ERROR_RESPONSES},
    summary="The corrective and preventive actions of a case",
)
def list_actions(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    return [corrective.as_json(a) for a in corrective.list_actions(current_user(request), number)]


@router.post(
    "/{number}/corrective-actions",
    response={201: dict[str, Any], **ERROR_RESPONSES},
    summary="Record a corrective or preventive action: measure, owner, due date",
)
def add_action(request: HttpRequest, number: str, payload: ActionIn) -> Status:
    action = corrective.add_action(
        number,
        Actor(current_user(request)),
        kind=payload.kind,
        measure=payload.measure,
        owner=payload.owner,
        due_on=payload.due_on,
    )
    return Status(201, corrective.as_json(action))


@router.post(
    "/{number}/corrective-actions/{action_id}/verify",
    response={200: dict[str, Any], **ERROR_RESPONSES},
    summary="Record whether the action worked (from the month after its due date)",
)
def verify(request: HttpRequest, number: str, action_id: int, payload: VerifyIn) -> dict[str, Any]:
    action = corrective.verify_action(
        number,
        action_id,
        Actor(current_user(request)),
        effective=payload.effective,
        note=payload.note,
    )
    return corrective.as_json(action)
