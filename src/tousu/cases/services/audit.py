"""The log of personal data shown unmasked (SPEC §8: every view of unmasked personal data is
logged). One row per case shown, written in one INSERT per request, whoever shows it: the API's
answers and the console's "show personal data" button write the same ``PersonalDataView`` rows
(``log_personal_data_views``), which auditors read on the console's audit page and at
GET /api/v1/audit/personal-data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction

from tousu.cases.models import MAX_SHORT_TEXT, Case, PersonalDataView
from tousu.cases.services.common import Actor, record, resolve_now
from tousu.org.models import User
from tousu.org.permissions import can_see_case, sees_personal_data
from tousu.rules.errors import Forbidden, NotFound

SHOWN_EVENT = "case.personal_data_viewed"  # the console's show, in the case's own history

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
    rows = [(case.pk, fields) for case in cases if (fields := personal_fields(case))]
    _insert_views(user, rows, now, source[:MAX_SHORT_TEXT], address[:64])
    return len(rows)


_VIEW_COLUMNS = ("at", "user", "case", "fields", "source", "address")


def _insert_views(
    user: User, rows: list[tuple[int, list[str]]], at: datetime, source: str, address: str
) -> None:
    """One INSERT for all ``rows`` (case id, fields), written out: ``bulk_create`` built a
    model instance per row and compiled its statement on every request (~1.2 ms of CPU for a
    list page of 20 rows; this, ~0.2 ms)."""
    if not rows:
        return
    ops = connection.ops
    meta = PersonalDataView._meta
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in _VIEW_COLUMNS)
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    when = ops.adapt_datetimefield_value(at)
    params: list[object] = []
    for case_id, fields in rows:
        params += [when, user.pk, case_id, ops.adapt_json_value(fields, None), source, address]
    with connection.cursor() as cursor:
        table = ops.quote_name(meta.db_table)
        # names from the model, values bound
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders}", params)  # noqa: S608


@transaction.atomic
def reveal_personal_data(
    *,
    actor: Actor,
    number: str,
    source: str,
    address: str = "",
    now: datetime | None = None,
) -> Case:
    """The console's audited "show": log the view like the API does, and put it in the case's
    history, before anything is revealed; refuse an unseen case (NotFound) and a role that sees
    personal data masked (Forbidden). Returns the case."""
    now = resolve_now(now)
    user = actor.user
    case = Case.objects.select_related("customer").filter(number=number).first()
    if case is None or user is None or not can_see_case(user, case):
        raise NotFound(f"no case numbered '{number}'")
    if not sees_personal_data(user):
        raise Forbidden(f"role '{user.role}' may not see personal data unmasked")
    log_personal_data_views(user, [case], source=source, address=address, now=now)
    record(case, SHOWN_EVENT, actor, now, data={"fields": personal_fields(case)})
    return case
