"""Who sees which cases and work orders, and whose personal data is shown unmasked (SPEC §8)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tousu.org.models import User
from tousu.rules.lifecycle import Role

SEE_ALL = frozenset(
    {
        Role.ADMIN,
        Role.DISPATCHER,
        Role.SUPERVISOR,
        Role.MANAGER,
        Role.QUALITY,
        Role.AUDITOR,
        Role.CRISIS,
    }
)
# Roles that talk to customers or decide on them see phone and ID numbers in full.
SEE_PERSONAL_DATA = frozenset(
    {Role.ADMIN, Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.MANAGER, Role.CRISIS}
)
# Roles that read the log of those views (the console's audit page, GET /audit/personal-data).
READ_VIEW_LOG = frozenset({Role.AUDITOR, Role.ADMIN})


def case_scope(user: User) -> Q | None:
    """A filter limiting cases to those ``user`` may see; None means all."""
    role = user.role_code
    if role in SEE_ALL:
        return None
    if role == Role.HANDLER:
        return Q(work_orders__unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
    # agents: what they registered, and their centre's queue
    scope = Q(first_owner_id=user.pk)
    if user.unit_id:
        scope |= Q(intake_unit_id=user.unit_id)
    return scope


def visible_cases(user: User, cases: QuerySet) -> QuerySet:
    scope = case_scope(user)
    if scope is None:
        return cases
    if user.role_code == Role.HANDLER:
        # a join on work orders can repeat a case; filter by id to keep rows unique and cheap
        from tousu.cases.models import WorkOrder

        ids = WorkOrder.objects.filter(unit_id=user.unit_id).values("case_id")
        return cases.filter(pk__in=ids)
    return cases.filter(scope)


def visible_work_orders(user: User, orders: QuerySet) -> QuerySet:
    if user.role_code in SEE_ALL:
        return orders
    if user.role_code == Role.HANDLER:
        return orders.filter(unit_id=user.unit_id)
    scope = Q(case__first_owner_id=user.pk)
    if user.unit_id:  # an agent without a unit sees only what they registered
        scope |= Q(case__intake_unit_id=user.unit_id)
    return orders.filter(scope)


def sees_personal_data(user: User) -> bool:
    return user.role_code in SEE_PERSONAL_DATA


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    keep_tail = 4
    keep_head = 3 if len(digits) >= 11 else 0
    return digits[:keep_head] + "*" * (len(digits) - keep_head - keep_tail) + digits[-keep_tail:]


def mask_text(value: str, keep: int = 1) -> str:
    if not value:
        return value
    return value[:keep] + "*" * max(len(value) - keep, 1)


def can_see_case(user: User, case: object) -> bool:
    from tousu.cases.models import Case

    assert isinstance(case, Case)
    if user.role_code in SEE_ALL:
        return True
    return visible_cases(user, Case.objects.filter(pk=case.pk)).exists()
