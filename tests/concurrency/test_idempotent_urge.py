"""Concurrent retries of one urge with the same Idempotency-Key urge the case once."""

from __future__ import annotations

import pytest

from tests.concurrency.together import run_together
from tests.factories import install_packs, intake, intake_data, make_org
from tousu.cases import services
from tousu.cases.models import Case, Event, IdempotencyKey

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_parallel_retries_of_one_urge_urge_once():
    install_packs()
    org = make_org()
    case = intake(org)
    data = intake_data(repeat_of=case.number, description="客户第三次来电催促")
    payload = {"repeat_of": case.number, "description": data.description}

    def work(_: int) -> str:
        result = services.intake_case(
            actor=org.actor("agent"),
            data=data,
            idempotency_key="retry-storm-1",
            raw_payload=payload,
        )
        return result.case.number

    numbers, errors = run_together(work, range(THREADS))
    assert errors == []
    assert numbers == [case.number] * THREADS
    assert Case.objects.get(pk=case.pk).urge_count == 1
    assert Event.objects.filter(case=case, kind="case.urged").count() == 1
    assert IdempotencyKey.objects.filter(key="retry-storm-1").count() == 1
