"""POST /cases: intake, its validation, idempotency and repeat contacts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.helpers import error_of, field_names, intake_body
from tousu.cases.models import Case, CaseSerial, Event

pytestmark = pytest.mark.django_db

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$")


def counts() -> tuple[int, int, int, list[tuple[str, int]]]:
    serials = list(CaseSerial.objects.order_by("month").values_list("month", "last"))
    return Case.objects.count(), Event.objects.count(), CaseSerial.objects.count(), serials


def test_intake_returns_201_with_the_case(api_as, packs):
    response = api_as("agent").post(
        "/cases",
        intake_body(
            category="equipment_water",
            facts={"economic_loss": 120, "complainant_count": 1},
            references={"room": "3-502", "phone": "13900139000"},
            walk_in_confirmed=False,
        ),
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert re.fullmatch(r"\d{6}\d{6}", case["number"])
    assert case["intake_result"] == "created"
    assert case["pack"] == "property"
    assert case["pack_version"] == packs["property"].version
    assert case["status"] == "registered"
    assert case["channel"] == "phone"
    assert case["request_type"] == "complaint"
    assert case["category"] == "equipment_water"
    assert case["category_name"] == "上下水管道与落水管"
    assert case["validity"] == ""
    assert case["severity"] == {"code": "minor", "name": "轻微", "rank": 1}
    assert case["escalation_level"] == {"code": "primary", "name": "初级", "rank": 1}
    assert case["customer"] == {
        "name": "王女士",
        "phone": "13800138000",
        "email": "",
        "address": "幸福小区3栋502",
        "household": "3-502",
    }
    assert "id_number" not in case["customer"]
    assert case["facts"] == {"economic_loss": 120, "complainant_count": 1}
    assert case["references"] == {"room": "3-502", "phone": "13900139000"}
    assert case["first_owner"] == "agent"
    assert case["complained_unit"] is None
    assert case["repeat_of"] is None
    assert case["incident"] is None
    assert case["urge_count"] == 0
    assert case["overdue"] is False
    assert case["version"] >= 1
    assert set(case["due"]) == {"acknowledge", "resolve", "reply", "follow_up", "statutory_reply"}
    assert TIME.match(case["due"]["acknowledge"])
    assert TIME.match(case["due"]["resolve"])
    assert case["due"]["reply"] is None
    assert TIME.match(case["created_at"]) and TIME.match(case["received_at"])
    assert case["work_orders"] == []
    assert [e["kind"] for e in case["events"]] == ["case.registered"]
    assert case["events"][0]["actor"] == "agent"
    assert case["events"][0]["after"] == {"status": "registered"}
    assert case["allowed_actions"] == [
        "triage",
        "close-at-window",
        "dispatch",
        "urge",
        "escalate",
        "withdraw",
        "mark-invalid",
        "merge",
        "pause",
    ]
    stored = Case.objects.get(number=case["number"])
    assert stored.customer.phone == "13800138000"


def test_intake_records_every_field(api_as, org):
    # two days back, not a fixed date: an older complaint would be graded up by its age
    received = (timezone.localtime() - timedelta(days=2)).replace(microsecond=0)
    occurred = received - timedelta(days=1)
    body = intake_body(
        channel="walk_in",
        walk_in_confirmed=True,
        severity="important",
        occurred_at=occurred.isoformat(),
        received_at=received.replace(tzinfo=None).isoformat(),
        complained_unit="eng",
        complained_person="张师傅",
        customer={
            "name": "李先生",
            "phone": "13700137000",
            "email": "li@example.com",
            "address": "幸福小区5栋101",
            "household": "5-101",
            "id_number": "110101199001011234",
        },
        script=None,
        dissatisfaction_reason=None,
    )
    response = api_as("dispatcher").post("/cases", body)
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["channel"] == "walk_in"
    assert case["walk_in_confirmed"] is True
    assert case["severity"] == {"code": "important", "name": "重要", "rank": 2}
    assert case["occurred_at"] == occurred.isoformat()
    assert case["received_at"] == received.isoformat()  # sent without offset: local time
    assert case["complained_unit"] == "eng"
    assert case["complained_person"] == "张师傅"
    assert case["customer"]["email"] == "li@example.com"
    assert Case.objects.get(number=case["number"]).customer.id_number == "110101199001011234"


def test_422_names_every_bad_field_and_stores_nothing(api_as, make_case):
    make_case()  # a serial row exists already: it must not move
    before = counts()
    body = intake_body(
        channel="pigeon",
        request_type="gossip",
        description="",
        colour="red",
        walk_in_confirmed="maybe",
        occurred_at="yesterday",
    )
    body["customer"] = {"name": "王女士", "phone": 13800138000, "mobile": "x"}
    body["facts"] = {"economic_loss": -5, "complainant_count": 0}
    response = api_as("agent").post("/cases", body)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["allowed_actions"] == []
    fields = {f["field"]: f["code"] for f in error["fields"]}
    assert fields == {
        "channel": "unknown",
        "request_type": "unknown",
        "description": "invalid",
        "colour": "unknown",
        "walk_in_confirmed": "invalid",
        "occurred_at": "invalid",
        "customer.phone": "invalid",
        "customer.mobile": "unknown",
        "facts.economic_loss": "invalid",
        "facts.complainant_count": "invalid",
    }
    assert all(f["message"] for f in error["fields"])
    assert "colour" in error["message"]
    assert counts() == before


def test_422_from_the_pack_rules_names_every_field_and_consumes_no_number(api_as, make_case):
    make_case()
    before = counts()
    body = intake_body(
        category="no_such_category",
        severity="catastrophic",
        request_type="report",  # property does not take reports
        occurred_at="2026-11-02T10:00:00+08:00",
        received_at="2026-11-01T10:00:00+08:00",
    )
    body["customer"] = {"name": "匿名"}
    response = api_as("agent").post("/cases", body)
    assert response.status_code == 422, response.content
    error = error_of(response)
    assert {(f["field"], f["code"]) for f in error["fields"]} == {
        ("category", "unknown"),
        ("severity", "unknown"),
        ("request_type", "unknown"),
        ("customer.phone", "invalid"),
        ("occurred_at", "invalid"),
    }
    assert counts() == before


def test_required_fields_are_named(api_as):
    response = api_as("agent").post("/cases", {})
    assert response.status_code == 422
    assert set(field_names(response)) == {
        "pack",
        "channel",
        "request_type",
        "description",
        "customer",
    }
    assert error_of(response)["fields"][0]["message"].endswith("is required")


def test_unknown_pack_and_unit_are_422(api_as):
    response = api_as("agent").post("/cases", intake_body(pack="aviation"))
    assert response.status_code == 422
    assert field_names(response) == ["pack"]
    before = counts()
    response = api_as("agent").post("/cases", intake_body(complained_unit="nowhere"))
    assert response.status_code == 422
    assert error_of(response)["fields"] == [
        {"field": "complained_unit", "code": "unknown", "message": "unknown unit 'nowhere'"}
    ]
    assert counts() == before


@pytest.mark.parametrize(
    "raw",
    ['{"pack": "property",', "not json", "\xff"],
    ids=["truncated_case", "text_case", "binary_case"],
)
def test_malformed_json_is_400(api_as, raw):
    response = api_as("agent").post("/cases", raw=raw)
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "malformed_json",
        "message": "the request body is not valid JSON",
        "fields": [],
        "allowed_actions": [],
    }


def test_json_that_is_not_an_object_is_400(api_as):
    response = api_as("agent").post("/cases", [intake_body()])
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_json"


@pytest.mark.parametrize("role", ["auditor", "handler_eng"])
def test_auditors_and_handlers_may_not_register(api_as, role):
    before = counts()
    response = api_as(role).post("/cases", intake_body())
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert counts() == before


@pytest.mark.parametrize(
    "role", ["agent", "dispatcher", "supervisor", "manager", "admin", "crisis", "quality"]
)
def test_front_roles_may_register(api_as, role):
    assert api_as(role).post("/cases", intake_body()).status_code == 201


def test_idempotency_key_replays_the_same_case(api_as):
    api = api_as("agent")
    key = {"Idempotency-Key": "form-42-attempt"}
    first = api.post("/cases", intake_body(), headers=key)
    assert first.status_code == 201
    assert first.json()["intake_result"] == "created"
    again = api.post("/cases", intake_body(), headers=key)
    assert again.status_code == 201
    assert again.json()["intake_result"] == "replayed"
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1

    changed = api.post("/cases", intake_body(description="另一件事"), headers=key)
    assert changed.status_code == 409
    error = error_of(changed)
    assert error["code"] == "conflict"
    assert "Idempotency-Key" in error["message"]
    assert Case.objects.count() == 1

    # the key belongs to the user: another user's identical request is a new case
    other = api_as("dispatcher").post("/cases", intake_body(), headers=key)
    assert other.status_code == 201
    assert other.json()["number"] != first.json()["number"]


def test_repeat_contact_about_an_open_case_urges_it(api_as, make_case):
    case = make_case()
    response = api_as("agent").post(
        "/cases", intake_body(repeat_of=case.number, description="又来电催促")
    )
    assert response.status_code == 200
    body = response.json()
    assert body["intake_result"] == "urged"
    assert body["number"] == case.number
    assert body["urge_count"] == 1
    assert "case.urged" in [e["kind"] for e in body["events"]]
    assert Case.objects.count() == 1


def test_repeat_contact_about_a_closed_case_opens_a_linked_case(api_as, org, make_case):
    from tests.factories import act

    case = make_case()
    act(org, "agent", "withdraw", case, reason="客户撤诉")
    response = api_as("agent").post("/cases", intake_body(repeat_of=case.number))
    assert response.status_code == 422
    assert field_names(response) == ["dissatisfaction_reason"]
    response = api_as("agent").post(
        "/cases", intake_body(repeat_of=case.number, dissatisfaction_reason="问题再次出现")
    )
    assert response.status_code == 201
    assert response.json()["repeat_of"] == case.number
    assert response.json()["number"] != case.number
