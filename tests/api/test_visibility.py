"""Who sees which case, and whose personal data is masked (SPEC §8)."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of
from tests.factories import act

pytestmark = pytest.mark.django_db


@pytest.fixture
def eng_case(org, make_case):
    case = make_case(references={"phone": "13900139000", "room": "3-502"})
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    return case


def test_handler_cannot_see_or_touch_another_units_case(api_as, eng_case):
    sec = api_as("handler_sec")
    response = sec.get(f"/cases/{eng_case.number}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    response = sec.action(eng_case.number, "acknowledge")
    assert response.status_code == 404
    assert error_of(response)["message"] == f"no case numbered '{eng_case.number}'"
    assert api_as("handler_eng").get(f"/cases/{eng_case.number}").status_code == 200


def test_phone_is_masked_for_a_handler_and_shown_to_an_agent(api_as, eng_case):
    handler_view = api_as("handler_eng").get(f"/cases/{eng_case.number}").json()
    assert handler_view["customer"] == {
        "name": "王**",
        "phone": "138****8000",
        "email": "",
        "address": "幸福小******",
        "household": "3****",
    }
    assert handler_view["references"] == {"phone": "139****9000", "room": "3-502"}
    listed = api_as("handler_eng").get("/cases").json()["items"][0]
    assert listed["customer"]["phone"] == "138****8000"

    agent_view = api_as("agent").get(f"/cases/{eng_case.number}").json()
    assert agent_view["customer"] == {
        "name": "王女士",
        "phone": "13800138000",
        "email": "",
        "address": "幸福小区3栋502",
        "household": "3-502",
    }
    assert agent_view["references"]["phone"] == "13900139000"


@pytest.mark.parametrize(
    ("role", "unmasked"),
    [
        ("admin", True),
        ("agent", True),
        ("dispatcher", True),
        ("supervisor", True),
        ("manager", True),
        ("crisis", True),
        ("quality", False),
        ("auditor", False),
        ("handler_eng", False),
    ],
)
def test_personal_data_by_role(api_as, eng_case, role, unmasked):
    phone = api_as(role).get(f"/cases/{eng_case.number}").json()["customer"]["phone"]
    assert (phone == "13800138000") is unmasked


def test_agent_of_another_centre_cannot_see_the_case(api_as, eng_case):
    assert api_as("agent_north").get(f"/cases/{eng_case.number}").status_code == 404


def test_allowed_actions_are_the_requesters(api_as, eng_case):
    assert api_as("handler_eng").get(f"/cases/{eng_case.number}").json()["allowed_actions"] == [
        "acknowledge",
        "return",
        "escalate",
        "pause",
        "request-extension",
    ]
    assert api_as("dispatcher").get(f"/cases/{eng_case.number}").json()["allowed_actions"] == [
        "triage",
        "dispatch",
        "urge",
        "escalate",
        "withdraw",
        "mark-invalid",
        "merge",
        "pause",
        "request-extension",
    ]
