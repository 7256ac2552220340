"""The work-order page for handlers: the order's clocks, the case it serves, and the unit's
actions (acknowledge, progress, return with reason, propose, resolve)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tousu.cases import queries
from tousu.cases.models import Case, WorkOrder
from tousu.org.permissions import visible_work_orders
from tousu.rules.errors import NotFound
from tousu.rules.lifecycle import Action
from tousu.web.console.access import is_htmx, not_found, staff_view

# The actions a handling unit takes from its work order; the rest live on the case page.
ORDER_ACTIONS = (
    Action.ACKNOWLEDGE,
    Action.PROGRESS,
    Action.RETURN,
    Action.PROPOSE,
    Action.CUSTOMER_ACCEPT,
    Action.CUSTOMER_REJECT,
    Action.RESOLVE,
)


def order_for(request: HttpRequest, pk: int | str) -> tuple[WorkOrder, Case] | None:
    """The work order and its case, if the user may see them."""
    if not str(pk).isdigit():
        return None
    orders = visible_work_orders(request.user, WorkOrder.objects.select_related("case"))  # type: ignore[arg-type]
    order = orders.filter(pk=int(pk)).first()
    if order is None:
        return None
    try:
        case = queries.case_detail(request.user, order.case.number)  # type: ignore[arg-type]
    except NotFound:
        return None
    order = next(o for o in case.work_orders.all() if o.pk == order.pk)
    return order, case


def order_extra(order: WorkOrder) -> dict:
    return {
        "order": order,
        "order_actions": [a.value for a in ORDER_ACTIONS],
        "back": reverse("console:work_order", args=[order.pk]),
    }


def order_template(request: HttpRequest, fragment: bool) -> str:
    return "console/work_order/_page.html" if fragment else "console/work_order.html"


@staff_view
def work_order_page(request: HttpRequest, pk: int) -> HttpResponse:
    from tousu.web.console.views.case import render_case

    found = order_for(request, pk)
    if found is None:
        return not_found(request, str(pk))
    order, case = found
    return render_case(request, case, template=order_template(request, is_htmx(request)),
                       extra=order_extra(order))
