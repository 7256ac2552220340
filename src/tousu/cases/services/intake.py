"""Intake (受理): a new contact becomes a case, or urges the open case it is about."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tousu.cases import bulk_write, clocks, search
from tousu.cases.incidents import find_same_matter, join_incident, place_key
from tousu.cases.models import (
    CHANNELS,
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_SHORT_TEXT,
    Case,
    Customer,
    IdempotencyKey,
)
from tousu.cases.numbering import number_and_id
from tousu.cases.services.common import (
    SYSTEM,
    Actor,
    move,
    record,
    resolve_now,
    state_of,
    unit_by_code,
)
from tousu.cases.services.grading import apply_upgrades
from tousu.org.models import Unit
from tousu.packs.registry import ActivePack, active_pack
from tousu.packs.schema import Pack
from tousu.packs.schema_rules import BOOL_FACTS
from tousu.rules import lifecycle, triage
from tousu.rules.errors import Conflict, ErrorCode, FieldError, RuleError, ValidationFailed
from tousu.rules.lifecycle import ACTIVE, Action, Status
from tousu.rules.scripts import (
    ScriptOutcome,
    answer_errors,
    answer_facts,
    evaluate_script,
    outcome_record,
)
from tousu.rules.validity import Contact, ValidityDecision, assess_validity

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
    # The sender's deadline on a case transferred by a regulator or headquarters: it becomes
    # the statutory reply deadline instead of the pack's limit (tousu.channels.transfers).
    statutory_reply_until: datetime | None = None
    script: dict[str, Any] | None = None
    # The agent's view of whose cause it is (class1..class3); also read from
    # facts["responsibility_class"]. It suggests the validity (docs/rules.md).
    responsibility_class: str = ""


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
    if not _reachable(data):
        bad("customer.phone", "a way to reach the customer is required: phone, email or address")
    for key, value in asdict(data.customer).items():
        if len(value or "") > MAX_SHORT_TEXT:
            bad(f"customer.{key}", f"customer.{key} is longer than {MAX_SHORT_TEXT} characters")
    if data.occurred_at and data.received_at and data.occurred_at > data.received_at:
        bad("occurred_at", "occurred_at is after received_at")
    until, received = data.statutory_reply_until, data.received_at
    if until and timezone.is_naive(until):
        bad("statutory_reply_until", "statutory_reply_until needs a time zone")
    elif until and received and until <= received:
        bad("statutory_reply_until", "statutory_reply_until is not after received_at")
    cls, cls_field = _responsibility_class(data)
    if cls and cls not in {c.code for c in pack.responsibility_classes}:
        bad(cls_field, f"unknown responsibility class '{cls}'", ErrorCode.UNKNOWN)
    errors.extend(_script_errors(data, pack))
    return errors


def anonymous_report(data: IntakeData) -> bool:
    """An anonymous report (举报): the one kind of contact that may come without contact
    details (SPEC §4); the portal gives the reporter a private follow-up code instead."""
    return data.request_type == "report" and data.facts.get("anonymous") is True


def _reachable(data: IntakeData) -> bool:
    customer = data.customer
    return bool(customer.phone or customer.email or customer.address) or anonymous_report(data)


def _responsibility_class(data: IntakeData) -> tuple[str, str]:
    """The class the agent gave, and the field it came from."""
    if data.responsibility_class:
        return data.responsibility_class, "responsibility_class"
    value = data.facts.get("responsibility_class")
    return (str(value), "facts.responsibility_class") if value else ("", "")


# ---------------------------------------------------------------- guided script (SPEC §5)


def _script_errors(data: IntakeData, pack: Pack) -> list[FieldError]:
    """Problems with ``script: {code, answers}``, each naming its field; none when absent."""
    if data.script is None:
        return []
    code = data.script.get("code")
    answers = data.script.get("answers") or {}
    script = pack.script(code) if isinstance(code, str) else None
    if script is None:
        known = ", ".join(s.code for s in pack.scripts) or "none"
        return [
            FieldError(
                "script.code",
                ErrorCode.UNKNOWN,
                f"pack '{pack.code}' has no script '{code}'; its scripts: {known}",
            )
        ]
    if not isinstance(answers, dict):
        return [FieldError("script.answers", ErrorCode.INVALID, "script.answers must be an object")]
    errors = answer_errors(script, answers, prefix="script.answers")
    if data.category and pack.category(data.category) is not None:
        above_case = {c.code for c in pack.lineage(data.category)}
        above_script = {c.code for c in pack.lineage(script.category)}
        if script.category not in above_case and data.category not in above_script:
            errors.append(
                FieldError(
                    "script.code",
                    ErrorCode.INVALID,
                    f"script '{script.code}' is for category '{script.category}', "
                    f"not '{data.category}'",
                )
            )
    return errors


def _script_outcome(data: IntakeData, pack: Pack) -> ScriptOutcome | None:
    if data.script is None:
        return None
    script = pack.script(str(data.script.get("code")))
    assert script is not None  # checked by _script_errors
    return evaluate_script(script, data.script.get("answers") or {}, prefix="script.answers")


def _units_for(routing_key: str | None) -> list[str]:
    """Active units labelled with the routing key (the suggested dispatch targets)."""
    if not routing_key:
        return []
    units = Unit.objects.filter(active=True).order_by("code")
    return [u.code for u in units if routing_key in (u.routing_keys or [])]


def _script_record(outcome: ScriptOutcome, active: ActivePack) -> dict[str, Any]:
    record_ = outcome_record(outcome, active.version.version)
    record_["units"] = _units_for(outcome.target)
    return record_


def _severity_of(data: IntakeData, pack: Pack) -> tuple[str, int]:
    code = data.severity or pack.default_severity
    sev = pack.severity(code)
    assert sev is not None  # checked above, and default_severity is validated by the loader
    return sev.code, sev.rank


def _customer(data: CustomerData) -> Customer:
    customer = Customer(**{k: (v or "").strip() for k, v in asdict(data).items()})
    bulk_write.insert_row(customer)
    return customer


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
    keyed = bool(idempotency_key and actor.user)
    body_hash = ""  # only a keyed request is compared with an earlier one
    if keyed:
        body_hash = _body_hash(raw_payload if raw_payload is not None else asdict(data))
    try:
        with transaction.atomic():
            if keyed:
                replay = _replayed(actor, idempotency_key, body_hash)
                if replay is not None:
                    return IntakeResult(replay, created=False)
            result = _register(actor, data, active, now)
            if keyed:  # an urge is answered the same way again
                IdempotencyKey.objects.create(
                    key=idempotency_key, user=actor.user, body_hash=body_hash, case=result.case
                )
            return result
    except IntegrityError:
        # another request with the same key won the race; answer with its case
        if keyed:
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


def _validity(data: IntakeData, pack: Pack, received_at: datetime) -> ValidityDecision:
    """Validity rules at intake (pack key ``validity``): time bars, malicious, anonymous,
    out of scope; else the responsibility class's suggestion (docs/rules.md)."""
    lineage = tuple(c.code for c in pack.lineage(data.category)) if data.category else ()
    contact = Contact(
        request_type=data.request_type,
        category_lineage=lineage,
        received_at=timezone.localtime(received_at),
        occurred_at=timezone.localtime(data.occurred_at) if data.occurred_at else None,
        has_contact=_reachable(data),
        facts=data.facts,
        responsibility_class=_responsibility_class(data)[0],
    )
    return assess_validity(pack.validity, pack.responsibility_classes, contact)


