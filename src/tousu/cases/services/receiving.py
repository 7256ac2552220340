"""Where a case that no staff member registered lands: the receiving unit.

A case typed in by an agent belongs to the agent's unit (``intake_unit``). Cases that arrive
without a staff registrant (portal and public API submissions, e-mail intake, regulator and
headquarters imports) would otherwise belong to no unit, and only roles that see every case
would find them. ``place_in_receiving_unit`` gives such a case the receiving unit, so the
agents of that unit find it in their queues.
"""

from __future__ import annotations

from django.conf import settings

from tousu.cases.models import Case
from tousu.org.models import Unit


def receiving_unit() -> Unit | None:
    """The unit whose agents take in cases without a staff registrant: the unit coded
    ``TOUSU_PORTAL_UNIT``, else the top of the organisation (the first active unit without a
    parent)."""
    units = Unit.objects.filter(active=True)
    if code := settings.TOUSU_PORTAL_UNIT:
        return units.filter(code=code).first()
    return units.filter(parent=None).order_by("code").first()


def place_in_receiving_unit(case: Case, unit: Unit | None = None) -> None:
    """Give ``case`` the receiving unit (``unit`` when the caller looked it up already) unless
    it has an intake unit; saves only that field."""
    if case.intake_unit_id is not None:
        return
    unit = unit or receiving_unit()
    if unit is None:
        return
    case.intake_unit = unit
    case.save(update_fields=["intake_unit"])


__all__ = ["place_in_receiving_unit", "receiving_unit"]
