"""Incidents at scale (SPEC §4): a join counts one case in under the incident's row lock, and
the other members are graded again only when a count reaches a threshold of the pack's rules
(one bulk update, one bulk insert of events naming the rule). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import tousu.packs
from tests.concurrency.together import run_together
from tests.factories import at, install_packs, intake, make_org
from tousu.cases.incidents import incident_facts
from tousu.cases.models import Case, Event, Incident
from tousu.cases.services import CustomerData
from tousu.packs.registry import install_pack_text

NOW = at("2026-11-02 09:00")
TEXT = "会员到期后没有任何提醒就自动续费扣款，要求退款并关闭自动续费"


def person(n: int, household: str = "") -> CustomerData:
    return CustomerData(name=f"用户{n}", phone=f"1380000{n:04d}", household=household)


def renewal(org, n: int, *, hours: int | None = None, **extra):
    """The internet pack's auto-renewal complaint from customer ``n``."""
    return intake(
        org,
        pack="internet",
        category="complaint_product",
        location="会员中心自动续费",
        description=TEXT,
        customer=extra.pop("customer", person(n)),
        now=NOW + timedelta(hours=n if hours is None else hours),
        **extra,
    )


def upgrades(case: Case) -> list[tuple[str, str, str, str]]:
    """(field, new grade, rule, trigger) of each upgrade event of ``case``, in order."""
    return [
        (
            e.kind.removeprefix("case.").removesuffix("_raised"),
            next(iter(e.after.values())),
            e.data["rule"],
            e.data["trigger"],
        )
        for e in Event.objects.filter(case=case, kind__endswith="_raised").order_by("id")
    ]


@pytest.mark.django_db
def test_a_group_of_twelve_upgrades_each_member_once_per_threshold(org):
    # internet pack: 3 complainants in a month → hot (same_matter_month, the first such
    # rule), 10 joint complainants → major (joint_ten)
    cases = [renewal(org, n) for n in range(1, 13)]
    incident = Incident.objects.get()
    assert (incident.size, incident.households) == (12, 12)
    assert Case.objects.filter(incident=incident).count() == 12
    hot_joined = ("severity", "hot", "same_matter_month", "incident_joined")
    hot_intake = ("severity", "hot", "same_matter_month", "intake")
    major_joined = ("severity", "major", "joint_ten", "incident_joined")
    major_intake = ("severity", "major", "joint_ten", "intake")
    for n, case in enumerate(cases, start=1):
        expected = (
            [hot_joined, major_joined]
            if n < 3
            else [hot_intake, major_joined]
            if n < 10
            else [major_intake]
        )
        assert upgrades(case) == expected, n
        case.refresh_from_db()
        assert case.severity == "major"
    event = Event.objects.filter(case=cases[0], kind="case.severity_raised").first()
    assert event.reason == "一个月内三人以上投诉同一问题"
    assert event.digest and event.prev_digest  # the bulk insert keeps the hash chain


@pytest.mark.django_db
def test_members_already_at_the_new_grade_are_untouched(org):
    first = renewal(org, 1, facts={"media": True})  # major from the start
    renewal(org, 2)
    before = Case.objects.get(pk=first.pk)
    renewal(org, 3)  # three complainants: hot, below the first one's major
    after = Case.objects.get(pk=first.pk)
    assert after.severity == "major"
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert [u[2] for u in upgrades(first)] == ["media"]


@pytest.mark.django_db
def test_only_new_households_count_towards_a_collective_complaint(org):
    # property pack: 5 households on the same lift → major. Owners 1 and 2 share a flat.
    def lift(n: int, household: str):
        return intake(
            org,
            category="equipment_elevator",
            location="幸福小区3栋",
            description="幸福小区3栋电梯又停运了，老人只能爬楼梯，希望尽快修好",
            customer=CustomerData(name=f"业主{n}", phone=f"1390000{n:04d}", household=household),
            now=NOW + timedelta(hours=n),
        )

    cases = [lift(n, f"3-{max(n, 2):03d}") for n in range(1, 6)]
    incident = Incident.objects.get()
    assert (incident.size, incident.households) == (5, 4)
    assert set(Case.objects.values_list("severity", flat=True)) == {"minor"}
    cases.append(lift(6, "3-006"))
    incident.refresh_from_db()
    assert (incident.size, incident.households) == (6, 5)
    for case in cases[:5]:
        assert ("severity", "major", "collective", "incident_joined") in upgrades(case)
        assert ("escalation_level", "special", "collective", "incident_joined") in upgrades(case)
    assert {c.severity for c in Case.objects.all()} == {"major"}


