"""Case endpoints: intake, list, detail, and one endpoint per lifecycle action (SPEC §10).

Views validate (schemas), call one service or query, and render; refusals are the services'
typed errors, turned into responses by ``tousu.api.errors``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Query, Router, Status

from tousu.api import schemas as s
from tousu.api.auth import current_user
from tousu.api.case_json import case_full, case_row
from tousu.api.errors import ERROR_RESPONSES
from tousu.cases import queries, services
from tousu.cases.attachments import attachment_for
from tousu.cases.services import Actor
from tousu.cases.services.audit import log_personal_data_views
from tousu.org.models import User
from tousu.rules.errors import ErrorCode, FieldError, Forbidden, NotFound, ValidationFailed
from tousu.rules.lifecycle import Action, Role
from tousu.web.downloads import attachment_response

router = Router(tags=["cases"])

# Roles that register complaints (SPEC §1); auditors read only, handlers work on orders.
INTAKE_ROLES = frozenset(
    {
        Role.AGENT,
        Role.DISPATCHER,
        Role.SUPERVISOR,
        Role.MANAGER,
        Role.ADMIN,
        Role.CRISIS,
        Role.QUALITY,
    }
)

ACTION_INPUTS: dict[Action, type[s.ActionIn]] = {
    Action.TRIAGE: s.TriageIn,
    Action.CLOSE_AT_WINDOW: s.CloseAtWindowIn,
    Action.DISPATCH: s.DispatchIn,
    Action.ACKNOWLEDGE: s.AcknowledgeIn,
    Action.RETURN: s.ReturnIn,
    Action.PROGRESS: s.ProgressIn,
    Action.PROPOSE: s.ProposeIn,
    Action.CUSTOMER_ACCEPT: s.CustomerAcceptIn,
    Action.CUSTOMER_REJECT: s.CustomerRejectIn,
    Action.RESOLVE: s.ResolveIn,
    Action.REPLY: s.ReplyIn,
    Action.FOLLOW_UP: s.FollowUpIn,
    Action.URGE: s.UrgeIn,
    Action.ESCALATE: s.EscalateIn,
    Action.REOPEN: s.ReopenIn,
    Action.APPEAL: s.AppealIn,
    Action.WITHDRAW: s.WithdrawIn,
    Action.MARK_INVALID: s.MarkInvalidIn,
    Action.MERGE: s.MergeIn,
    Action.PAUSE: s.PauseIn,
    Action.RESUME: s.ResumeIn,
    Action.REQUEST_EXTENSION: s.RequestExtensionIn,
    Action.APPROVE_EXTENSION: s.ApproveExtensionIn,
    Action.REJECT_EXTENSION: s.RejectExtensionIn,
}


def _full(request: HttpRequest, user: User, number: str) -> dict[str, Any]:
    now = timezone.now()
    case = queries.case_detail(user, number)
    _log_shown(request, user, [case])
    return case_full(case, user, now)


def _log_shown(request: HttpRequest, user: User, cases: list[Any]) -> None:
    """SPEC §8: personal data a role sees unmasked is logged, case by case (one INSERT)."""
    log_personal_data_views(
        user,
        cases,
        source=f"api {request.method} {request.path}",
        address=request.META.get("REMOTE_ADDR", ""),
    )


# ---------------------------------------------------------------- intake


@router.post(
    "",
    response={200: s.CaseCreatedOut, 201: s.CaseCreatedOut, **ERROR_RESPONSES},
    summary="Register a complaint (or urge the open case it repeats)",
)
def create_case(
    request: HttpRequest,
    payload: s.IntakeIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    """201 with the new case. With ``repeat_of`` naming an open case the contact urges it:
    200 and ``intake_result: "urged"``. With an ``Idempotency-Key`` already used by this user
    with the same body: 201 with the case it created (``intake_result: "replayed"``); with a
    different body: 409."""
    user = current_user(request)
    if user.role_code not in INTAKE_ROLES:
        raise Forbidden(f"role '{user.role}' may not register cases")
    key = (idempotency_key or "").strip()
    if len(key) > 200:
        raise ValidationFailed.one(
            "Idempotency-Key", "Idempotency-Key is longer than 200 characters"
        )
    data = payload.to_intake()
    result = services.intake_case(
        actor=Actor(user),
        data=data,
        idempotency_key=key,
        raw_payload=json.loads(request.body) if key else None,
    )
    if result.created:  # shown from memory: reading the new case back costs as much again
        body = case_full(queries.registered_case(result.case), user, timezone.now())
        return Status(201, {**body, "intake_result": "created"})
    if data.repeat_of and result.case.number == data.repeat_of:
        outcome, status = "urged", 200
    else:
        outcome, status = "replayed", 201
    return Status(status, {**_full(request, user, result.case.number), "intake_result": outcome})


# ---------------------------------------------------------------- reads


@router.get(
    "",
    response={200: s.CasePageOut, **ERROR_RESPONSES},
    summary="List cases: filtered, paginated, soonest due first",
)
def list_cases(request: HttpRequest, filters: Query[s.CaseListIn]) -> dict[str, Any]:
    """``count`` is exact up to 1,000 matching cases; beyond that ``count_exact`` is false
    and ``count`` is 1,000 (read it as "1,000 or more")."""
    s.reject_unknown_params(request, s.CaseListIn)
    user = current_user(request)
    now = timezone.now()
    f = filters
    page = queries.case_page(
        user,
        queries.CaseFilters(
            status=f.status or "",
            severity=f.severity or "",
            category=f.category or "",
            unit=f.unit or "",
            channel=f.channel or "",
            overdue=f.overdue,
            q=f.q or "",
            created_after=f.created_after,
            created_before=f.created_before,
            pack=f.pack or "",
            ordering=f.ordering,
        ),
        page=f.page,
        page_size=f.page_size,
        now=now,
    )
    _log_shown(request, user, page.items)
    return {
        "items": [case_row(c, user, now) for c in page.items],
        "count": page.count,
        "count_exact": page.count_exact,
        "page": page.page,
        "page_size": page.page_size,
    }


@router.get(
    "/{number}",
    response={200: s.CaseOut, **ERROR_RESPONSES},
    summary="One case with its work orders and its history",
)
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    user = current_user(request)
    return _full(request, user, number)


@router.get(
    "/{number}/attachments/{attachment_id}",
    response={200: None, **ERROR_RESPONSES},
    summary="Download one of the case's files",
)
def download_attachment(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """The file with its type (read from the content), ``Content-Disposition: attachment``
    with the original name (RFC 5987 ``filename*`` for Chinese names) and ``nosniff``. The
    same visibility as ``GET /cases/{number}``: another unit's case answers 404."""
    user = current_user(request)
    return attachment_response(attachment_for(user, number, attachment_id))


