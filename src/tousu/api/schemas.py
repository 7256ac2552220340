"""Input and output schemas of the case API: one Input/Output pair per operation.

Inputs forbid unknown fields, so a misspelt field is reported instead of silently ignored.
Field names follow SPEC §10 exactly; they are a public contract.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tousu.cases.models import (
    CHANNELS,
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_SHORT_TEXT,
    REQUEST_TYPES,
    RESPONSIBILITY_CLASSES,
    SATISFACTIONS,
    SOLUTION_KINDS,
    WorkOrder,
)
from tousu.cases.services import CustomerData, IntakeData
from tousu.rules.errors import ErrorCode, FieldError, ValidationFailed
from tousu.rules.lifecycle import Status


def _aware(value: datetime) -> datetime:
    """A time without an offset is read as local time (Asia/Shanghai by default)."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
RequestType = Literal[REQUEST_TYPES]  # type: ignore[valid-type]
StatusCode = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]
WorkOrderStatus = Literal[tuple(WorkOrder.State.values)]  # type: ignore[valid-type]
Note = Annotated[str, Field(max_length=MAX_NOTE)]
Short = Annotated[str, Field(max_length=MAX_SHORT_TEXT)]
Code = Annotated[str, Field(max_length=60)]


class StrictIn(BaseModel):
    """Base of the input schemas: plain pydantic models, like ``Out`` (ninja's Schema runs
    every value of a request body through its ORM attribute getter first, ~5 % of an intake's
    CPU), forbidding unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """Base of the output schemas: plain pydantic models validating the dicts the views build
    (ninja's Schema would wrap every nested object in an ORM attribute getter, which costs
    more than the database work on a list page)."""


def reject_unknown_params(request: HttpRequest, schema: type[BaseModel]) -> None:
    """Query strings are not validated for extra keys by ninja; a misspelt filter would
    silently list everything, so name each unknown parameter instead."""
    known = set(schema.model_fields)
    unknown = sorted(k for k in request.GET if k not in known)
    if unknown:
        raise ValidationFailed(
            "unknown query parameters: " + ", ".join(unknown),
            [FieldError(k, ErrorCode.UNKNOWN, f"unknown field '{k}'") for k in unknown],
        )


# ---------------------------------------------------------------- intake (POST /cases)


class CustomerIn(StrictIn):
    name: Short = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    email: Short = ""
    address: Short = ""
    household: Short = ""
    id_number: Annotated[str, Field(max_length=40)] = ""


class FactsIn(BaseModel):
    """Facts the grading rules read; packs may use further facts, so extra keys are kept."""

    model_config = ConfigDict(extra="allow")

    economic_loss: Annotated[int | float, Field(ge=0)] | None = None
    injury: bool | None = None
    media: bool | None = None
    regulator: bool | None = None
    lawsuit: bool | None = None
    complainant_count: Annotated[int, Field(ge=1)] | None = None


class ReferencesIn(StrictIn):
    phone: Annotated[str, Field(max_length=40)] = ""
    account: Short = ""
    order: Short = ""
    room: Short = ""


class ScriptIn(StrictIn):
    code: Code
    answers: dict[str, bool | str] = {}


class IntakeIn(StrictIn):
    pack: Annotated[str, Field(min_length=1, max_length=40)]
    channel: Channel
    request_type: RequestType
    category: Code | None = None
    severity: Code | None = None
    description: Annotated[str, Field(min_length=1, max_length=MAX_DESCRIPTION)]
    demand: Note | None = None
    location: Short | None = None
    occurred_at: AwareDatetime | None = None
    received_at: AwareDatetime | None = None
    complained_unit: Annotated[str, Field(max_length=40)] | None = None
    complained_person: Short | None = None
    customer: CustomerIn
    facts: FactsIn = Field(default_factory=FactsIn)
    references: ReferencesIn = Field(default_factory=ReferencesIn)
    walk_in_confirmed: bool = False
    repeat_of: Annotated[str, Field(max_length=20)] | None = None
    dissatisfaction_reason: Note | None = None
    script: ScriptIn | None = None

    def to_intake(self) -> IntakeData:
        return IntakeData(
            pack=self.pack,
            channel=self.channel,
            request_type=self.request_type,
            description=self.description,
            customer=CustomerData(**self.customer.model_dump()),
            category=self.category or "",
            severity=self.severity or "",
            demand=self.demand or "",
            location=self.location or "",
            occurred_at=self.occurred_at,
            received_at=self.received_at,
            complained_unit=self.complained_unit or "",
            complained_person=self.complained_person or "",
            facts=self.facts.model_dump(exclude_none=True),
            references={k: v for k, v in self.references.model_dump().items() if v},
            walk_in_confirmed=self.walk_in_confirmed,
            repeat_of=self.repeat_of or "",
            dissatisfaction_reason=self.dissatisfaction_reason or "",
            script=self.script.model_dump() if self.script else None,
        )


# ---------------------------------------------------------------- list (GET /cases)


class CaseListIn(StrictIn):
    status: StatusCode | None = None
    severity: Code | None = None
    category: Code | None = Field(None, description="a category code; its sub-categories match too")
    unit: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="cases with a work order for this unit (code)"
    )
    channel: Channel | None = None
    overdue: bool | None = None
    q: Annotated[str, Field(max_length=200)] | None = Field(None, description="Chinese full text")
    created_after: AwareDatetime | None = None
    created_before: AwareDatetime | None = None
    pack: Annotated[str, Field(max_length=40)] | None = None
    ordering: Literal["due", "created_at", "-created_at"] = Field(
        "due", description="due: next due time first (none last), then number"
    )
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


# ---------------------------------------------------------------- case output


class LadderStepOut(Out):
    code: str
    name: str
    rank: int


class CustomerOut(Out):
    name: str
    phone: str
    email: str
    address: str
    household: str


class DueOut(Out):
    acknowledge: datetime | None
    resolve: datetime | None
    reply: datetime | None
    follow_up: datetime | None
    statutory_reply: datetime | None


class IncidentOut(Out):
    id: int
    title: str
    size: int


class WorkOrderDueOut(Out):
    acknowledge: datetime | None
    resolve: datetime | None


class WorkOrderOut(Out):
    id: int
    unit: str
    unit_name: str
    status: str
    handler: str | None
    issued_at: datetime
    acknowledged_at: datetime | None
    done_at: datetime | None
    returned_at: datetime | None
    return_reason: str
    due: WorkOrderDueOut


class EventOut(Out):
    id: int
    kind: str
    actor: str | None
    at: datetime
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    data: dict[str, Any]


class AttachmentOut(Out):
    """A file of the case (image or PDF); ``content_type`` is read from the content."""

    id: int
    name: str = Field(description="the file name as sent (Chinese kept)")
    content_type: str
    size: int = Field(description="bytes")
    source: str = Field(description="portal, email, staff, import or api")
    created_at: datetime
    download_url: str = Field(description="GET it with the same token: the file itself")


class ProposalOut(Out):
    round: int
    status: str
    final: bool
    solutions: list[dict[str, Any]]
    created_at: datetime


class PauseOut(Out):
    """A time the clocks stood still while the case waited for the customer."""

    started_at: datetime
    ended_at: datetime | None = Field(description="null while the pause lasts")
    reason: str
    by: str | None
    resumed_by: str | None


class ExtensionOut(Out):
    """A request for a later resolve deadline and its decision."""

    requested_at: datetime
    requested_by: str | None
    until: datetime
    reason: str
    approver: str = Field(description="code of the pack's approver position")
    status: Literal["pending", "approved", "rejected"]
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str


class CaseRowOut(Out):
    """One case in a list: the case without history, work orders or free-form data."""

    number: str
    pack: str
    pack_version: str | None
    status: str
    channel: str
    request_type: str
    category: str
    category_name: str | None
    validity: str
    validity_reason: str
    responsibility_class: str
    severity: LadderStepOut | None
    escalation_level: LadderStepOut | None
    customer: CustomerOut
    description: str
    demand: str
    occurred_at: datetime | None
    received_at: datetime
    location: str
    complained_unit: str | None
    complained_person: str
    first_owner: str | None
    repeat_of: str | None
    incident: IncidentOut | None
    urge_count: int
    overdue: bool
    due: DueOut
    next_due_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class CaseOut(CaseRowOut):
    """The whole case: GET /cases/{number} and every action's answer."""

    facts: dict[str, Any]
    references: dict[str, Any]
    walk_in_confirmed: bool
    script: dict[str, Any] | None
    satisfaction: str
    findings: str
    root_cause: str
    replied_at: datetime | None
    closed_at: datetime | None
    allowed_actions: list[str]
    clock_paused: bool = Field(description="the clocks stand still while waiting for the customer")
    paused_total_seconds: int = Field(description="time paused so far, over all pauses")
    extension_until: datetime | None = Field(description="the approved resolve deadline, if any")
    pauses: list[PauseOut]
    extensions: list[ExtensionOut]
    work_orders: list[WorkOrderOut]
    proposals: list[ProposalOut]
    events: list[EventOut]
    attachments: list[AttachmentOut]


