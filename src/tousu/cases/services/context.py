"""Loading a case for an action: lock, visibility, version check, and the actor's work orders."""

from __future__ import annotations

from tousu.cases.models import Case, WorkOrder
from tousu.cases.services.common import Actor, check_version, lock_case, pack_for
from tousu.org.permissions import can_see_case
from tousu.packs.schema import Pack
from tousu.rules.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from tousu.rules.lifecycle import Role


def begin(actor: Actor, number: str, expected_version: int | None) -> tuple[Case, Pack]:
    """Lock the case, check the actor may see it and that it has not moved on meanwhile."""
    case = lock_case(number)
    if actor.user is not None and not can_see_case(actor.user, case):
        raise NotFound(f"no case numbered '{number}'")  # do not reveal other units' cases
    check_version(case, expected_version)
    return case, pack_for(case)


def orders_for_actor(
    case: Case, actor: Actor, unit_code: str, single: bool = False
) -> list[WorkOrder]:
    """The live work orders an action applies to: the named unit's, the handler's own unit's,
    or the case's only live order."""
    live = list(case.work_orders.filter(status__in=WorkOrder.LIVE).select_related("unit"))
    if unit_code:
        chosen = [o for o in live if o.unit.code == unit_code]
        if not chosen:
            raise ValidationFailed.one(
                "unit",
                f"unit '{unit_code}' has no live work order on case {case.number}",
                ErrorCode.UNKNOWN,
            )
    elif actor.role == Role.HANDLER:
        chosen = [o for o in live if o.unit_id == actor.unit_id]
    elif len({o.unit_id for o in live}) <= 1:
        chosen = live
    else:
        units = ", ".join(sorted({o.unit.code for o in live}))
        raise ValidationFailed.one("unit", f"several units hold work orders ({units}); name one")
    if actor.role == Role.HANDLER and any(o.unit_id != actor.unit_id for o in chosen):
        raise Forbidden("a handler may act only on the work orders of their own unit")
    if single and len(chosen) > 1:
        raise ValidationFailed.one("unit", "name the unit whose work order this is")
    return chosen
