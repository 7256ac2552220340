"""The sweep seals its events per case and saves the case's latest digest with the case's other
changes (``sweep_case``); a case that also gets events written on their own in the same sweep
(an age upgrade through ``record``) keeps one unbroken chain in event id order."""

from __future__ import annotations

import pytest

from tests.factories import act, at, intake
from tousu.cases.history import check_chains
from tousu.cases.models import Case
from tousu.cases.sweep import run_sweep

pytestmark = pytest.mark.django_db


def test_an_upgrade_and_bulk_events_in_one_sweep_chain_in_id_order(org):
    case = intake(org, now=at("2026-11-02 09:00"), category="equipment")
    act(org, "dispatcher", "triage", case, validity="valid", now=at("2026-11-02 09:02"))
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-11-02 09:05"))
    before = set(case.events.values_list("id", flat=True))
    run_sweep(at("2026-12-02 09:00"))  # a month late: escalated (bulk) and raised (record)
    new = list(case.events.exclude(id__in=before).order_by("id"))
    kinds = [e.kind for e in new]
    assert "case.severity_raised" in kinds and "case.escalated" in kinds, kinds
    assert [e.prev_digest for e in new[1:]] == [e.digest for e in new[:-1]]
    assert Case.objects.get(pk=case.pk).history_digest == new[-1].digest
    [chain] = check_chains(case.number)
    assert chain.broken is None
    assert run_sweep(at("2026-12-02 09:00")).summary() == "nothing to do"
    [chain] = check_chains(case.number)
    assert chain.broken is None and chain.events == len(before) + len(new)
