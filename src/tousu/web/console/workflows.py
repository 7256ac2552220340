"""The intake page's one-click buttons: register, then close at the window or dispatch.

Each step is a lifecycle service; the pair runs in one transaction, so a refused second step
leaves nothing registered and the agent sees the refusal beside the form with their input
kept. (A natural home later: ``tousu.cases.services`` as ``intake_and_apply``.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tousu.cases import services
from tousu.cases.models import Case
from tousu.cases.services import Actor, IntakeData
from tousu.rules.lifecycle import Status


@dataclass(frozen=True)
class Registered:
    case: Case
    created: bool  # False: the contact urged an open case instead
    then: str  # what was done after registering: register | close | dispatch | urge


@transaction.atomic
def register(
    *, actor: Actor, data: IntakeData, then: str = "register", dispatch_unit: str = ""
) -> Registered:
    """Register the contact (or urge the open case it repeats), then apply ``then``."""
    result = services.intake_case(actor=actor, data=data)
    case = result.case
    if not result.created:
        return Registered(case, False, "urge")
    if case.status != Status.REGISTERED.value:  # the rules refused it (invalid) at intake
        return Registered(case, True, "register")
    if then == "close":
        wording = (case.script or {}).get("wording") or ""
        case = services.close_at_window(
            actor=actor, number=case.number, wording=wording, expected_version=case.version
        )
    elif then == "dispatch":
        case = services.dispatch_case(
            actor=actor, number=case.number, units=[dispatch_unit], expected_version=case.version
        )
    return Registered(case, True, then)
