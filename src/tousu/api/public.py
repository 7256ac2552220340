"""The customer-facing API (SPEC §10), no staff login: submit, track, confirm, rate, appeal.

``POST /public/cases`` takes ``multipart/form-data`` (or a urlencoded form) so that files can
travel with it (field ``attachments``, repeated); the answers are JSON. A case is read or
answered only with its number plus the phone used at intake, or the anonymous reporter's
follow-up code; a wrong pair gets exactly the 404 an unknown number gets. Every operation is
rate-limited (``tousu.ratelimit``): past the limit, 429 with ``Retry-After``.

The views call ``tousu.cases.services.public``, the same functions as the portal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from tousu import ratelimit
from tousu.api.errors import ERROR_RESPONSES, ErrorOut, error_payload
from tousu.api.schemas import AwareDatetime, Out, StrictIn
from tousu.cases.models import MAX_DESCRIPTION, MAX_NOTE, MAX_SHORT_TEXT, SATISFACTIONS, Case
from tousu.cases.public_queries import CustomerView, customer_view
from tousu.cases.services import public
from tousu.rules.attachments import MAX_ATTACHMENT_BYTES
from tousu.rules.errors import ErrorCode, FieldError, ValidationFailed

router = Router(tags=["public"], auth=None)

RATE_LIMITED = "rate_limited"
PUBLIC_ERRORS: dict[int, type[ErrorOut]] = {**ERROR_RESPONSES, 429: ErrorOut}
Short = Annotated[str, Field(max_length=MAX_SHORT_TEXT)]
Note = Annotated[str, Field(max_length=MAX_NOTE)]


class SubmitIn(StrictIn):
    pack: Annotated[str, Field(max_length=40)]
    request_type: Literal["complaint", "report", "suggestion"]
    description: Annotated[str, Field(min_length=1, max_length=MAX_DESCRIPTION)]
    category: Annotated[str, Field(max_length=60)] = ""
    occurred_at: AwareDatetime | None = None
    location: Short = ""
    demand: Note = ""
    name: Short = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    email: Short = ""
    anonymous: bool = False


class SubmittedOut(Out):
    number: str
    status: str
    received_at: datetime
    follow_up_code: str | None = Field(
        description="anonymous reports only: shown this once, needed to track the case"
    )


class ProofIn(StrictIn):
    phone: Annotated[str, Field(max_length=40)] = ""
    code: Annotated[str, Field(max_length=40)] = ""


class ConfirmIn(ProofIn):
    accept: bool
    reason: Note = ""


class SatisfactionIn(ProofIn):
    satisfaction: Literal[SATISFACTIONS]  # type: ignore[valid-type]
    comment: Note = ""


class AppealIn(ProofIn):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]


class NamedOut(Out):
    code: str
    name: str


class StepOut(Out):
    at: datetime
    step: str
    detail: dict[str, Any]


class ProposalOut(Out):
    round: int
    final: bool
    solutions: list[dict[str, Any]]


class AttachmentOut(Out):
    name: str
    content_type: str
    size: int


class PublicCaseOut(Out):
    number: str
    status: str
    pack: NamedOut
    request_type: NamedOut
    category: NamedOut | None
    received_at: datetime
    description: str
    location: str
    demand: str
    satisfaction: str | None
    proposal: ProposalOut | None
    actions: list[str]
    timeline: list[StepOut]
    attachments: list[AttachmentOut]


def _case_out(view: CustomerView) -> dict[str, Any]:
    case = view.case
    proposal = view.proposal
    return {
        "number": case.number,
        "status": case.status,
        "pack": {"code": case.pack, "name": view.pack_name},
        "request_type": {"code": case.request_type, "name": view.request_type_name},
        "category": {"code": case.category, "name": view.category_name} if case.category else None,
        "received_at": timezone.localtime(case.received_at),
        "description": case.description,
        "location": case.location,
        "demand": case.demand,
        "satisfaction": case.satisfaction or None,
        "proposal": {
            "round": proposal.round,
            "final": proposal.final,
            "solutions": proposal.solutions,
        }
        if proposal
        else None,
        "actions": view.actions,
        "timeline": [
            {"at": timezone.localtime(s.at), "step": s.step, "detail": s.detail} for s in view.steps
        ],
        "attachments": view.attachments,
    }


def _answer(case: Case) -> dict[str, Any]:
    return _case_out(customer_view(case, timezone.now()))


def _reject_unknown_fields(request: HttpRequest) -> None:
    """Form fields are not checked for extra keys by ninja; name each misspelt one."""
    unknown = sorted(k for k in request.POST if k not in SubmitIn.model_fields)
    unknown += sorted(k for k in request.FILES if k != "attachments")
    if unknown:
        raise ValidationFailed(
            "unknown fields: " + ", ".join(unknown),
            [FieldError(k, ErrorCode.UNKNOWN, f"unknown field '{k}'") for k in unknown],
        )


@router.post(
    "/cases",
    response={201: SubmittedOut, **PUBLIC_ERRORS},
    summary="Submit a complaint, report or suggestion (multipart form; files in 'attachments')",
)
def submit_case(
    request: HttpRequest,
    payload: Form[SubmitIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """201 with the case number (and, for an anonymous report, the follow-up code). Files:
    JPEG, PNG, GIF, WebP or PDF, each at most 10 MiB; the type is read from the content.
    Any bad field or file: 422 naming it, and nothing is stored."""
    ratelimit.check_submit(request, "" if payload.anonymous else payload.phone)
    _reject_unknown_fields(request)
    uploads = [
        public.Upload(f.name or "", f.read(MAX_ATTACHMENT_BYTES + 1), f.content_type or "")
        for f in attachments or []
    ]
    done = public.submit(
        submission=public.Submission(**payload.model_dump(), files=uploads),
    )
    case = done.case
    return Status(
        201,
        {
            "number": case.number,
            "status": case.status,
            "received_at": timezone.localtime(case.received_at),
            "follow_up_code": done.follow_up_code or None,
        },
    )


@router.get(
    "/cases/{number}",
    response={200: PublicCaseOut, **PUBLIC_ERRORS},
    summary="Track a case: its number with the phone used at intake, or the follow-up code",
)
def track_case(
    request: HttpRequest, number: str, phone: str = "", code: str = ""
) -> dict[str, Any]:
    ratelimit.check_lookup(request)
    case = public.find_case(number, phone=phone, code=code)
    return _answer(case)


@router.post(
    "/cases/{number}/confirm",
    response={200: PublicCaseOut, **PUBLIC_ERRORS},
    summary="Accept or reject the proposed solution",
)
def confirm_case(request: HttpRequest, number: str, payload: ConfirmIn) -> dict[str, Any]:
    ratelimit.check_lookup(request)
    case = public.confirm(number=number, **payload.model_dump())
    return _answer(case)


@router.post(
    "/cases/{number}/satisfaction",
    response={200: PublicCaseOut, **PUBLIC_ERRORS},
    summary="Rate the handling after the reply (the follow-up, 回访)",
)
def rate_case(request: HttpRequest, number: str, payload: SatisfactionIn) -> dict[str, Any]:
    ratelimit.check_lookup(request)
    case = public.rate(number=number, **payload.model_dump())
    return _answer(case)


@router.post(
    "/cases/{number}/appeal",
    response={200: PublicCaseOut, **PUBLIC_ERRORS},
    summary="Ask for a review (复核) within the pack's window after the reply",
)
def appeal_case(request: HttpRequest, number: str, payload: AppealIn) -> dict[str, Any]:
    ratelimit.check_lookup(request)
    case = public.appeal(number=number, **payload.model_dump())
    return _answer(case)


def rate_limited_response(
    api: Any, request: HttpRequest, exc: ratelimit.RateLimited
) -> HttpResponse:
    response: HttpResponse = api.create_response(
        request, error_payload(RATE_LIMITED, str(exc)), status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def install(api: Any) -> None:
    api.add_exception_handler(ratelimit.RateLimited, lambda r, e: rate_limited_response(api, r, e))
