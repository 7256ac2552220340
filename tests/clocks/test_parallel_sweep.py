"""Two workers sweeping at once on PostgreSQL escalate every breach exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from tests.clocks.helpers import dispatched
from tests.factories import at, install_packs, make_org
from tousu.cases.history import check_chains
from tousu.cases.models import Event
from tousu.cases.sweep import run_sweep
from tousu.notify.models import Notification

CASES = 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_parallel_sweeps_escalate_each_breach_once():
    install_packs()
    org = make_org()
    for _ in range(CASES):
        dispatched(org)  # every work order breached at 09:35; three steps due by 11-03 10:00
    now = at("2026-11-03 10:00")
    start = threading.Barrier(2)
    reports, errors = [], []

    def sweep() -> None:
        try:
            start.wait()
            reports.append(run_sweep(now, batch_size=4))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    escalations = Counter(
        Event.objects.filter(kind="case.escalated").values_list("data__work_order", "data__step")
    )
    assert len(escalations) == CASES * 3
    assert set(escalations.values()) == {1}
    assert sum(r.counts["case.escalated"] for r in reports) == CASES * 3
    assert Event.objects.filter(kind="case.overdue").count() == CASES
    # each escalation told its people once: handler step -> two handlers, others one person
    assert Notification.objects.filter(kind="case.escalated").count() == CASES * 4
    assert run_sweep(now).summary() == "nothing to do"
    # each case's events, from both workers, form one unbroken hash chain
    chains = list(check_chains())
    assert len(chains) == CASES and all(c.broken is None for c in chains)
