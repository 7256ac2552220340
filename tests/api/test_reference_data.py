"""GET /packs, /packs/{code}, /units and the OpenAPI document."""

from __future__ import annotations

import json

import pytest

from tests.api.helpers import error_of
from tousu.org.models import Unit

pytestmark = pytest.mark.django_db


def test_packs_list_every_active_pack(api_as):
    body = api_as("agent").get("/packs").json()
    assert [p["code"] for p in body] == [
        "bank",
        "internet",
        "logistics",
        "property",
        "retail",
        "telecom",
    ]
    for pack in body:
        assert set(pack) == {
            "code",
            "name",
            "version",
            "description",
            "request_types",
            "categories",
            "severities",
            "default_severity",
            "escalation_levels",
            "invalid_reasons",
            "scripts",
        }


def test_property_pack_shape(api_as):
    response = api_as("handler_eng").get("/packs/property")
    assert response.status_code == 200
    pack = response.json()
    assert (pack["code"], pack["name"]) == ("property", "物业服务")
    assert pack["severities"] == [
        {"code": "minor", "name": "轻微", "rank": 1},
        {"code": "important", "name": "重要", "rank": 2},
        {"code": "major", "name": "重大", "rank": 3},
    ]
    assert [lv["name"] for lv in pack["escalation_levels"]] == ["初级", "中级", "高级", "特级"]
    assert [r["code"] for r in pack["request_types"]] == [
        "consultation",
        "fault",
        "complaint",
        "suggestion",
    ]
    top = [c for c in pack["categories"] if c["parent"] is None]
    assert [c["name"] for c in top][:5] == [
        "房屋管理类",
        "设备管理类",
        "安全管理类",
        "环境管理类",
        "综合服务类",
    ][: len(top[:5])]
    assert {"code": "equipment_water", "name": "上下水管道与落水管", "parent": "equipment"} in pack[
        "categories"
    ]
    assert all(set(c) == {"code", "name", "parent"} for c in pack["categories"])
    assert {"code": "malicious", "name": "恶意投诉"} in pack["invalid_reasons"]


def test_telecom_pack_has_scripts_with_questions(api_as):
    pack = api_as("agent").get("/packs/telecom").json()
    script = next(s for s in pack["scripts"] if s["code"] == "interconnection")
    assert script["category"] == "interconnection"
    assert script["name"] == "互连互通"
    assert set(script) == {"code", "category", "name", "window_may_close", "questions"}
    question = script["questions"][0]
    assert set(question) == {"code", "text", "kind", "choices"}
    assert question["kind"] == "yes_no"
    assert len(pack["scripts"]) == 8


def test_unknown_pack_is_404(api_as):
    response = api_as("agent").get("/packs/aviation")
    assert response.status_code == 404
    assert error_of(response)["message"] == "no active pack 'aviation'"


def test_units(api_as):
    body = api_as("handler_eng").get("/units").json()
    assert body[0] == {
        "code": "eng",
        "name": "工程部",
        "kind": "department",
        "parent": "hq",
        "routing_keys": ["engineering"],
        "office_hours": None,
        "head": None,
        "active": True,
    }
    by_code = {u["code"]: u for u in body}
    assert by_code["hq"]["parent"] is None
    assert by_code["lift_co"] == {
        "code": "lift_co",
        "name": "电梯维保合作方",
        "kind": "partner",
        "parent": "eng",
        "routing_keys": ["partner"],
        "office_hours": None,
        "head": None,
        "active": True,
    }
    assert sorted(by_code) == ["eng", "env", "hq", "lift_co", "north", "sec", "svc"]


def test_units_show_a_units_own_office_hours(api_as, org):
    Unit.objects.filter(code="eng").update(office_hours="13:30-18:00，09:00-12:00")
    body = api_as("handler_eng").get("/units").json()
    by_code = {u["code"]: u for u in body}
    assert by_code["eng"]["office_hours"] == ["09:00-12:00", "13:30-18:00"]
    assert by_code["sec"]["office_hours"] is None


def test_units_name_their_head(api_as, org):
    Unit.objects.filter(code="eng").update(head=org.users["handler_eng2"])
    by_code = {u["code"]: u for u in api_as("agent").get("/units").json()}
    assert by_code["eng"]["head"] == "handler_eng2"
    assert by_code["sec"]["head"] is None


def test_stopped_units_are_listed_only_when_asked(api_as, org):
    Unit.objects.filter(code="lift_co").update(active=False)
    api = api_as("dispatcher")
    listed = {u["code"]: u["active"] for u in api.get("/units").json()}
    assert "lift_co" not in listed and set(listed.values()) == {True}
    every = {u["code"]: u["active"] for u in api.get("/units?include_stopped=true").json()}
    assert every["lift_co"] is False
    assert sorted(every) == ["eng", "env", "hq", "lift_co", "north", "sec", "svc"]
    assert "lift_co" not in {u["code"] for u in api.get("/units?include_stopped=false").json()}


def test_units_refuse_unknown_or_malformed_parameters(api_as):
    api = api_as("agent")
    response = api.get("/units?active=false")
    assert response.status_code == 422
    assert error_of(response)["fields"] == [
        {"field": "active", "code": "unknown", "message": "unknown field 'active'"}
    ]
    response = api.get("/units?include_stopped=perhaps")
    assert response.status_code == 422
    assert [f["field"] for f in error_of(response)["fields"]] == ["include_stopped"]


def test_the_openapi_document_describes_a_units_head_and_state(anonymous):
    doc = json.loads(anonymous.client.get("/api/v1/openapi.json").content)
    unit = doc["components"]["schemas"]["UnitOut"]
    assert {"head", "active"} <= set(unit["required"])
    assert unit["properties"]["active"]["type"] == "boolean"
    assert "负责人" in unit["properties"]["head"]["description"]
    params = doc["paths"]["/api/v1/units"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in params] == [("include_stopped", "query")]


def test_openapi_document_is_public_json_with_the_case_paths(anonymous):
    response = anonymous.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/actions/triage",
        "/api/v1/cases/{number}/actions/follow-up",
        "/api/v1/work-orders",
        "/api/v1/units",
        "/api/v1/packs",
        "/api/v1/packs/{code}",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/cases"]) == {"get", "post"}
    assert "422" in paths["/api/v1/cases"]["post"]["responses"]
    schemas = doc["components"]["schemas"]
    assert "ErrorOut" in schemas and "CaseOut" in schemas and "IntakeIn" in schemas
    assert schemas["IntakeIn"]["additionalProperties"] is False
    assert doc["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"
    assert anonymous.client.get("/api/v1/docs").status_code == 200


def test_unknown_api_paths_answer_in_the_error_shape(api_as):
    response = api_as("agent").get("/no-such-thing")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
