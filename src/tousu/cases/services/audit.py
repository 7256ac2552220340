"""The log of personal data shown unmasked (SPEC §8: every view of unmasked personal data is
logged). One row per case shown, written in one INSERT per request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from tousu.cases.models import MAX_SHORT_TEXT, Case, PersonalDataView
from tousu.cases.services.common import resolve_now
from tousu.org.models import User
from tousu.org.permissions import sees_personal_data

CUSTOMER_FIELDS = ("name", "phone", "email", "address", "household")
REFERENCE_FIELDS = ("phone", "account")  # references the API masks like a phone number


def personal_fields(case: Case) -> list[str]:
    """The personal fields a case holds (customer details, phone-like references)."""
    customer = case.customer
    found = [name for name in CUSTOMER_FIELDS if getattr(customer, name)]
    refs = {} if "references" in case.get_deferred_fields() else (case.references or {})
    found += [f"references.{name}" for name in REFERENCE_FIELDS if refs.get(name)]
    return found


def log_personal_data_views(
    user: User,
    cases: Iterable[Case],
    *,
    source: str,
    address: str = "",
    now: datetime | None = None,
) -> int:
    """Record that ``user`` was shown these cases' personal data unmasked; nothing when the
    user's role sees it masked or a case holds none. Returns the number of rows written."""
    if not sees_personal_data(user):
        return 0
    now = resolve_now(now)
    rows = [
        PersonalDataView(
            at=now,
            user=user,
            case=case,
            fields=fields,
            source=source[:MAX_SHORT_TEXT],
            address=address[:64],
        )
        for case in cases
        if (fields := personal_fields(case))
    ]
    PersonalDataView.objects.bulk_create(rows)
    return len(rows)