class CaseCreatedOut(CaseOut):
    intake_result: Literal["created", "urged", "replayed"] = Field(
        description="created: a new case (201); urged: the contact urged the open case named "
        "by repeat_of (200); replayed: the Idempotency-Key was seen before with the same body, "
        "nothing new was created (201, as the first answer)"
    )


class CasePageOut(Out):
    items: list[CaseRowOut]
    count: int = Field(description="number of matching cases, counted up to 1,000")
    count_exact: bool = Field(
        description="false when more than 1,000 cases match; count is then 1,000"
    )
    page: int
    page_size: int


# ---------------------------------------------------------------- actions


class ActionIn(StrictIn):
    """Fields every action accepts."""

    note: Note | None = None
    reason: Note | None = None
    expected_version: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description="the version you saw; refused with 409 if the case moved on "
        "(the If-Match header does the same)",
    )


class TriageIn(ActionIn):
    category: Code | None = None
    severity: Code | None = None
    validity: Literal["valid", "assist"] | None = Field(
        None, description="use mark-invalid to refuse a case"
    )
    validity_reason: Code | None = None
    responsibility_class: Literal[RESPONSIBILITY_CLASSES] | None = None  # type: ignore[valid-type]
    request_type: RequestType | None = None


class CloseAtWindowIn(ActionIn):
    wording: Note | None = None


