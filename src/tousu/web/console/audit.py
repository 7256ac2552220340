"""The audited "show" of a customer's personal data (SPEC §8): every unmasked view is an event.

Pages show personal data masked; a role allowed to see it clicks "show", and this writes a
``case.personal_data_viewed`` event (who, when, which fields) before anything is revealed.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from tousu.cases.models import Case
from tousu.cases.services import Actor
from tousu.cases.services.common import record, resolve_now
from tousu.org.permissions import can_see_case, sees_personal_data
from tousu.rules.errors import Forbidden, NotFound

PERSONAL_FIELDS = ("name", "phone", "email", "address", "household", "references")


@transaction.atomic
def record_personal_data_view(*, actor: Actor, number: str, now: datetime | None = None) -> None:
    """Log that ``actor`` saw the case's personal data unmasked; refuse roles that may not."""
    now = resolve_now(now)
    user = actor.user
    case = Case.objects.filter(number=number).first()
    if case is None or user is None or not can_see_case(user, case):
        raise NotFound(f"no case numbered '{number}'")
    if not sees_personal_data(user):
        raise Forbidden(f"role '{user.role}' may not see personal data unmasked")
    record(case, "case.personal_data_viewed", actor, now, data={"fields": list(PERSONAL_FIELDS)})
