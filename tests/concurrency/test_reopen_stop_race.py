"""A unit being stopped and a reopening of a case it finished, at the same time, never leave a
stopped unit holding an open work order: the reopen share-locks the units of the case's done
orders before the case (cases.services.actions._DoneOrders), the stop locks the unit and then
counts its open work. Each ordering forced as in test_unit_stop_race.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from tests.concurrency.test_unit_stop_race import _race, _stop
from tests.factories import Org, act, install_packs, intake, make_org
from tousu.cases import services
from tousu.cases.models import Case, WorkOrder
from tousu.org.models import Unit
from tousu.rules.errors import ValidationFailed

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _replied() -> tuple[Org, str]:
    """A case whose only work order, at 安保部 (sec), is done: replied, waiting for follow-up."""
    install_packs()
    org = make_org()
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["sec"])
    act(org, "handler_sec", "acknowledge", case)
    act(org, "handler_sec", "resolve", case)
    act(org, "agent", "reply", case, message="已处理完毕")
    return org, case.number


def _reopen(org: Org, number: str) -> Callable[[], object]:
    return lambda: services.reopen_case(
        actor=org.actor("quality"), number=number, reason="客户反映问题复发"
    )


def test_a_stop_committed_while_a_reopen_waits_sends_the_case_back_for_dispatch():
    org, number = _replied()
    outcome = _race(_stop(org), _reopen(org, number))
    assert isinstance(outcome["first"], Unit)
    assert outcome["second"].status == "registered", outcome["second"]  # type: ignore[attr-defined]
    assert Unit.objects.get(code="sec").active is False
    assert WorkOrder.objects.get(case__number=number).status == WorkOrder.State.DONE
    event = Case.objects.get(number=number).events.get(kind="case.reopened")
    assert event.data["back_to_dispatch"] is True


def test_a_reopen_committed_while_a_stop_waits_refuses_the_stop():
    org, number = _replied()
    outcome = _race(_reopen(org, number), _stop(org))
    assert outcome["first"].status == "processing"  # type: ignore[attr-defined]
    refused = outcome["second"]
    assert isinstance(refused, ValidationFailed), refused
    assert "1 张在办的处理单" in refused.errors[0].message
    assert Unit.objects.get(code="sec").active is True
    assert WorkOrder.objects.get(case__number=number).status == WorkOrder.State.ACKNOWLEDGED
