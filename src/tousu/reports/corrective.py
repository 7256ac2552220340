"""纠正预防措施 — corrective and preventive actions on a case (SPEC §7): who is responsible,
by when, and whether it worked, verified from the month after the due date. Each step is an
event on the case (``case.corrective_action``, ``case.corrective_verified``), so the timeline
and the quality brief show them."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet

from tousu.cases.models import Case
from tousu.cases.services.common import Actor, lock_case, record, required_text, resolve_now
from tousu.org.models import User
from tousu.org.permissions import visible_cases
from tousu.packs.schema import Pack
from tousu.reports.models import CorrectiveAction
from tousu.reports.periods import SHANGHAI
from tousu.rules.errors import Conflict, ErrorCode, Forbidden, NotFound, ValidationFailed
from tousu.rules.lifecycle import Role

# Who records and verifies measures: the quality role and those who run the service.
ROLES = frozenset({Role.QUALITY, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
MEASURE_LIMIT = 2000
NOTE_LIMIT = 2000
KIND_NAMES = {"corrective": "纠正措施", "preventive": "预防措施"}
STATE_NAMES = {"open": "待验证", "effective": "验证有效", "ineffective": "验证无效"}


def _allowed(actor: Actor) -> None:
    if actor.role not in ROLES:
        raise Forbidden("only quality staff, supervisors, managers and admins record measures")


def _visible(user: User, number: str) -> Case:
    case = visible_cases(user, Case.objects.filter(number=number)).first()
    if case is None:
        raise NotFound(f"no case numbered '{number}'")
    return case


def verify_from(due_on: date) -> date:
    """The first day of the month after ``due_on``: when the effect can be judged."""
    return date(due_on.year + due_on.month // 12, due_on.month % 12 + 1, 1)


def _due(value: date | str | None, today: date) -> date:
    if value in (None, ""):
        raise ValidationFailed.one("due_on", "due_on is required (YYYY-MM-DD)")
    try:
        due = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed.one(
            "due_on", f"due_on '{value}' is not a date (YYYY-MM-DD)"
        ) from None
    if due < today:
        raise ValidationFailed.one("due_on", f"due_on {due} is in the past (today is {today})")
    return due


def _owner(username: str | None) -> User:
    name = (username or "").strip()
    if not name:
        raise ValidationFailed.one("owner", "owner is required (a username)")
    owner = User.objects.filter(username=name, is_active=True).first()
    if owner is None:
        raise ValidationFailed.one("owner", f"no active user '{name}'", ErrorCode.UNKNOWN)
    return owner


def add_action(
    number: str,
    actor: Actor,
    *,
    kind: str,
    measure: str | None,
    owner: str | None,
    due_on: date | str | None,
    now: datetime | None = None,
) -> CorrectiveAction:
    """Record a measure on a case the actor may see; every bad field is refused by name and
    nothing is written."""
    now = resolve_now(now)
    _allowed(actor)
    assert actor.user is not None
    _visible(actor.user, number)
    if kind not in KIND_NAMES:
        raise ValidationFailed.one(
            "kind", f"unknown kind '{kind}'; one of {', '.join(KIND_NAMES)}", ErrorCode.UNKNOWN
        )
    text = required_text(measure, "measure", MEASURE_LIMIT)
    responsible = _owner(owner)
    due = _due(due_on, now.astimezone(SHANGHAI).date())
    with transaction.atomic():
        case = lock_case(number)
        action = CorrectiveAction.objects.create(
            case=case,
            kind=kind,
            measure=text,
            owner=responsible,
            due_on=due,
            verify_from=verify_from(due),
            created_by=actor.user,
            created_at=now,
        )
        record(
            case,
            "case.corrective_action",
            actor,
            now,
            data={
                "action": action.pk,
                "kind": kind,
                "measure": text,
                "owner": responsible.username,
                "due_on": due.isoformat(),
            },
        )
    return action


def verify_action(
    number: str,
    action_id: int,
    actor: Actor,
    *,
    effective: bool | None,
    note: str | None = "",
    now: datetime | None = None,
) -> CorrectiveAction:
    """Record whether the measure worked; allowed once, from ``verify_from`` on."""
    now = resolve_now(now)
    _allowed(actor)
    assert actor.user is not None
    _visible(actor.user, number)
    if effective is None:
        raise ValidationFailed.one("effective", "effective is required (true or false)")
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed.one("note", f"note is longer than {NOTE_LIMIT} characters")
    with transaction.atomic():
        case = lock_case(number)
        action = CorrectiveAction.objects.filter(case=case, pk=action_id).first()
        if action is None:
            raise NotFound(f"case {number} has no corrective action {action_id}")
        if action.state != CorrectiveAction.State.OPEN:
            raise Conflict(f"corrective action {action_id} was already verified")
        today = now.astimezone(SHANGHAI).date()
        if today < action.verify_from:
            raise Conflict(
                f"the effect of corrective action {action_id} can be verified from "
                f"{action.verify_from} (the month after its due date {action.due_on})"
            )
        action.state = (
            CorrectiveAction.State.EFFECTIVE if effective else CorrectiveAction.State.INEFFECTIVE
        )
        action.verified_by, action.verified_at, action.verification_note = actor.user, now, text
        action.save()
        record(
            case,
            "case.corrective_verified",
            actor,
            now,
            data={"action": action.pk, "effective": bool(effective), "note": text},
        )
    return action


def list_actions(user: User, number: str) -> list[CorrectiveAction]:
    case = _visible(user, number)
    return list(case.corrective_actions.select_related("owner", "verified_by"))


# The quality role's lists (/console/corrective-actions/): code -> which open measures.
LISTS = ("open", "due", "overdue", "verify")


def expected(pack: Pack, severity: str) -> bool:
    """Whether the pack's reporting duties give this severity the full treatment (course,
    cause, measures: the hot and major levels of seed 004), so its case page offers measures."""
    from tousu.reports.brief import treatment  # brief imports this module

    duty = next((d for d in pack.reporting if d.severity == severity), None)
    return treatment(duty) == "full"


def listing(user: User, which: str, today: date) -> QuerySet[CorrectiveAction]:
    """Measures on cases ``user`` may see: ``open`` (not yet verified), ``due`` (open, due
    date today or later), ``overdue`` (open, due date passed), ``verify`` (open, and the
    month after the due date has begun: awaiting verification). Earliest due first."""
    if which not in LISTS:
        raise ValidationFailed.one(
            "list", f"unknown list '{which}'; one of {', '.join(LISTS)}", ErrorCode.UNKNOWN
        )
    rows = CorrectiveAction.objects.filter(
        state=CorrectiveAction.State.OPEN, case__in=visible_cases(user, Case.objects.all())
    )
    if which == "due":
        rows = rows.filter(due_on__gte=today)
    elif which == "overdue":
        rows = rows.filter(due_on__lt=today)
    elif which == "verify":
        rows = rows.filter(verify_from__lte=today)
    return rows.select_related("case", "owner").order_by("due_on", "id")


def describe(action: CorrectiveAction) -> str:
    """One line for the brief: kind, measure, owner, due date, and the verification."""
    owner = action.owner.get_full_name() or action.owner.username
    verdict = STATE_NAMES[action.state]
    if action.verification_note:
        verdict += f"：{action.verification_note}"
    return (
        f"{KIND_NAMES[action.kind]}：{action.measure}（责任人 {owner}，"
        f"{action.due_on.isoformat()} 前完成；效果{verdict}）"
    )


def as_json(action: CorrectiveAction) -> dict[str, object]:
    return {
        "id": action.pk,
        "kind": action.kind,
        "measure": action.measure,
        "owner": action.owner.username,
        "due_on": action.due_on.isoformat(),
        "verify_from": action.verify_from.isoformat(),
        "state": action.state,
        "created_at": action.created_at.isoformat(),
        "verified_at": action.verified_at.isoformat() if action.verified_at else None,
        "verification_note": action.verification_note,
    }


__all__ = [
    "LISTS",
    "ROLES",
    "add_action",
    "as_json",
    "describe",
    "expected",
    "list_actions",
    "listing",
    "verify_action",
]
