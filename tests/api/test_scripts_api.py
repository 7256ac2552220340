"""GET /scripts and POST /scripts/{code}/evaluate (SPEC §5, §10): exact payloads and errors.

Until ``tousu.api.app`` mounts the scripts router, these tests serve it from an API built
here (same auth and error handlers) under the same ``/api/v1/`` prefix.
"""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI

from tests.api.helpers import error_of, field_names
from tousu.api import app as app_module
from tousu.api import auth, errors, scripts

MOUNTED = any(router is scripts.router for _prefix, router in app_module.api._routers)

if MOUNTED:
    pytestmark = pytest.mark.django_db
else:
    _api = NinjaAPI(title="tousu-scripts-test", urls_namespace="scripts_test",
                    auth=auth.BearerAuth())
    errors.install(_api)
    _api.add_router("/scripts", scripts.router)
    urlpatterns = [path("api/v1/", _api.urls)]
    pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_list_scripts_for_a_category(api_as):
    response = api_as("agent").get("/scripts", {"category": "interconnection"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["code"] for s in body] == ["interconnection"]
    script = body[0]
    assert script["pack"] == "telecom"
    assert script["pack_version"] == "2026.1"
    assert script["category"] == "interconnection"
    assert script["category_name"] == "互连互通"
    assert script["window_may_close"] is True
    assert [q["code"] for q in script["questions"]] == [
        "other_network", "always_unreachable", "callee_forwarding"]
    first = script["questions"][0]
    assert first["kind"] == "yes_no" and first["choices"] == [] and first["expected"] is True
    assert set(script["wordings"]) == {"low_completion", "call_faults", "refund_demanded",
                                       "deadline_demanded", "dispatch_notice"}
    assert set(script["duties"]) == {"summary_to_marketing"}


def test_a_parent_category_lists_the_scripts_below_it(api_as):
    response = api_as("agent").get("/scripts", {"category": "service_quality", "pack": "telecom"})
    assert [s["code"] for s in response.json()] == ["roaming", "ringback_tone", "holiday_peak"]


def test_a_sub_category_lists_the_script_of_its_parent(api_as):
    response = api_as("agent").get("/scripts", {"category": "equipment_elevator"})
    assert [s["code"] for s in response.json()] == ["repair_reception"]


def test_list_all_scripts_of_a_pack(api_as):
    response = api_as("agent").get("/scripts", {"pack": "bank"})
    assert [s["code"] for s in response.json()] == ["excessive_behaviour"]
    choice = next(q for s in api_as("agent").get("/scripts", {"pack": "telecom"}).json()
                  if s["code"] == "ringback_tone" for q in s["questions"])
    assert choice["choices"] == [{"code": "enquiry", "name": "业务咨询"},
                                 {"code": "window_fixable", "name": "窗口能处理的投诉"},
                                 {"code": "needs_maintenance", "name": "窗口处理不了的投诉"}]


def test_unknown_category_and_pack_are_422(api_as):
    response = api_as("agent").get("/scripts", {"category": "no_such"})
    assert response.status_code == 422
    assert field_names(response) == ["category"]
    assert error_of(response)["fields"][0]["code"] == "unknown"
    response = api_as("agent").get("/scripts", {"pack": "no_such"})
    assert response.status_code == 422
    assert field_names(response) == ["pack"]


def test_scripts_need_a_token(anonymous):
    response = anonymous.get("/scripts")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_evaluate_close_at_window(api_as):
    response = api_as("agent").post("/scripts/interconnection/evaluate", {"answers": {
        "other_network": True, "always_unreachable": False, "callee_forwarding": False}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["script"] == "interconnection"
    assert body["pack"] == "telecom"
    assert body["outcome"] == "close_at_window"
    assert body["target"] is None and body["target_name"] is None and body["units"] == []
    assert body["wording_key"] == "low_completion"
    assert body["wording"].startswith("打其他运营商号码接通率偏低")
    assert body["duties"] == [{"code": "summary_to_marketing",
                               "text": "服务窗口把判定为互连互通的个案定期汇总，报送市场经营部。"}]
    assert body["reply_within"] is None


def test_evaluate_dispatch_names_the_target_and_its_units(api_as):
    response = api_as("agent").post("/scripts/interconnection/evaluate", {"answers": {
        "other_network": False, "always_unreachable": False, "callee_forwarding": False}})
    body = response.json()
    assert (body["outcome"], body["target"]) == ("dispatch", "branch")
    assert body["target_name"] == "分公司（按本地网归属）"
    assert body["units"] == ["north"]  # the test org's unit labelled "branch"
    assert body["wording_key"] == "dispatch_notice"


def test_evaluate_reply_within(api_as):
    response = api_as("agent").post("/scripts/sms_subscription_billing/evaluate", {"answers": {
        "balance_dropped_sms_unclear": True, "sp_charge_found": True,
        "accepts_explanation": False, "demands_refund": True}})
    body = response.json()
    assert (body["outcome"], body["target"], body["reply_within"]) == ("dispatch", "sp", "1wd")
    assert body["wording_key"] == "refund_demanded"


def test_evaluate_with_a_pack(api_as):
    response = api_as("agent").post("/scripts/excessive_behaviour/evaluate?pack=bank",
                                    {"answers": {"violence": True, "disrupts_business": False,
                                                 "settled_on_site": False}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["outcome"], body["target"], body["wording_key"]) == (
        "dispatch", "branch_office", "level3")
    assert [d["code"] for d in body["duties"]][0] == "call_police"


def test_missing_and_bad_answers_are_422_naming_each_question(api_as):
    response = api_as("agent").post("/scripts/ringback_tone/evaluate",
                                    {"answers": {"matter": "gossip", "mood": "angry"}})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert {(f["field"], f["code"]) for f in error["fields"]} == {
        ("answers.matter", "invalid"), ("answers.mood", "unknown")}
    response = api_as("agent").post("/scripts/interconnection/evaluate",
                                    {"answers": {"other_network": True}})
    assert response.status_code == 422
    assert sorted(field_names(response)) == ["answers.always_unreachable",
                                             "answers.callee_forwarding"]


def test_yes_no_answer_must_be_a_boolean(api_as):
    response = api_as("agent").post("/scripts/roaming/evaluate",
                                    {"answers": {"accepts_explanation": "yes"}})
    assert response.status_code == 422
    assert field_names(response) == ["answers.accepts_explanation"]


def test_unknown_script_is_404_and_unknown_body_field_422(api_as):
    response = api_as("agent").post("/scripts/no_such/evaluate", {"answers": {}})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    response = api_as("agent").post("/scripts/no_such/evaluate?pack=retail", {"answers": {}})
    assert response.status_code == 404
    response = api_as("agent").post("/scripts/roaming/evaluate",
                                    {"answers": {"accepts_explanation": True}, "extra": 1})
    assert response.status_code == 422
    assert field_names(response) == ["extra"]


def test_malformed_body_is_400(api_as):
    response = api_as("agent").post("/scripts/roaming/evaluate", raw="{not json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_json"
