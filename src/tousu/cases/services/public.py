"""What a customer does without a staff login: the portal and the public API call these.

``submit`` registers a complaint, report or suggestion through the ordinary intake service
(channel ``web``, actor ``CUSTOMER``), with its files, in one transaction: a bad field or a
bad file stores nothing. The other functions first prove the caller knows the case: its
number together with the phone used at intake, or the private follow-up code of an
anonymous report. A wrong pair is refused exactly like an unknown number (``NotFound`` with
``NOT_FOUND_MESSAGE``), so the answers reveal nothing about which numbers exist.

Then they call the same lifecycle services as the staff: ``customer_accept`` /
``customer_reject`` (confirm a proposal), ``follow_up_case`` (the satisfaction rating after
the reply) and ``appeal_case`` (复核 within the pack's window).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import transaction

from tousu.cases.attachments import check_files, store_attachment
from tousu.cases.models import Case
from tousu.cases.services.actions import appeal_case, follow_up_case
from tousu.cases.services.common import CUSTOMER, pack_for, resolve_now, state_of
from tousu.cases.services.handling import customer_accept, customer_reject
from tousu.cases.services.intake import CustomerData, IntakeData, intake_case
from tousu.cases.services.receiving import receiving_unit
from tousu.packs.registry import active_pack
from tousu.rules import lifecycle
from tousu.rules import public as rules
from tousu.rules.errors import IllegalAction, NotFound, ValidationFailed
from tousu.rules.lifecycle import Action

NOT_FOUND_MESSAGE = "no case matches this number together with this phone number or code"

# The customer's actions, by their public API name, and the lifecycle action behind each.
CUSTOMER_ACTIONS = {
    "confirm": Action.CUSTOMER_ACCEPT,
    "satisfaction": Action.FOLLOW_UP,
    "appeal": Action.APPEAL,
}


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    content_type: str = ""


@dataclass
class Submission:
    pack: str
    request_type: str
    description: str
    category: str = ""
    occurred_at: datetime | None = None
    location: str = ""
    demand: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = False
    files: list[Upload] = field(default_factory=list)


@dataclass(frozen=True)
class Submitted:
    case: Case
    follow_up_code: str  # shown once to an anonymous reporter; "" otherwise


def _intake_data(sub: Submission) -> IntakeData:
    if sub.anonymous:
        customer = CustomerData()
        facts = rules.anonymous_facts(location=sub.location, has_files=bool(sub.files))
    else:
        customer = CustomerData(name=sub.name, phone=sub.phone.strip(), email=sub.email)
        facts = {}
    return IntakeData(
        pack=sub.pack,
        channel="web",
        request_type=sub.request_type,
        description=sub.description,
        customer=customer,
        category=sub.category,
        demand=sub.demand,
        location=sub.location,
        occurred_at=sub.occurred_at,
        facts=facts,
    )


def submit(*, submission: Submission, now: datetime | None = None) -> Submitted:
    """Register the customer's submission; ValidationFailed names every bad field."""
    now = resolve_now(now)
    pack = active_pack(submission.pack).pack
    errors = rules.submission_errors(
        request_type=submission.request_type,
        pack_types=pack.request_types,
        anonymous=submission.anonymous,
        phone=submission.phone,
    )
    if errors:
        raise ValidationFailed(
            "the submission was not registered: " + "; ".join(e.message for e in errors), errors
        )
    if submission.occurred_at and submission.occurred_at > now:
        raise ValidationFailed.one("occurred_at", "occurred_at is in the future")
    check_files((f.name, f.content) for f in submission.files)
    code = rules.new_code(secrets.choice) if submission.anonymous else ""
    with transaction.atomic():
        case = intake_case(actor=CUSTOMER, data=_intake_data(submission), now=now).case
        case.follow_up_code_hash = rules.code_hash(code) if code else ""
        case.intake_unit = receiving_unit()
        case.save(update_fields=["follow_up_code_hash", "intake_unit"])
        for index, upload in enumerate(submission.files):
            store_attachment(
                case=case,
                filename=upload.name,
                content=upload.content,
                content_type=upload.content_type,
                source="portal",
                actor=CUSTOMER,
                now=now,
                field=f"attachments[{index}]",
            )
    return Submitted(case, code)


