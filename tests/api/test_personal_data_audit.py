"""SPEC §8: every view of unmasked personal data is logged, and auditors can read the log."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of, field_names, intake_body
from tousu.cases.models import PersonalDataView

pytestmark = pytest.mark.django_db


def _register(api, **overrides) -> str:
    response = api.post("/cases", intake_body(**overrides))
    assert response.status_code == 201, response.content
    return response.json()["number"]


def test_an_unmasked_detail_is_logged_with_who_what_and_where(api_as, org):
    number = _register(api_as("agent"), references={"phone": "13900139000"})
    assert PersonalDataView.objects.count() == 0  # the registrant's own input, echoed
    response = api_as("supervisor").get(f"/cases/{number}")
    assert response.json()["customer"]["phone"] == "13800138000"
    view = PersonalDataView.objects.get()
    assert view.user == org.users["supervisor"]
    assert view.case.number == number
    assert view.fields == ["name", "phone", "address", "household", "references.phone"]
    assert view.source == f"api GET /api/v1/cases/{number}"
    assert view.address == "127.0.0.1"


def test_masked_views_are_not_logged(api_as):
    number = _register(api_as("agent"))
    response = api_as("quality").get(f"/cases/{number}")
    assert response.json()["customer"]["phone"] == "138****8000"
    api_as("quality").get("/cases")
    assert PersonalDataView.objects.count() == 0


def test_a_list_page_logs_each_case_it_shows_unmasked(api_as):
    agent = api_as("agent")
    numbers = {_register(agent, description=f"第{n}次反映楼道灯不亮") for n in range(3)}
    page = agent.get("/cases", {"page_size": 2}).json()
    shown = {row["number"] for row in page["items"]}
    assert len(shown) == 2
    assert set(PersonalDataView.objects.values_list("case__number", flat=True)) == shown
    assert shown <= numbers


def test_auditors_read_the_log_newest_first_and_by_case(api_as, org):
    agent = api_as("agent")
    first, second = _register(agent), _register(agent, description="电梯困人")
    api_as("supervisor").get(f"/cases/{first}")
    api_as("manager").get(f"/cases/{second}")
    log = api_as("auditor").get("/audit/personal-data")
    assert log.status_code == 200, log.content
    body = log.json()
    assert body["count"] == 2
    assert [(r["user"], r["case"]) for r in body["items"]] == [
        ("manager", second),
        ("supervisor", first),
    ]
    assert body["items"][0]["source"] == f"api GET /api/v1/cases/{second}"
    assert "phone" in body["items"][0]["fields"]
    only = api_as("admin").get("/audit/personal-data", {"case": first}).json()
    assert [r["user"] for r in only["items"]] == ["supervisor"]
    by_user = api_as("auditor").get("/audit/personal-data", {"user": "manager"}).json()
    assert [r["case"] for r in by_user["items"]] == [second]


@pytest.mark.parametrize("role", ["agent", "supervisor", "quality", "handler_eng"])
def test_only_auditors_and_admins_read_the_log(api_as, role):
    response = api_as(role).get("/audit/personal-data")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_a_misspelt_filter_is_named(api_as):
    response = api_as("auditor").get("/audit/personal-data", {"cases": "x"})
    assert response.status_code == 422
    assert field_names(response) == ["cases"]


def test_the_consoles_show_is_in_the_log_too(api_as, org):
    """One log for both: the console's show writes the API's PersonalDataView row (and keeps
    its event in the case's history), listed once."""
    from tousu.cases.models import Event
    from tousu.cases.services import Actor
    from tousu.cases.services.audit import reveal_personal_data

    number = _register(api_as("agent"))
    reveal_personal_data(actor=Actor(org.users["dispatcher"]), number=number,
                         source=f"console POST /console/cases/{number}/personal-data/",
                         address="10.0.0.7")
    items = api_as("auditor").get("/audit/personal-data").json()["items"]
    assert [(r["user"], r["case"], r["source"], r["address"]) for r in items] == [
        ("dispatcher", number, f"console POST /console/cases/{number}/personal-data/", "10.0.0.7")
    ]
    assert items[0]["fields"] == ["name", "phone", "address", "household"]
    event = Event.objects.get(case__number=number, kind="case.personal_data_viewed")
    assert event.data["fields"] == items[0]["fields"]


def test_a_show_refused_to_a_masked_role_logs_nothing(api_as, org):
    from tousu.cases.models import Event
    from tousu.cases.services import Actor
    from tousu.cases.services.audit import reveal_personal_data
    from tousu.rules.errors import Forbidden, NotFound

    number = _register(api_as("agent"))
    with pytest.raises(Forbidden):
        reveal_personal_data(actor=Actor(org.users["quality"]), number=number, source="console")
    with pytest.raises(NotFound):  # another unit's handler does not learn that it exists
        reveal_personal_data(actor=Actor(org.users["handler_sec"]), number=number,
                             source="console")
    assert PersonalDataView.objects.count() == 0
    assert not Event.objects.filter(kind="case.personal_data_viewed").exists()


def test_shows_logged_as_events_only_are_copied_into_the_log(api_as, org):
    """Migration cases/0015: console shows from before, kept only as case events, join the
    log, so the audit page and API still list them."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from tousu.cases.models import Case
    from tousu.cases.services import Actor
    from tousu.cases.services.common import record

    migration = importlib.import_module(
        "tousu.cases.migrations.0015_console_shows_in_the_view_log")
    number = _register(api_as("agent"))
    case = Case.objects.get(number=number)
    record(case, "case.personal_data_viewed", Actor(org.users["agent"]), timezone.now(),
           data={"fields": ["name", "phone"]})
    migration.copy_console_shows(apps, None)
    view = PersonalDataView.objects.get()
    assert (view.user.username, view.case.number, view.fields, view.source) == (
        "agent", number, ["name", "phone"], "console")