# ---------------------------------------------------------------- actions


def _expected_version(payload: s.ActionIn, if_match: str | None) -> int | None:
    """``If-Match: 3`` (or ``"3"``, ``W/"3"``) and ``expected_version`` mean the same."""
    header: int | None = None
    if if_match and if_match.strip() != "*":
        text = if_match.strip().removeprefix("W/").strip('"')
        if not text.isdigit():
            raise ValidationFailed.one("If-Match", "If-Match must be the case version number")
        header = int(text)
    body = payload.expected_version
    if header is not None and body is not None and header != body:
        raise ValidationFailed.one("expected_version", "expected_version and If-Match differ")
    return body if body is not None else header


def _service_kwargs(service: Callable[..., Any], payload: s.ActionIn) -> dict[str, Any]:
    """The payload as the service's keyword arguments.

    Every action accepts ``note`` and ``reason`` (SPEC §10); a service that records only one
    of them (or only a ``comment``) receives both texts there, so nothing sent is lost.
    """
    values = payload.model_dump(exclude_none=True, exclude={"note", "reason", "expected_version"})
    if isinstance(payload, s.DispatchIn):
        values["units"] = [*payload.units, *([payload.partner] if payload.partner else [])]
        values.pop("partner", None)
    params = inspect.signature(service).parameters
    texts = {k: v for k, v in (("note", payload.note), ("reason", payload.reason)) if v}
    values.update({name: text for name, text in texts.items() if name in params})
    target = next((p for p in ("reason", "note", "comment") if p in params), None)
    for name, text in texts.items():
        if name not in params and target is not None:
            values[target] = "\n".join(t for t in (values.get(target), text) if t)
    return values


def _run_action(
    request: HttpRequest,
    action: Action,
    number: str,
    payload: s.ActionIn | None,
    if_match: str | None,
) -> dict[str, Any]:
    user = current_user(request)
    body = payload if payload is not None else ACTION_INPUTS[action].model_validate({})
    service = services.ACTIONS[action]
    service(
        actor=Actor(user),
        number=number,
        expected_version=_expected_version(body, if_match),
        **_service_kwargs(service, body),
    )
    return _full(request, user, number)


def _action_view(action: Action, schema: type[s.ActionIn]) -> Callable[..., dict[str, Any]]:
    def view(
        request: HttpRequest, number: str, payload: Any = None, if_match: str | None = None
    ) -> dict[str, Any]:
        return _run_action(request, action, number, payload, if_match)

    # ninja reads the signature: give each action its own body schema (and OpenAPI entry)
    view.__signature__ = inspect.Signature(
        [  # type: ignore[attr-defined]
            inspect.Parameter(
                "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest
            ),
            inspect.Parameter("number", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str),
            inspect.Parameter(
                "payload",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=None,
                annotation=schema | None,
            ),
            inspect.Parameter(
                "if_match",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=Header(None, alias="If-Match"),
                annotation=str | None,
            ),
        ]
    )
    view.__name__ = f"case_action_{action.name.lower()}"
    return view


for _action, _schema in ACTION_INPUTS.items():
    router.add_api_operation(
        f"/{{number}}/actions/{_action.value}",
        ["POST"],
        _action_view(_action, _schema),
        response={200: s.CaseOut, **ERROR_RESPONSES},
        summary=f"Action '{_action.value}'",
        operation_id=f"case_action_{_action.name.lower()}",
    )


@router.post(
    "/{number}/actions/{action}",
    response={200: s.CaseOut, **ERROR_RESPONSES},
    summary="Unknown actions: 404 listing the valid ones",
    include_in_schema=False,
)
def unknown_action(request: HttpRequest, number: str, action: str) -> dict[str, Any]:
    valid = ", ".join(a.value for a in Action)
    message = f"unknown action '{action}'; the actions are: {valid}"
    raise NotFound(message, [FieldError("action", ErrorCode.UNKNOWN, message)])