def _new_case(
    actor: Actor, data: IntakeData, active: ActivePack, now: datetime, previous: Case | None
) -> Case:
    """Register, then apply the rules in order: validity (a rules-invalid contact is marked
    invalid by the system, with its reason), consultation → complaint conversion, incident,
    grading. The script's outcome and wording are recorded on the case."""
    pack = active.pack
    outcome = _script_outcome(data, pack)  # before any write: bad answers store nothing
    if outcome is not None:
        # the script names the category, and yes answers named after facts are facts
        facts = {**answer_facts(outcome, BOOL_FACTS), **data.facts}
        data = replace(data, category=data.category or outcome.category, facts=facts)
    received_at = data.received_at or now
    validity = _validity(data, pack, received_at)
    case = _build(actor, data, active, now, previous)
    if validity.validity in ("valid", "assist"):
        case.validity = validity.validity
    case.responsibility_class = _responsibility_class(data)[0]
    if outcome is not None:
        case.script = _script_record(outcome, active)
    clocks.refresh_due(case, pack, now)
    # matched before the case is numbered: the search reads the most among the steps, and
    # the month's serial row stays locked from the number to COMMIT (see _number)
    match = None if validity.validity == "invalid" else find_same_matter(case, pack, now)
    _number(case, now)
    record(  # inserts the case, with its first event's digest
        case,
        "case.registered",
        actor,
        now,
        after={"status": case.status},
        data=_registered_data(case, data, active, previous, validity),
    )
    if validity.validity == "invalid":
        _invalidate(case, pack, validity, now)
        return case
    _convert(case, pack, data.facts, actor, now)
    join_incident(case, pack, now, match)
    apply_upgrades(case, actor, now, trigger="intake")
    return case


