"""Cases, work orders and events as the API's JSON (SPEC §10 field names).

Times are shown in the local time zone (Asia/Shanghai, ``+08:00``). Personal data is masked
unless the viewer's role may see it (``tousu.org.permissions.sees_personal_data``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from tousu.cases import clocks
from tousu.cases.models import Attachment, Case, Event, Proposal, WorkOrder
from tousu.cases.services import allowed_for
from tousu.cases.services.common import pack_for
from tousu.org.models import User
from tousu.org.permissions import mask_phone, mask_text, sees_personal_data
from tousu.packs.schema import Pack


def local(value: datetime | None) -> datetime | None:
    # the configured zone (TIME_ZONE; nothing activates another): ``timezone.localtime`` looks
    # up the active zone on every call, 5 µs against 0.5, and a list page shows 200 times
    return value.astimezone(timezone.get_default_timezone()) if value is not None else None


def _customer(case: Case, unmasked: bool) -> dict[str, str]:
    c = case.customer
    fields = {
        "name": c.name,
        "phone": c.phone,
        "email": c.email,
        "address": c.address,
        "household": c.household,
    }
    if unmasked:
        return fields
    return {
        "name": mask_text(c.name),
        "phone": mask_phone(c.phone),
        "email": mask_text(c.email),
        "address": mask_text(c.address, keep=3),
        "household": mask_text(c.household),
    }


def _references(case: Case, unmasked: bool) -> dict[str, Any]:
    refs = dict(case.references or {})
    if not unmasked:
        if refs.get("phone"):
            refs["phone"] = mask_phone(str(refs["phone"]))
        if refs.get("account"):
            refs["account"] = mask_phone(str(refs["account"]))
    return refs


def _ladder(pack: Pack, code: str, rank: int | None, kind: str) -> dict[str, Any] | None:
    if not code:
        return None
    step = pack.severity(code) if kind == "severity" else pack.escalation_level(code)
    if step is None:
        return {"code": code, "name": code, "rank": rank or 0}
    return {"code": step.code, "name": step.name, "rank": step.rank if rank is None else rank}


def _due(case: Case) -> dict[str, datetime | None]:
    return {
        "acknowledge": local(case.due_acknowledge),
        "resolve": local(case.due_resolve),
        "reply": local(case.due_reply),
        "follow_up": local(case.due_follow_up),
        "statutory_reply": local(case.due_statutory_reply),
    }


def case_row(case: Case, user: User, now: datetime) -> dict[str, Any]:
    """The fields of a case shown in lists (and the start of the full case)."""
    pack = pack_for(case)
    category = pack.category(case.category) if case.category else None
    unmasked = sees_personal_data(user)
    incident = case.incident
    return {
        "number": case.number,
        "pack": case.pack,
        "pack_version": case.pack_version.version if case.pack_version_id else None,
        "status": case.status,
        "channel": case.channel,
        "request_type": case.request_type,
        "category": case.category,
        "category_name": category.name if category else None,
        "validity": case.validity,
        "validity_reason": case.validity_reason,
        "responsibility_class": case.responsibility_class,
        "severity": _ladder(pack, case.severity, case.severity_rank, "severity"),
        "escalation_level": (
            _ladder(pack, case.escalation_level, None, "escalation")
            if pack.escalation_levels
            else None
        ),
        "customer": _customer(case, unmasked),
        "description": case.description,
        "demand": case.demand,
        "occurred_at": local(case.occurred_at),
        "received_at": local(case.received_at),
        "location": case.location,
        "complained_unit": case.complained_unit.code if case.complained_unit_id else None,
        "complained_person": case.complained_person,
        "first_owner": case.first_owner.username if case.first_owner_id else None,
        "repeat_of": getattr(case, "repeat_of_number", None),
        "incident": (
            {"id": incident.pk, "title": incident.title, "size": incident.size}
            if incident
            else None
        ),
        "urge_count": case.urge_count,
        "overdue": clocks.is_overdue(case, now),
        "due": _due(case),
        "next_due_at": local(case.next_due_at),
        "version": case.version,
        "created_at": local(case.created_at),
        "updated_at": local(case.updated_at),
    }


def work_order_json(order: WorkOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "unit": order.unit.code,
        "unit_name": order.unit.name,
        "status": order.status,
        "handler": order.handler.username if order.handler_id else None,
        "issued_at": local(order.issued_at),
        "acknowledged_at": local(order.acknowledged_at),
        "done_at": local(order.done_at),
        "returned_at": local(order.returned_at),
        "return_reason": order.return_reason,
        "due": {"acknowledge": local(order.due_acknowledge), "resolve": local(order.due_resolve)},
    }


def _event(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "actor": event.actor.username if event.actor_id else None,
        "at": local(event.at),
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "data": event.data,
    }


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "round": p.round,
        "status": p.status,
        "final": p.final,
        "solutions": p.solutions,
        "created_at": local(p.created_at),
    }


def attachment_download_url(number: str, pk: int) -> str:
    return f"/api/v1/cases/{number}/attachments/{pk}"


def attachment_json(a: Attachment, number: str) -> dict[str, Any]:
    """A case's file: ``content_type`` is the type read from its content; ``download_url``
    serves it to those who may see the case."""
    return {
        "id": a.pk,
        "name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "source": a.source,
        "created_at": local(a.created_at),
        "download_url": attachment_download_url(number, a.pk),
    }


def case_full(case: Case, user: User, now: datetime) -> dict[str, Any]:
    """The whole case for ``user``: with its work orders, proposals, history and the actions
    ``user`` may take now."""
    unmasked = sees_personal_data(user)
    return {
        **case_row(case, user, now),
        "facts": case.facts or {},
        "references": _references(case, unmasked),
        "walk_in_confirmed": case.walk_in_confirmed,
        "script": case.script,
        "satisfaction": case.satisfaction,
        "findings": case.findings,
        "root_cause": case.root_cause,
        "replied_at": local(case.replied_at),
        "closed_at": local(case.closed_at),
        "allowed_actions": allowed_for(case, user, now),
        **_clock(case),
        "work_orders": [work_order_json(o) for o in case.work_orders.all()],
        "proposals": [_proposal(p) for p in case.proposals.all()],
        "events": [_event(e) for e in case.events.all()],
        "attachments": [attachment_json(a, case.number) for a in case.attachments.all()],
    }


def _clock(case: Case) -> dict[str, Any]:
    """Pauses and extensions, read from the case's history (its events, already loaded)."""
    pauses: list[dict[str, Any]] = []
    extensions: list[dict[str, Any]] = []
    for event in case.events.all():
        who = event.actor.username if event.actor_id else None
        if event.kind == "case.clock_paused":
            pauses.append({"started_at": local(event.at), "ended_at": None,
                           "reason": event.reason, "by": who, "resumed_by": None})  # fmt: skip
        elif event.kind == "case.clock_resumed" and pauses and pauses[-1]["ended_at"] is None:
            pauses[-1].update(ended_at=local(event.at), resumed_by=who)
        elif event.kind == "case.extension_requested":
            extensions.append({
                "requested_at": local(event.at), "requested_by": who,
                "until": local(datetime.fromisoformat(event.data["until"])),
                "reason": event.reason, "approver": event.data.get("approver", ""),
                "status": "pending", "decided_at": None, "decided_by": None,
                "decision_note": "",
            })  # fmt: skip
        elif event.kind in DECIDED and extensions and extensions[-1]["status"] == "pending":
            extensions[-1].update(status=DECIDED[event.kind], decided_at=local(event.at),
                                  decided_by=who, decision_note=event.reason)  # fmt: skip
    return {
        "clock_paused": case.paused_at is not None,
        "paused_total_seconds": int(case.paused_total.total_seconds()),
        "extension_until": local(case.extension_until),
        "pauses": pauses,
        "extensions": extensions,
    }


DECIDED = {"case.extension_approved": "approved", "case.extension_rejected": "rejected"}
