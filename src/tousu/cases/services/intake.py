"""Intake (受理): a new contact becomes a case, or urges the open case it is about."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from tousu.cases import clocks, search
from tousu.cases.models import (
    CHANNELS,
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_SHORT_TEXT,
    Case,
    Customer,
    IdempotencyKey,
)
from tousu.cases.numbering import next_case_number
from tousu.cases.services.common import Actor, record, resolve_now, unit_by_code
from tousu.cases.services.grading import apply_upgrades
from tousu.packs.registry import ActivePack, active_pack
from tousu.packs.schema import Pack
from tousu.rules.errors import Conflict, ErrorCode, FieldError, RuleError, ValidationFailed
from tousu.rules.lifecycle import ACTIVE, Status

FACT_KEYS = ("economic_loss", "injury", "media", "regulator", "lawsuit", "complainant_count")


@dataclass
class CustomerData:
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    household: str = ""
    id_number: str = ""


@dataclass
class IntakeData:
    pack: str
    channel: str
    request_type: str
    description: str
    customer: CustomerData
    category: str = ""
    severity: str = ""
    demand: str = ""
    location: str = ""
    occurred_at: datetime | None = None
    received_at: datetime | None = None
    complained_unit: str = ""
    complained_person: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    walk_in_confirmed: bool = False
    repeat_of: str = ""
    dissatisfaction_reason: str = ""
    script: dict[str, Any] | None = None


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    created: bool  # False: the contact urged an open case, or replayed an idempotency key


def _check(data: IntakeData, pack: Pack) -> list[FieldError]:
    errors: list[FieldError] = []

    def bad(name: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        errors.append(FieldError(name, code, message))

    if data.channel not in CHANNELS:
        bad(
            "channel",
            f"unknown channel '{data.channel}'; one of {', '.join(CHANNELS)}",
            ErrorCode.UNKNOWN,
        )
    if data.request_type not in pack.request_types:
        bad(
            "request_type",
            f"request type '{data.request_type}' is not used by pack "
            f"'{pack.code}'; one of {', '.join(pack.request_types)}",
            ErrorCode.UNKNOWN,
        )
    if data.category and pack.category(data.category) is None:
        bad(
            "category",
            f"unknown category '{data.category}' in pack '{pack.code}'",
            ErrorCode.UNKNOWN,
        )
    if data.severity and pack.severity(data.severity) is None:
        bad(
            "severity",
            f"unknown severity '{data.severity}' in pack '{pack.code}'",
            ErrorCode.UNKNOWN,
        )
    for name, value, limit in (
        ("description", data.description, MAX_DESCRIPTION),
        ("demand", data.demand, MAX_NOTE),
        ("location", data.location, MAX_SHORT_TEXT),
        ("complained_person", data.complained_person, MAX_SHORT_TEXT),
    ):
        if len(value or "") > limit:
            bad(name, f"{name} is longer than {limit} characters")
    if not (data.description or "").strip():
        bad("description", "description is required")
    if not (data.customer.phone or data.customer.email or data.customer.address):
        bad("customer.phone", "a way to reach the customer is required: phone, email or address")
    for key, value in asdict(data.customer).items():
        if len(value or "") > MAX_SHORT_TEXT:
            bad(f"customer.{key}", f"customer.{key} is longer than {MAX_SHORT_TEXT} characters")
    if data.occurred_at and data.received_at and data.occurred_at > data.received_at:
        bad("occurred_at", "occurred_at is after received_at")
    return errors


def _severity_of(data: IntakeData, pack: Pack) -> tuple[str, int]:
    code = data.severity or pack.default_severity
    sev = pack.severity(code)
    assert sev is not None  # checked above, and default_severity is validated by the loader
    return sev.code, sev.rank


def _customer(data: CustomerData) -> Customer:
    return Customer.objects.create(**{k: (v or "").strip() for k, v in asdict(data).items()})


def _body_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def intake_case(
    *,
    actor: Actor,
    data: IntakeData,
    now: datetime | None = None,
    idempotency_key: str = "",
    raw_payload: dict[str, Any] | None = None,
) -> IntakeResult:
    """Register a contact (SPEC §3 Intake). With ``repeat_of`` naming an open case, the contact
    urges that case instead; naming a finished case, the new case is linked to it."""
    now = resolve_now(now)
    active = active_pack(data.pack)
    errors = _check(data, active.pack)
    if errors:
        raise ValidationFailed(
            "the case was not registered: " + "; ".join(e.message for e in errors), errors
        )
    body_hash = _body_hash(raw_payload if raw_payload is not None else asdict(data))
    try:
        with transaction.atomic():
            if idempotency_key and actor.user:
                replay = _replayed(actor, idempotency_key, body_hash)
                if replay is not None:
                    return IntakeResult(replay, created=False)
            result = _register(actor, data, active, now)
            if idempotency_key and actor.user and result.created:
                IdempotencyKey.objects.create(
                    key=idempotency_key, user=actor.user, body_hash=body_hash, case=result.case
                )
            return result
    except IntegrityError:
        # another request with the same key won the race; answer with its case
        if idempotency_key and actor.user:
            replay = _replayed(actor, idempotency_key, body_hash)
            if replay is not None:
                return IntakeResult(replay, created=False)
        raise


def _replayed(actor: Actor, key: str, body_hash: str) -> Case | None:
    row = IdempotencyKey.objects.filter(user=actor.user, key=key).select_related("case").first()
    if row is None:
        return None
    if row.body_hash != body_hash:
        raise Conflict(f"Idempotency-Key '{key}' was already used with a different request body")
    return row.case


def _register(actor: Actor, data: IntakeData, active: ActivePack, now: datetime) -> IntakeResult:
    from tousu.cases.services.actions import urge_case  # urge lives with the other actions

    previous = None
    if data.repeat_of:
        previous = Case.objects.filter(number=data.repeat_of).first()
        if previous is None:
            raise ValidationFailed.one(
                "repeat_of", f"no case numbered '{data.repeat_of}'", ErrorCode.UNKNOWN
            )
        if Status(previous.status) in ACTIVE:
            case = urge_case(actor=actor, number=previous.number, note=data.description, now=now)
            return IntakeResult(case, created=False)
        if not data.dissatisfaction_reason.strip():
            raise ValidationFailed.one(
                "dissatisfaction_reason",
                "a new contact about a finished case must say why the customer is dissatisfied",
            )
    case = _new_case(actor, data, active, now, previous)
    return IntakeResult(case, created=True)


def _new_case(
    actor: Actor, data: IntakeData, active: ActivePack, now: datetime, previous: Case | None
) -> Case:
    pack = active.pack
    complained = (
        unit_by_code(data.complained_unit, "complained_unit") if data.complained_unit else None
    )
    severity, rank = _severity_of(data, pack)
    customer = _customer(data.customer)
    number = next_case_number(now)
    case = Case(
        number=number,
        pack=pack.code,
        pack_version=active.version,
        status=Status.REGISTERED.value,
        channel=data.channel,
        request_type=data.request_type,
        category=data.category,
        severity=severity,
        severity_rank=rank,
        customer=customer,
        description=data.description.strip(),
        demand=data.demand.strip(),
        occurred_at=data.occurred_at,
        received_at=data.received_at or now,
        location=data.location.strip(),
        complained_unit=complained,
        complained_person=data.complained_person.strip(),
        first_owner=actor.user,
        intake_unit_id=actor.unit_id,
        facts={k: v for k, v in data.facts.items() if v is not None},
        references=data.references,
        walk_in_confirmed=data.walk_in_confirmed,
        script=data.script,
        repeat_of=previous,
        created_at=now,
        updated_at=now,
        escalation_level=pack.escalation_levels[0].code if pack.escalation_levels else "",
    )
    case.search_text = search.search_text_for(
        number, customer.name, case.description, case.location
    )
    clocks.refresh_due(case, pack, now)
    case.save()
    record(
        case,
        "case.registered",
        actor,
        now,
        after={"status": case.status},
        data={
            "channel": case.channel,
            "request_type": case.request_type,
            "pack_version": active.version.version,
            **(
                {
                    "repeat_of": previous.number,
                    "dissatisfaction_reason": data.dissatisfaction_reason.strip(),
                }
                if previous
                else {}
            ),
        },
    )
    apply_upgrades(case, actor, now, trigger="intake")
    return case


__all__ = ["FACT_KEYS", "CustomerData", "IntakeData", "IntakeResult", "RuleError", "intake_case"]