def find_case(number: str, *, phone: str = "", code: str = "", code_hash: str = "") -> Case:
    """The case, if ``phone`` (used at intake) or ``code`` matches; else NotFound, the same
    answer as for a number that does not exist. ``code_hash`` is the code's SHA-256 (the
    portal keeps only that in its session)."""
    if not (phone or "").strip() and not (code or "").strip() and not code_hash:
        raise ValidationFailed.one("phone", "give the phone number used at intake, or the code")
    case = Case.objects.select_related("customer").filter(number=(number or "").strip()).first()
    if case is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    by_phone = bool(phone) and rules.phone_matches(phone, case.customer.phone)
    by_code = bool(code) and rules.code_matches(code, case.follow_up_code_hash)
    by_hash = bool(code_hash) and rules.hash_matches(code_hash, case.follow_up_code_hash)
    if not (by_phone or by_code or by_hash):
        raise NotFound(NOT_FOUND_MESSAGE)
    return case


def available_actions(case: Case, now: datetime) -> list[str]:
    """What the customer may do now, by public name (the lifecycle table decides)."""
    pack = pack_for(case)
    state = state_of(case, pack, now=now)
    out = []
    for name, action in CUSTOMER_ACTIONS.items():
        probe = replace(state, satisfied=True) if action == Action.FOLLOW_UP else state
        if lifecycle.find_transition(probe, action) is not None:
            out.append(name)
    return out


def _as_customer_refusal(exc: IllegalAction, case: Case, name: str, now: datetime) -> IllegalAction:
    """The lifecycle's refusal, with the allowed list in the customer's vocabulary."""
    case.refresh_from_db()
    return IllegalAction(
        action=name,
        status=exc.status,
        allowed=available_actions(case, now),
        why=f"'{name}' is not possible now: {exc.why.split(': ', 1)[-1]}",
    )


def confirm(
    *,
    number: str,
    phone: str = "",
    code: str = "",
    code_hash: str = "",
    accept: bool,
    reason: str = "",
    now: datetime | None = None,
) -> Case:
    """The customer accepts the proposed solution, or rejects it with a reason."""
    now = resolve_now(now)
    case = find_case(number, phone=phone, code=code, code_hash=code_hash)
    try:
        if accept:
            return customer_accept(actor=CUSTOMER, number=case.number, note=reason, now=now)
        return customer_reject(actor=CUSTOMER, number=case.number, reason=reason, now=now)
    except IllegalAction as exc:
        raise _as_customer_refusal(exc, case, "confirm", now) from exc


def rate(
    *,
    number: str,
    phone: str = "",
    code: str = "",
    code_hash: str = "",
    satisfaction: str,
    comment: str = "",
    now: datetime | None = None,
) -> Case:
    """The customer's satisfaction after the reply: the follow-up (回访) answered online."""
    now = resolve_now(now)
    case = find_case(number, phone=phone, code=code, code_hash=code_hash)
    try:
        return follow_up_case(
            actor=CUSTOMER, number=case.number, satisfaction=satisfaction, comment=comment, now=now
        )
    except IllegalAction as exc:
        raise _as_customer_refusal(exc, case, "satisfaction", now) from exc


def appeal(
    *,
    number: str,
    phone: str = "",
    code: str = "",
    code_hash: str = "",
    reason: str,
    now: datetime | None = None,
) -> Case:
    """复核: within the pack's appeal window after the reply, with a reason."""
    now = resolve_now(now)
    case = find_case(number, phone=phone, code=code, code_hash=code_hash)
    try:
        return appeal_case(actor=CUSTOMER, number=case.number, reason=reason, now=now)
    except IllegalAction as exc:
        raise _as_customer_refusal(exc, case, "appeal", now) from exc


__all__ = [
    "CUSTOMER_ACTIONS",
    "NOT_FOUND_MESSAGE",
    "Submission",
    "Submitted",
    "Upload",
    "appeal",
    "available_actions",
    "confirm",
    "find_case",
    "rate",
    "submit",
]
