"""Concurrent retries of one urge with the same Idempotency-Key urge the case once."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

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
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            result = services.intake_case(
                actor=org.actor("agent"),
                data=data,
                idempotency_key="retry-storm-1",
                raw_payload=payload,
            )
            numbers.append(result.case.number)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert numbers == [case.number] * THREADS
    assert Case.objects.get(pk=case.pk).urge_count == 1
    assert Event.objects.filter(case=case, kind="case.urged").count() == 1
    assert IdempotencyKey.objects.filter(key="retry-storm-1").count() == 1
