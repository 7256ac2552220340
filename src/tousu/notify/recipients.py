"""Who is told: pack positions resolved to staff users, the case's owner, the customer.

A pack names job titles (``Position``: a platform role and a scope). A *unit*-scope position
is held by the users of that role in the handling unit, or, when it has none, in the nearest
unit above it (a department without its own manager reports to the centre's). An
*organisation*-scope position is held by the users of that role in the top unit of the tree.
Lookups are memoised per ``Directory``, so a sweep over many cases asks each question once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tousu.cases.models import Case, WorkOrder
from tousu.org.models import Unit, User
from tousu.packs.schema import Pack, Position

# A unit head: the manager of the unit, or its supervisor (seed 000 property rules).
HEAD_ROLES = ("manager", "supervisor")


class Directory:
    """Units and role holders, loaded lazily and remembered."""

    def __init__(self) -> None:
        self._parents: dict[int, int | None] | None = None
        self._members: dict[tuple[int, str], list[User]] = {}

    def _parent_map(self) -> dict[int, int | None]:
        if self._parents is None:
            self._parents = dict(Unit.objects.values_list("id", "parent_id"))
        return self._parents

    def lineage(self, unit_id: int) -> list[int]:
        """The unit, its parent, … up to the top (cycles cannot be stored, but stop anyway)."""
        parents, chain = self._parent_map(), [unit_id]
        while (parent := parents.get(chain[-1])) is not None and parent not in chain:
            chain.append(parent)
        return chain

    def members(self, unit_id: int, role: str) -> list[User]:
        key = (unit_id, role)
        if key not in self._members:
            query = User.objects.filter(unit_id=unit_id, role=role, is_active=True)
            self._members[key] = list(query.order_by("id"))
        return self._members[key]

    def nearest(self, unit_id: int, role: str) -> list[User]:
        for unit in self.lineage(unit_id):
            if found := self.members(unit, role):
                return found
        return []

    def at_top(self, unit_id: int, role: str) -> list[User]:
        return self.members(self.lineage(unit_id)[-1], role)

    def holders(self, position: Position, unit_id: int) -> list[User]:
        if position.scope == "organisation":
            return self.at_top(unit_id, position.role)
        return self.nearest(unit_id, position.role)


@dataclass
class Subject:
    """The case an event is about, with the live work orders it concerns."""

    case: Case
    pack: Pack
    orders: list[WorkOrder] = field(default_factory=list)
    level: str = "case"  # "order": the event concerns the one work order in ``orders``

    def base_units(self) -> list[int]:
        """Units whose people answer for the case: the work orders' units, else the intake
        unit (still undispatched, or finished)."""
        units = _unique(o.unit_id for o in self.orders)
        if units:
            return units
        return [self.case.intake_unit_id] if self.case.intake_unit_id else []


def handlers(subject: Subject, directory: Directory) -> list[User]:
    """Each order's handler, or the handlers of its unit before anyone has signed for it;
    with no live order, the staff member who took the case (they dispatch and reply)."""
    users: list[User] = []
    for order in subject.orders:
        users += [order.handler] if order.handler else directory.members(order.unit_id, "handler")
    if not subject.orders and subject.case.first_owner is not None:
        users.append(subject.case.first_owner)
    return unique_users(users)


def unit_heads(subject: Subject, directory: Directory) -> list[User]:
    users: list[User] = []
    for unit in subject.base_units():
        for role in HEAD_ROLES:
            users += directory.nearest(unit, role)
    return unique_users(users)


def positions(subject: Subject, codes: Iterable[str], directory: Directory) -> list[User]:
    users: list[User] = []
    for code in codes:
        position = subject.pack.position(code)
        if position is None:
            continue  # the loader checks codes; an old event may name a retired one
        if position.role == "handler":
            users += handlers(subject, directory)
            continue
        for unit in subject.base_units():
            users += directory.holders(position, unit)
    return unique_users(users)


def unique_users(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        seen.setdefault(user.pk, user)
    return list(seen.values())


def _unique(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))
