"""A unit being stopped and a dispatch to it, at the same time, never leave a stopped unit
holding an open work order: the dispatch share-locks its units and checks them active
(cases.services.common.lock_units), the stop locks the unit (FOR NO KEY UPDATE) and then counts
its open work (org.units.set_unit_active, the Django admin's unit form), so one of the two waits
for the other. The admin's form also locks the whole tree (org.units._tree); with FOR UPDATE
there, it and a committing dispatch (whose foreign-key checks lock the units its rows name)
deadlocked: the admin test below caught it.

Each ordering is forced: the first transaction is held open until PostgreSQL shows the second
one waiting for a row lock, then committed. Without the dispatch's lock, the stop-first case
fails: the dispatch read the unit active before the stop committed and issued its order after.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from tests.factories import Org, install_packs, intake, make_org
from tousu.cases import services
from tousu.cases.models import WorkOrder
from tousu.org.models import Unit
from tousu.org.units import set_unit_active
from tousu.rules.errors import ValidationFailed

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _wait_for_a_lock_wait() -> None:
    """Until another backend of this database waits for a lock (a condition, not a timing:
    the bound only keeps a broken test from hanging)."""
    with connection.cursor() as cursor:
        for _ in range(2000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.005)
    raise AssertionError("the second transaction never waited for the first one's lock")


def _race(first: Callable[[], object], second: Callable[[], object]) -> dict[str, object]:
    """Run ``first`` in a transaction kept open until ``second`` (in another thread) waits for
    its lock; the outcome of each: its result or the error it raised."""
    outcome: dict[str, object] = {}
    started = threading.Barrier(2)

    def run(name: str, work: Callable[[], object], hold: bool) -> None:
        try:
            with transaction.atomic():
                if hold:
                    outcome[name] = work()
                    started.wait()
                    _wait_for_a_lock_wait()
                else:
                    started.wait()
                    outcome[name] = work()
        except BaseException as error:  # the outcome asserted by the test
            outcome[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("first", first, True)),
        threading.Thread(target=run, args=("second", second, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def _setup() -> tuple[Org, str]:
    install_packs()
    org = make_org()
    return org, intake(org).number


def _dispatch(org: Org, number: str) -> Callable[[], object]:
    return lambda: services.dispatch_case(
        actor=org.actor("dispatcher"), number=number, units=["sec"]
    )


def _stop(org: Org) -> Callable[[], object]:
    return lambda: set_unit_active(by=org.users["admin"], code="sec", active=False)


def test_a_stop_committed_while_a_dispatch_waits_refuses_the_dispatch():
    org, number = _setup()
    outcome = _race(_stop(org), _dispatch(org, number))
    assert isinstance(outcome["first"], Unit)
    refused = outcome["second"]
    assert isinstance(refused, ValidationFailed), refused
    assert refused.errors[0].field == "units[0]"
    assert "stopped" in refused.errors[0].message
    assert Unit.objects.get(code="sec").active is False
    assert not WorkOrder.objects.filter(unit__code="sec").exists()


def test_a_dispatch_committed_while_a_stop_waits_refuses_the_stop():
    org, number = _setup()
    outcome = _race(_dispatch(org, number), _stop(org))
    assert outcome["first"].number == number  # type: ignore[attr-defined]
    refused = outcome["second"]
    assert isinstance(refused, ValidationFailed), refused
    assert refused.errors[0].field == "active"
    assert "1 张在办的处理单" in refused.errors[0].message
    assert Unit.objects.get(code="sec").active is True
    assert WorkOrder.objects.filter(unit__code="sec", status__in=WorkOrder.LIVE).count() == 1


def test_free_races_never_leave_a_stopped_unit_with_open_work():
    """No ordering forced: both start at a barrier, several rounds; whichever wins, a stopped
    unit holds no open work order."""
    install_packs()
    org = make_org()
    for round_ in range(6):
        Unit.objects.filter(code="sec").update(active=True)
        WorkOrder.objects.filter(unit__code="sec").update(status=WorkOrder.State.CANCELLED)
        number = intake(org, location=f"幸福小区{round_}栋").number
        started = threading.Barrier(2)
        errors: list[BaseException] = []

        def run(work: Callable[[], object], started: threading.Barrier,
                errors: list[BaseException]) -> None:
            try:
                started.wait()
                work()
            except ValidationFailed:
                pass  # the loser's refusal: either is right
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(w, started, errors))
                   for w in (_stop(org), _dispatch(org, number))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        live = WorkOrder.objects.filter(unit__code="sec", status__in=WorkOrder.LIVE).count()
        stopped = not Unit.objects.get(code="sec").active
        assert not (stopped and live), f"round {round_}: stopped with {live} open orders"
        assert stopped or live == 1


def test_a_stop_in_the_django_admin_waits_for_a_dispatch_and_is_refused():
    """The admin's unit form locks the row too before counting the unit's open work."""
    org, number = _setup()
    admin = org.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    browser = Client()
    browser.force_login(admin)
    sec = Unit.objects.get(code="sec")
    form = {"code": "sec", "name": sec.name, "kind": sec.kind, "parent": str(sec.parent_id),
            "head": "", "routing_keys": json.dumps(sec.routing_keys), "office_hours": ""}
    # no "active" in the form: the box unticked, the unit stopped
    outcome = _race(_dispatch(org, number),
                    lambda: browser.post(f"/admin/org/unit/{sec.pk}/change/", form))
    assert outcome["first"].number == number  # type: ignore[attr-defined]
    page = outcome["second"]
    assert page.status_code == 200  # type: ignore[attr-defined]  # the form again, refused
    assert "还有 1 张在办的处理单" in page.content.decode()  # type: ignore[attr-defined]
    assert Unit.objects.get(code="sec").active is True
