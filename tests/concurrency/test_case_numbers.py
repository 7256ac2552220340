"""Concurrent intake never repeats a case number and never fails (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.concurrency.together import run_together
from tests.factories import install_packs, intake, make_org
from tousu.cases.models import Case

THREADS = 8
PER_THREAD = 50


@pytest.mark.django_db(transaction=True)
def test_parallel_intake_gives_distinct_numbers():
    install_packs()
    org = make_org()

    def work(_: int) -> list[str]:
        return [intake(org).number for _ in range(PER_THREAD)]

    batches, errors = run_together(work, range(THREADS))
    assert errors == []
    numbers = [n for batch in batches for n in batch]
    assert len(numbers) == THREADS * PER_THREAD
    assert len(set(numbers)) == THREADS * PER_THREAD
    assert Case.objects.count() == THREADS * PER_THREAD
    serials = sorted(int(n[6:]) for n in numbers)
    assert serials == list(range(1, THREADS * PER_THREAD + 1)), connection.vendor
