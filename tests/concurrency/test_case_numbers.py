"""Concurrent intake never repeats a case number and never fails (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.factories import install_packs, intake, make_org
from tousu.cases.models import Case

THREADS = 8
PER_THREAD = 50


@pytest.mark.django_db(transaction=True)
def test_parallel_intake_gives_distinct_numbers():
    install_packs()
    org = make_org()
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            for _ in range(PER_THREAD):
                case = intake(org)
                with lock:
                    numbers.append(case.number)
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
    assert len(numbers) == THREADS * PER_THREAD
    assert len(set(numbers)) == THREADS * PER_THREAD
    assert Case.objects.count() == THREADS * PER_THREAD
    serials = sorted(int(n[6:]) for n in numbers)
    assert serials == list(range(1, THREADS * PER_THREAD + 1)), connection.vendor
