"""Two administrators editing two units at once (console: 组织与部门) both succeed: the edit
of a unit with a parent locks the whole tree before the unit itself, in code order like every
unit lock, so neither holds a row the other is waiting for.

The moment that used to deadlock is forced: each edit reaches its first read of the tree only
once the other has too (by then, before the fix, each held its own unit's row)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.factories import make_org
from tousu.org import units
from tousu.org.models import Unit

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_edits_at_once_both_succeed(monkeypatch):
    org = make_org()
    admin = org.users["admin"]
    first, second = sorted(Unit.objects.exclude(parent=None).values_list("code", flat=True))[:2]
    together = threading.Barrier(2)
    seen: set[int] = set()
    tree = units._tree

    def tree_once_both_are_here() -> dict:
        if threading.get_ident() not in seen:
            seen.add(threading.get_ident())
            together.wait(timeout=10)
        return tree()

    monkeypatch.setattr(units, "_tree", tree_once_both_are_here)
    errors: list[BaseException] = []

    def edit(code: str) -> None:
        unit = Unit.objects.select_related("parent").get(code=code)
        data = units.UnitInput(
            name=f"{unit.name}（改）", kind=unit.kind, parent=unit.parent.code
        )
        try:
            units.change_unit(by=admin, code=code, data=data)
        except BaseException as error:  # asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(code,)) for code in (second, first)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    names = Unit.objects.filter(code__in=[first, second]).values_list("name", flat=True)
    assert all(name.endswith("（改）") for name in names)