def _build(
    actor: Actor, data: IntakeData, active: ActivePack, now: datetime, previous: Case | None
) -> Case:
    pack = active.pack
    complained = (
        unit_by_code(data.complained_unit, "complained_unit") if data.complained_unit else None
    )
    severity, rank = _severity_of(data, pack)
    customer = _customer(data.customer)
    facts = {k: v for k, v in data.facts.items() if v is not None and k != "responsibility_class"}
    case = Case(
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
        facts=facts,
        references=data.references,
        walk_in_confirmed=data.walk_in_confirmed,
        repeat_of=previous,
        statutory_reply_until=data.statutory_reply_until,
        created_at=now,
        updated_at=now,
        escalation_level=pack.escalation_levels[0].code if pack.escalation_levels else "",
    )
    case.place_key = place_key(case)
    # segmented now, outside the month's serial lock (see _number); the number goes in front
    case.search_text = search.search_text_for(customer.name, case.description, case.location)
    return case


def _number(case: Case, now: datetime) -> None:
    """Give the case its number and its id, the last step before its row is written: the
    month's serial row stays locked until COMMIT and every other intake waits for it (it keeps
    numbers gapless), so nothing that can be done before, such as segmenting the search text
    or looking for the same matter, is done after."""
    case.number, case.pk = number_and_id(now)
    words = search.search_text_for(case.number)
    case.search_text = f"{words} {case.search_text}" if case.search_text else words


def _registered_data(
    case: Case,
    data: IntakeData,
    active: ActivePack,
    previous: Case | None,
    validity: ValidityDecision,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "channel": case.channel,
        "request_type": case.request_type,
        "pack_version": active.version.version,
    }
    if case.statutory_reply_until:
        out["statutory_reply_until"] = case.statutory_reply_until.isoformat()
    if previous:
        out["repeat_of"] = previous.number
        out["dissatisfaction_reason"] = data.dissatisfaction_reason.strip()
    if validity.validity in ("valid", "assist"):
        out["validity_suggested"] = {"validity": validity.validity, "rule": validity.rule}
    if case.script:
        out["script"] = {k: case.script[k] for k in ("code", "outcome", "target", "wording_key")}
    return out


def _invalidate(case: Case, pack: Pack, decision: ValidityDecision, now: datetime) -> None:
    """无效 by rule: the system marks the registered contact invalid with the pack's reason,
    and the event carries the rule and the wording the customer is told (pack reason name
    and definition)."""
    new = lifecycle.decide(state_of(case, pack, now=now), Action.MARK_INVALID, None)
    reason = next((r for r in pack.validity.reasons if r.code == decision.reason), None)
    case.validity = "invalid"
    case.validity_reason = decision.reason
    case.next_due_at = None
    case.closed_at = now  # finished, as the mark-invalid action leaves it
    changed = move(case, new, now, ["validity", "validity_reason", "next_due_at"])
    record(
        case,
        "case.marked_invalid",
        SYSTEM,
        now,
        before=changed,
        after={"status": new.value},
        reason=f"{decision.rule}: {decision.detail}",
        data={
            "validity": "invalid",
            "validity_reason": decision.reason,
            "rule": decision.rule,
            "source": decision.source,
            "by_rules": True,
            "customer_notice": {
                "reason": decision.reason,
                "name": reason.name if reason else decision.reason,
                "definition": reason.definition if reason else "",
            },
            "grounds": [f.rule for f in decision.findings],
        },
    )


def _convert(case: Case, pack: Pack, facts: dict[str, Any], actor: Actor, now: datetime) -> None:
    """咨询转投诉 at intake: the customer stayed dissatisfied after the explanation."""
    change = triage.conversion(case.request_type, pack.request_types, facts)
    if change is None:
        return
    case.request_type = change.to_type
    clocks.refresh_due(case, pack, now)
    move(case, Status(case.status), now, ["request_type", *clocks.DUE_FIELDS])
    record(
        case,
        "case.converted_to_complaint",
        actor,
        now,
        before={"request_type": change.from_type},
        after={"request_type": change.to_type},
        reason=change.rule,
        data={"rule": change.rule, "source": change.source},
    )


__all__ = ["FACT_KEYS", "CustomerData", "IntakeData", "IntakeResult", "RuleError", "intake_case"]
