"""Events recorded on one case from several threads at once still form one unbroken chain."""

from __future__ import annotations

import pytest

from tests.concurrency.together import run_together
from tests.factories import install_packs, intake, intake_data, make_org
from tousu.cases import services
from tousu.cases.history import check_chains
from tousu.cases.models import Event

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_parallel_urges_keep_the_case_chain_intact():
    install_packs()
    org = make_org()
    case = intake(org)

    def work(n: int) -> object:
        data = intake_data(repeat_of=case.number, description=f"客户第{n + 2}次来电催办")
        return services.intake_case(actor=org.actor("agent"), data=data)

    _, errors = run_together(work, range(THREADS))
    assert errors == []
    assert Event.objects.filter(case=case, kind="case.urged").count() == THREADS
    chains = {c.number: c for c in check_chains(case.number)}
    assert chains[case.number].events == case.events.count()
    assert chains[case.number].broken is None
