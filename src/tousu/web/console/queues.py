"""The console's queues: named slices of the cases a user may see, with the list filters.

Every queue starts from ``visible_cases`` (a handler sees their unit's cases only), narrows to
its own condition, applies the filters of ``tousu.cases.queries`` and pages the result ordered
by due time. Rows load their related rows in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tousu.cases import queries
from tousu.cases.models import Case, WorkOrder
from tousu.org.models import User
from tousu.org.permissions import visible_cases
from tousu.rules.lifecycle import ACTIVE, FINISHED, OPEN, Role, Status
from tousu.web.console.display import NEAR_BREACH

PAGE_SIZE = 25
COUNT_CAP = 999  # tiles on the home page count up to this many ("999+")

Restrict = Callable[[User, datetime], Q]


def _unit_orders(user: User, states: tuple[str, ...]) -> Q:
    orders = WorkOrder.objects.filter(status__in=states, unit_id=user.unit_id)
    return Q(pk__in=orders.values("case_id"))


def _issued(user: User, now: datetime) -> Q:
    orders = WorkOrder.objects.filter(status=WorkOrder.State.ISSUED)
    if user.role_code == Role.HANDLER:
        orders = orders.filter(unit_id=user.unit_id)
    return Q(pk__in=orders.values("case_id"))


def _late_or_near(user: User, now: datetime) -> Q:
    active = Q(status__in=[s.value for s in ACTIVE])
    late = Q(overdue=True) | Q(next_due_at__lt=now + NEAR_BREACH)
    return active & (late | Q(warned_due_at=F("next_due_at")))


@dataclass(frozen=True)
class Queue:
    code: str
    title: Promise
    restrict: Restrict


QUEUES: dict[str, Queue] = {
    q.code: q
    for q in (
        Queue("mine", _("我受理的"), lambda u, now: Q(first_owner_id=u.pk)
              & ~Q(status__in=[s.value for s in FINISHED])),
        Queue("to_dispatch", _("待派单"), lambda u, now: Q(status=Status.REGISTERED.value)),
        Queue("unit", _("本部门处理单"), lambda u, now: _unit_orders(u, WorkOrder.LIVE)),
        Queue("acknowledge", _("待签收"), _issued),
        Queue("overdue", _("超时与临近超时"), _late_or_near),
        Queue("reply", _("待答复"), lambda u, now: Q(status=Status.RESOLVED.value)),
        Queue("follow_up", _("待回访"), lambda u, now: Q(status=Status.REPLIED.value)),
        Queue("open", _("在办"), lambda u, now: Q(status__in=[s.value for s in OPEN])),
        Queue("all", _("全部"), lambda u, now: Q()),
    )
}

# The queues each role works from, most used first (the home page shows these as tiles).
ROLE_QUEUES: dict[Role, tuple[str, ...]] = {
    Role.AGENT: ("mine", "reply", "overdue", "follow_up", "all"),
    Role.DISPATCHER: ("to_dispatch", "overdue", "acknowledge", "reply", "all"),
    Role.HANDLER: ("acknowledge", "unit", "overdue", "all"),
    Role.SUPERVISOR: ("overdue", "to_dispatch", "open", "reply", "follow_up", "all"),
    Role.MANAGER: ("overdue", "open", "reply", "all"),
    Role.QUALITY: ("follow_up", "reply", "overdue", "all"),
    Role.AUDITOR: ("overdue", "open", "all"),
    Role.CRISIS: ("overdue", "open", "all"),
    Role.ADMIN: ("overdue", "to_dispatch", "open", "all"),
}


def queues_for(user: User) -> list[Queue]:
    return [QUEUES[c] for c in ROLE_QUEUES.get(user.role_code, ("all",))]


def queue_cases(user: User, queue: Queue, now: datetime) -> QuerySet[Case]:
    return visible_cases(user, Case.objects.all()).filter(queue.restrict(user, now))


def queue_count(user: User, queue: Queue, now: datetime) -> int:
    """How many cases the queue holds, counted up to ``COUNT_CAP + 1``."""
    return queue_cases(user, queue, now).order_by()[: COUNT_CAP + 1].count()


def queue_page(
    user: User, queue: Queue, filters: queries.CaseFilters, *, page: int, now: datetime
) -> queries.Page[Case]:
    """One page of the queue, filtered, soonest deadline first (or as ``filters.ordering``).
    The total is counted up to ``queries.COUNT_LIMIT`` (an exact count of a large table costs
    more than the page)."""
    cases = queries._filter_cases(queue_cases(user, queue, now), filters, now)
    ordering = queries.ordering_of(filters)  # the same order in its cheapest form
    rows = cases.select_related("customer", "incident").defer(*queries._ROW_DEFERRED)
    offset = (max(1, page) - 1) * PAGE_SIZE
    items = list(rows.order_by(*ordering)[offset : offset + PAGE_SIZE + 1])
    more, items = len(items) > PAGE_SIZE, items[:PAGE_SIZE]
    if not more and (items or page == 1):
        count, exact = offset + len(items), True
    elif more and filters.q.strip():
        # a common word matches thousands of cases, and counting them within a unit costs
        # more than the page itself (the planner walks them one by one): say "more than"
        count, exact = offset + len(items), False
    else:
        limit = queries.COUNT_LIMIT
        count = cases.order_by().values("pk")[: limit + 1].count()
        count, exact = min(count, limit), count <= limit
    queries.attach_pack_versions(items)
    return queries.Page(items, count, exact, max(1, page), PAGE_SIZE)


@dataclass(frozen=True)
class QueueRow:
    case: Case
    href: str  # a handler opens their unit's work order; everyone else the case


def rows(user: User, cases: list[Case]) -> list[QueueRow]:
    """Rows with their links; for a handler one query finds their unit's work orders."""
    orders: dict[int, int] = {}
    if user.role_code == Role.HANDLER and cases:
        found = WorkOrder.objects.filter(case_id__in=[c.pk for c in cases], unit_id=user.unit_id)
        for case_id, order_id in found.order_by("id").values_list("case_id", "id"):
            orders[case_id] = order_id  # the newest order of the unit wins
    return [
        QueueRow(c, reverse("console:work_order", args=[orders[c.pk]]) if c.pk in orders
                 else reverse("console:case", args=[c.number]))
        for c in cases
    ]