@pytest.mark.django_db
def test_the_same_customer_again_is_not_counted_twice(org):
    renewal(org, 1)
    renewal(org, 2)
    renewal(org, 5, customer=person(2), hours=5)  # customer 2 again, another case
    incident = Incident.objects.get()
    assert incident.cases.count() == 3
    assert (incident.size, incident.households) == (2, 2)
    assert not Case.objects.filter(severity="hot").exists()


def _queries_to_add(org, n: int) -> int:
    for k in range(1, n):
        renewal(org, k, hours=0)
    with CaptureQueriesContext(connection) as queries:
        case = renewal(org, n, hours=0)
    assert Case.objects.get(pk=case.pk).incident.size == n
    return len(queries)


@pytest.mark.django_db
def test_adding_the_nth_member_costs_the_same_queries_at_20_and_60(org):
    at_20 = _queries_to_add(org, 20)
    Case.objects.all().update(incident=None)
    Event.objects.all().delete()
    Case.objects.all().delete()
    Incident.objects.all().delete()
    at_60 = _queries_to_add(org, 60)
    assert at_20 == at_60


@pytest.mark.django_db
def test_an_incident_older_than_its_window_is_counted_again(org):
    for n in range(1, 4):
        renewal(org, n, hours=n * 16 * 24)  # days 16, 32, 48: never three in one month
    incident = Incident.objects.get()
    assert incident.size == 3  # everyone who joined
    assert incident_facts(incident, NOW + timedelta(days=48))["complainant_count"] == 2
    assert not Case.objects.filter(severity="hot").exists()


THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_lose_no_count():
    install_packs()
    org = make_org()
    renewal(org, 1)
    renewal(org, 2)

    assert run_together(lambda n: renewal(org, n), range(3, 3 + THREADS))[1] == []
    incident = Incident.objects.get()
    assert incident.cases.count() == 2 + THREADS
    assert (incident.size, incident.households) == (2 + THREADS, 2 + THREADS)
    # the hot-spot threshold (3) was crossed once: the first two members raised once each
    for case in Case.objects.filter(customer__phone__in=["13800000001", "13800000002"]):
        assert [u[2] for u in upgrades(case)] == ["same_matter_month"]


@pytest.mark.django_db(transaction=True)
def test_complaints_about_one_matter_arriving_together_find_each_other():
    # no earlier case: each intake can only match the others, so each must see those
    # committed before it (same pack and category: they wait for each other's matching);
    # all at the same time, so that each is in the others' window
    install_packs()
    org = make_org()

    assert run_together(lambda n: renewal(org, n, hours=0), range(1, 1 + THREADS))[1] == []
    incident = Incident.objects.get()
    assert incident.cases.count() == THREADS
    assert (incident.size, incident.households) == (THREADS, THREADS)


@pytest.mark.django_db
def test_a_rule_mixing_counts_and_case_facts_grades_each_member_in_full(org):
    path = Path(tousu.packs.__file__).parent / "data" / "internet.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "when: {same_matter_month: {at_least: 3}}", "when: {same_matter_month: {at_least: 99}}"
    ).replace(
        "when: {complainant_count: {at_least: 3}}",
        "when: {complainant_count: {at_least: 3}, our_fault: true}",
    )
    install_pack_text(text, "internet.yaml")
    ours = renewal(org, 1, facts={"our_fault": True})
    other = renewal(org, 2)
    renewal(org, 3)
    assert upgrades(ours) == [("severity", "hot", "joint_three", "incident_joined")]
    assert upgrades(other) == []