class DispatchIn(ActionIn):
    units: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    partner: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="an external partner's unit code (dispatched like a unit)"
    )


class AcknowledgeIn(ActionIn):
    unit: Annotated[str, Field(max_length=40)] | None = None


class ReturnIn(ActionIn):
    unit: Annotated[str, Field(max_length=40)] | None = None
    reason: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]


class ProgressIn(ActionIn):
    note: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]
    unit: Annotated[str, Field(max_length=40)] | None = None


class SolutionIn(StrictIn):
    kind: Literal[SOLUTION_KINDS]  # type: ignore[valid-type]
    description: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]
    amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None


class ProposeIn(ActionIn):
    solutions: list[SolutionIn] = Field(min_length=1, max_length=20)
    final: bool = Field(False, description="a final offer: rejecting it upgrades the case")
    findings: Note | None = None


class CustomerAcceptIn(ActionIn):
    pass


class CustomerRejectIn(ActionIn):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]


class ResolveIn(ActionIn):
    unit: Annotated[str, Field(max_length=40)] | None = None
    findings: Note | None = None
    responsibility_class: Literal[RESPONSIBILITY_CLASSES] | None = None  # type: ignore[valid-type]
    root_cause: Note | None = None


class ReplyIn(ActionIn):
    channel: Channel | None = None
    message: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]


class FollowUpIn(ActionIn):
    satisfaction: Literal[SATISFACTIONS]  # type: ignore[valid-type]
    comment: Note | None = None


class UrgeIn(ActionIn):
    pass


class EscalateIn(ActionIn):
    to: Code | None = None
    reason: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]


class ReasonRequiredIn(ActionIn):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]


class ReopenIn(ReasonRequiredIn):
    pass


class AppealIn(ReasonRequiredIn):
    pass


class WithdrawIn(ReasonRequiredIn):
    pass


class MarkInvalidIn(ActionIn):
    validity_reason: Annotated[str, Field(min_length=1, max_length=60)]


class MergeIn(ActionIn):
    into: Annotated[str, Field(min_length=1, max_length=20)]


class PauseIn(ActionIn):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)] = Field(
        description="what the case waits for from the customer (documents, access, a reply)"
    )


class ResumeIn(ActionIn):
    pass


class RequestExtensionIn(ActionIn):
    until: AwareDatetime = Field(
        description="the resolve deadline asked for, with its offset (e.g. 2026-11-06T18:00+08:00)"
    )
    reason: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]


class ApproveExtensionIn(ActionIn):
    pass


class RejectExtensionIn(ActionIn):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]
