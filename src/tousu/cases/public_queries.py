"""What the customer sees of their case (portal and public API): never internal notes, staff
names, units or grading, only steps in the customer's terms.

``STEPS`` is the one table from event kinds to customer steps; kinds not in it (triage,
escalations, clocks, work orders, grading…) stay internal. Each step carries only details
meant for the customer: the reply's message, the proposed solutions, the reason a contact
was not accepted, the rating given, an attached file's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tousu.cases.models import Case, Event, Proposal
from tousu.cases.services.common import pack_for
from tousu.cases.services.public import available_actions
from tousu.rules.attachments import shown_to_customer

STEPS = {
    "case.registered": "received",
    "case.dispatched": "handling",
    "case.processing": "in_progress",
    "case.progress": "progress",
    "case.proposed": "proposal",
    "case.customer_accepted": "proposal_accepted",
    "case.customer_rejected": "proposal_rejected",
    "case.resolved": "resolved",
    "case.replied": "replied",
    "case.closed_at_window": "replied",
    "case.followed_up": "rated",
    "case.urged": "urged",
    "case.appealed": "appealed",
    "case.reopened": "reopened",
    "case.withdrawn": "withdrawn",
    "case.marked_invalid": "not_accepted",
    "case.attachment_added": "attachment",
}
# Steps that may repeat without telling the customer anything new.
_ONCE_IN_A_ROW = frozenset({"handling", "in_progress", "progress", "resolved"})


@dataclass(frozen=True)
class Step:
    at: datetime
    step: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CustomerView:
    case: Case
    pack_name: str
    request_type_name: str
    category_name: str
    steps: list[Step]
    proposal: Proposal | None  # the proposal awaiting the customer's answer
    actions: list[str]  # confirm, satisfaction, appeal: what may be done now
    attachments: list[dict[str, Any]]


def _detail(event: Event, step: str) -> dict[str, Any]:
    data = event.data or {}
    if step == "replied" and data.get("message"):
        return {"message": data["message"]}
    if step == "proposal":
        return {"solutions": _solutions(data.get("solutions") or [])}
    if step == "not_accepted":
        notice = data.get("customer_notice") or {}
        return {"reason": notice.get("name") or data.get("validity_reason", "")}
    if step == "rated":
        return {"satisfaction": data.get("satisfaction", "")}
    if step == "attachment":
        return {"name": data.get("name", "")}
    return {}


def _solutions(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("kind", "description", "amount")
    return [{k: item.get(k) for k in keys} for item in items]


def customer_steps(case: Case) -> list[Step]:
    steps: list[Step] = []
    for event in case.events.order_by("id"):
        step = STEPS.get(event.kind)
        if step is None:
            continue
        if step == "attachment" and not shown_to_customer((event.data or {}).get("source", "")):
            continue  # a staff scan or a transfer's file: internal
        if step in _ONCE_IN_A_ROW and steps and steps[-1].step == step:
            continue
        steps.append(Step(event.at, step, _detail(event, step)))
    return steps


def customer_view(case: Case, now: datetime) -> CustomerView:
    pack = pack_for(case)
    node = pack.category(case.category) if case.category else None
    info = next((t for t in pack.request_type_info if t.code == case.request_type), None)
    pending = case.proposals.filter(status=Proposal.State.PENDING).order_by("-round").first()
    return CustomerView(
        case=case,
        pack_name=pack.name,
        request_type_name=info.name if info else case.request_type,
        category_name=node.name if node else "",
        steps=customer_steps(case),
        proposal=pending,
        actions=available_actions(case, now),
        attachments=[
            {"name": a.original_name, "content_type": a.content_type, "size": a.size}
            for a in case.attachments.all()
            if shown_to_customer(a.source)
        ],
    )


__all__ = ["STEPS", "CustomerView", "Step", "customer_steps", "customer_view"]
