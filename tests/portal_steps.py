"""Staff steps that move a customer's case on, through the real services (portal tests)."""

from __future__ import annotations

from tests.factories import Org, act

PROPOSAL = [{"kind": "repair", "description": "更换顶板防水层"}]


def to_proposal(org: Org, number: str) -> None:
    """Triage, dispatch to engineering, acknowledge, propose: a proposal awaits the customer."""
    act(org, "dispatcher", "triage", number, category="equipment_water", validity="valid")
    act(org, "dispatcher", "dispatch", number, units=["eng"])
    act(org, "handler_eng", "acknowledge", number)
    act(org, "handler_eng", "propose", number, solutions=PROPOSAL)


def to_replied(org: Org, number: str, accepted: bool = False) -> None:
    """From a pending proposal (accepted here unless the customer did): resolve and reply."""
    if not accepted:
        act(org, "agent", "customer-accept", number)
    act(org, "handler_eng", "resolve", number, findings="防水层老化")
    act(org, "agent", "reply", number, message="已更换防水层，请您查看。")
