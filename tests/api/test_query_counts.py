"""Query budgets of the hot API paths (bench/README.md): counted, not timed, so that a change
that adds a query per request (or per row) fails here instead of slowly in production.

The counts are those of an intake that joins no incident and raises no grade, and of a list
page of 20 rows; both hold on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import intake_body

pytestmark = pytest.mark.django_db

# The token's owner is read once per process every few seconds (tousu.api.auth), and each
# pack's active version once a second (tousu.packs.registry): the budgets below are those of a
# token and a pack used a moment before, as in steady traffic.
# customer, the month's serial and the new case's id (one statement
# on PostgreSQL, two on SQLite; taken before the case row, so that it is inserted with its first
# event's digest, tousu.cases.history), case, event, incident candidates (the answer's events
# are those just written, and it echoes what the registrant typed: not logged as a view of
# personal data); on PostgreSQL also the same-matter lock of the pack and category
# (tousu.cases.incidents.find_same_matter)
INTAKE_QUERIES = 6
# the page (with customer, units, owner, incident and pack version joined), the count, the log
# of personal data shown unmasked (one INSERT for the page)
LIST_QUERIES = 3
# the case (joined as above, with whether it has proposals or files: this one has neither, so
# they are not read), its work orders, events, the log
DETAIL_QUERIES = 4


@pytest.fixture(autouse=True)
def _token_kept(monkeypatch):
    """Counts must not depend on how long a loaded machine takes between requests."""
    monkeypatch.setattr("tousu.api.auth.TOKEN_CACHE_SECONDS", 3600.0)


def _statements(captured: CaptureQueriesContext) -> list[str]:
    """The SQL sent, without transaction control (SAVEPOINT / RELEASE differ by database) and
    PostgreSQL's planner settings (tousu.cases.plans: SET LOCAL, and RESET inside the test's
    transaction), which SQLite does not send."""
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
    skip += ("SET LOCAL ", "RESET ")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(skip)]


def _intake(api, n: int):
    body = intake_body(
        category="equipment_water",
        location=f"幸福小区{n}栋",
        description=f"第{n}户厨房水管爆裂",
        customer={"name": "王女士", "phone": f"1380013{n:04d}"},
    )
    response = api.post("/cases", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_one_intake_costs_a_fixed_number_of_queries(api_as):
    agent = api_as("agent")
    for n in range(3):  # earlier cases of the category: candidates, but other places
        _intake(agent, n)
    with CaptureQueriesContext(connection) as captured:
        case = _intake(agent, 99)
    assert case["incident"] is None  # the budget is that of an intake joining no incident
    assert len(_statements(captured)) == INTAKE_QUERIES, "\n".join(
        q[:150] for q in _statements(captured)
    )


def test_the_intake_answer_is_the_case_as_read_back(api_as):
    agent = api_as("agent")
    created = _intake(agent, 7)
    read = agent.get(f"/cases/{created['number']}").json()
    assert created.pop("intake_result") == "created"
    assert created == read


def test_a_list_page_costs_the_same_queries_for_2_or_20_rows(api_as):
    agent, supervisor = api_as("agent"), api_as("supervisor")
    sizes = []
    for total in (2, 20):
        while len(supervisor.get("/cases", {"page_size": 100}).json()["items"]) < total:
            _intake(agent, len(sizes) * 100 + total + len(sizes))
            sizes.append(total)
        with CaptureQueriesContext(connection) as captured:
            page = supervisor.get("/cases", {"page_size": total}).json()
        assert len(page["items"]) == total
        assert len(_statements(captured)) == LIST_QUERIES, _statements(captured)


def test_a_case_detail_costs_a_fixed_number_of_queries(api_as):
    agent, supervisor = api_as("agent"), api_as("supervisor")
    number = _intake(agent, 5)["number"]
    supervisor.get("/cases")  # the token's first use also records when it was used
    with CaptureQueriesContext(connection) as captured:
        response = supervisor.get(f"/cases/{number}")
    assert response.status_code == 200
    assert len(_statements(captured)) == DETAIL_QUERIES, _statements(captured)
