"""A case as its console page shows it: names instead of codes, masked personal data, the
timeline in plain words, work orders with their clocks, and the actions allowed now.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.cases.models import Case, Event, WorkOrder
from tousu.cases.services.common import pack_for, state_of
from tousu.org.models import Unit, User
from tousu.org.permissions import mask_phone, mask_text, sees_personal_data, visible_cases
from tousu.packs.schema import Pack
from tousu.rules import lifecycle
from tousu.rules.lifecycle import Role
from tousu.web.console import labels
from tousu.web.console.forms import BOOL_FACTS, NUMBER_FACTS, REFERENCES
from tousu.web.console.timeline import TimelineEntry, timeline

DUE_LABELS = (
    ("due_acknowledge", gettext_lazy("派单/签收时限")),
    ("due_resolve", gettext_lazy("处理时限")),
    ("due_reply", gettext_lazy("答复时限")),
    ("due_follow_up", gettext_lazy("回访时限")),
    ("due_statutory_reply", gettext_lazy("法定答复时限")),
)
CUSTOMER_LABELS = (
    ("name", gettext_lazy("姓名")),
    ("phone", gettext_lazy("电话")),
    ("email", gettext_lazy("电子邮件")),
    ("address", gettext_lazy("地址")),
    ("household", gettext_lazy("户号/房号")),
)


@dataclass
class Row:
    label: Any
    value: Any


@dataclass
class ScriptView:
    name: str
    outcome: str
    wording: str
    answers: list[Row]
    duties: list[str]
    version: str


@dataclass
class CaseView:
    case: Case
    pack: Pack
    category_path: str
    request_type: str
    escalation_level: str
    customer: list[Row]
    references: list[Row]
    masked: bool
    can_reveal: bool
    facts: list[Row]
    dues: list[Row]
    orders: list[WorkOrder]
    timeline: list[TimelineEntry]
    actions: list[tuple[str, str]]
    script: ScriptView | None
    incident_cases: list[Case] = field(default_factory=list)
    repeats: list[Case] = field(default_factory=list)
    invalid_reason: str = ""


def _masked(field_name: str, value: str) -> str:
    if field_name == "phone":
        return mask_phone(value)
    return mask_text(value, keep=3 if field_name == "address" else 1)


def _customer(case: Case, reveal: bool) -> list[Row]:
    c = case.customer
    rows = []
    for name, text in CUSTOMER_LABELS:
        value = getattr(c, name) or ""
        if value:
            rows.append(Row(text, value if reveal else _masked(name, value)))
    return rows


def _references(case: Case, reveal: bool) -> list[Row]:
    names = dict(REFERENCES) | {
        "phone": gettext_lazy("电话"),
        "transfer_ref": gettext_lazy("来文编号"),  # transferred by a regulator / headquarters
        "transfer_from": gettext_lazy("来文单位"),
    }
    rows = []
    for key, value in (case.references or {}).items():
        text = str(value)
        if not reveal and key in ("phone", "account"):
            text = mask_phone(text)
        rows.append(Row(names.get(key, key), text))
    return rows


def _facts(case: Case) -> list[Row]:
    names = dict(BOOL_FACTS) | dict(NUMBER_FACTS)
    return [
        Row(names.get(k, k), labels.YES_NO[v] if isinstance(v, bool) else v)
        for k, v in (case.facts or {}).items()
    ]


def _script(case: Case, pack: Pack) -> ScriptView | None:
    record = case.script
    if not record:
        return None
    script = pack.script(record.get("code", ""))
    rows = []
    for code, answer in (record.get("answers") or {}).items():
        question = script.question(code) if script else None
        text = labels.YES_NO.get(answer, answer) if isinstance(answer, bool) else answer
        if question and not isinstance(answer, bool):
            text = next((c.label for c in question.choices if c.code == answer), answer)
        rows.append(Row(question.text if question else code, text))
    return ScriptView(
        name=script.name if script else record.get("code", ""),
        outcome=labels.label(labels.SCRIPT_OUTCOMES, record.get("outcome")),
        wording=record.get("wording") or "",
        answers=rows,
        duties=[d.get("text") or d.get("code", "") for d in record.get("duties") or []],
        version=str(record.get("pack_version") or ""),
    )


def _request_type(case: Case, pack: Pack) -> str:
    names = {info.code: info.name for info in pack.request_type_info}
    return names.get(case.request_type) or labels.label(labels.REQUEST_TYPES, case.request_type)


def _linked(case: Case, user: User) -> tuple[list[Case], list[Case]]:
    fields = ("number", "status", "description", "created_at")
    incident: list[Case] = []
    if case.incident_id:
        same = Case.objects.filter(incident_id=case.incident_id).exclude(pk=case.pk)
        incident = list(visible_cases(user, same).only(*fields).order_by("id")[:20])
    repeats = list(visible_cases(user, case.repeats.all()).only(*fields).order_by("id")[:20])
    return incident, repeats


def allowed_actions(case: Case, pack: Pack, user: User, now: datetime) -> list[str]:
    """The lifecycle table's actions for ``user`` now. Unlike ``services.allowed_for`` this
    counts the work orders the user's action would finish (their unit's, for a handler), so
    "resolve" is offered to the unit that can resolve, and offers the follow-up whatever the
    customer's answer will be."""
    mine = [
        o for o in case.work_orders.all()
        if o.status == WorkOrder.State.ACKNOWLEDGED
        and (user.role_code != Role.HANDLER or o.unit_id == user.unit_id)
    ]
    state = state_of(case, pack, actor_orders=len(mine), now=now)
    found: set[lifecycle.Action] = set()
    for satisfied in (True, False):  # follow-up is possible whatever the customer answers
        found.update(lifecycle.allowed_actions(replace(state, satisfied=satisfied),
                                               user.role_code))
    return [a.value for a in lifecycle.Action if a in found]


def build(case: Case, user: User, now: datetime, *, reveal: bool = False) -> CaseView:
    """Everything the case page shows; ``reveal`` only after the audited show."""
    pack = pack_for(case)
    category_path = " › ".join(reversed([c.name for c in pack.lineage(case.category)]))
    level = pack.escalation_level(case.escalation_level) if case.escalation_level else None
    units = dict(Unit.objects.values_list("code", "name"))
    reveal = reveal and sees_personal_data(user)
    incident, repeats = _linked(case, user)
    events: list[Event] = list(case.events.all())
    return CaseView(
        case=case,
        pack=pack,
        category_path=category_path or _("（未分类）"),
        request_type=_request_type(case, pack),
        escalation_level=level.name if level else "",
        customer=_customer(case, reveal),
        references=_references(case, reveal),
        masked=not reveal,
        can_reveal=sees_personal_data(user) and not reveal,
        facts=_facts(case),
        dues=[Row(text, getattr(case, name)) for name, text in DUE_LABELS if getattr(case, name)],
        orders=list(case.work_orders.all()),
        timeline=timeline(events, pack, units),
        actions=[(a, labels.label(labels.ACTIONS, a))
                 for a in allowed_actions(case, pack, user, now)],
        script=_script(case, pack),
        incident_cases=incident,
        repeats=repeats,
        invalid_reason=pack.invalid_reasons.get(case.validity_reason, case.validity_reason),
    )
