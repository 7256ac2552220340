"""POST /cases/{number}/actions/{action}: the lifecycle through HTTP."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of, field_names, intake_body
from tests.factories import act
from tousu.cases.models import Case, Event

pytestmark = pytest.mark.django_db


def kinds(case_json) -> list[str]:
    return [e["kind"] for e in case_json["events"]]


def ok(response):
    assert response.status_code == 200, response.content
    return response.json()


def test_full_lifecycle_from_intake_to_closed(api_as):
    agent, dispatcher, handler, quality = (
        api_as(n) for n in ("agent", "dispatcher", "handler_eng", "quality")
    )
    created = agent.post("/cases", intake_body())
    assert created.status_code == 201
    number = created.json()["number"]

    case = ok(
        dispatcher.action(
            number,
            "triage",
            {
                "category": "equipment_water",
                "severity": "important",
                "validity": "valid",
                "responsibility_class": "class1",
                "reason": "漏水影响车辆",
            },
        )
    )
    assert case["category"] == "equipment_water"
    assert case["severity"] == {"code": "important", "name": "重要", "rank": 2}
    assert case["validity"] == "valid"
    assert case["status"] == "registered"

    case = ok(dispatcher.action(number, "dispatch", {"units": ["eng"], "note": "请尽快处理"}))
    assert case["status"] == "dispatched"
    assert [(o["unit"], o["unit_name"], o["status"]) for o in case["work_orders"]] == [
        ("eng", "工程部", "issued")
    ]
    order = case["work_orders"][0]
    assert set(order) == {
        "id",
        "unit",
        "unit_name",
        "status",
        "handler",
        "issued_at",
        "acknowledged_at",
        "done_at",
        "returned_at",
        "return_reason",
        "due",
    }
    assert set(order["due"]) == {"acknowledge", "resolve"}

    case = ok(handler.action(number, "acknowledge"))  # no body at all
    assert case["status"] == "processing"
    assert case["work_orders"][0]["handler"] == "handler_eng"
    assert case["work_orders"][0]["status"] == "acknowledged"

    case = ok(handler.action(number, "progress", {"note": "维修工已到场查看"}))
    case = ok(
        handler.action(
            number,
            "propose",
            {
                "solutions": [
                    {"kind": "repair", "description": "更换顶板防水层"},
                    {"kind": "compensation", "description": "洗车费", "amount": 80},
                ],
                "findings": "顶板防水层老化",
            },
        )
    )
    assert case["proposals"] == [
        {
            "round": 1,
            "status": "pending",
            "final": False,
            "created_at": case["proposals"][0]["created_at"],
            "solutions": [
                {"kind": "repair", "description": "更换顶板防水层", "amount": None},
                {"kind": "compensation", "description": "洗车费", "amount": "80"},
            ],
        }
    ]
    assert "customer-accept" in agent.get(f"/cases/{number}").json()["allowed_actions"]
    case = ok(agent.action(number, "customer-accept", {}))
    case = ok(
        handler.action(
            number,
            "resolve",
            {
                "findings": "顶板防水层老化开裂",
                "responsibility_class": "class1",
                "root_cause": "防水层超过使用年限",
            },
        )
    )
    assert case["status"] == "resolved"
    assert case["findings"] == "顶板防水层老化开裂"
    case = ok(agent.action(number, "reply", {"message": "已修复，请查看", "channel": "phone"}))
    assert case["status"] == "replied"
    assert case["due"]["follow_up"] is not None
    case = ok(quality.action(number, "follow-up", {"satisfaction": "satisfied", "comment": "满意"}))
    assert case["status"] == "closed"
    assert case["satisfaction"] == "satisfied"
    assert case["closed_at"] is not None
    assert case["allowed_actions"] == ["reopen", "appeal"]
    assert kinds(case) == [
        "case.registered",
        "case.triaged",
        "work_order.issued",
        "case.dispatched",
        "work_order.acknowledged",
        "case.processing",
        "case.progress",
        "case.proposed",
        "case.customer_accepted",
        "work_order.done",
        "case.resolved",
        "case.replied",
        "case.followed_up",
    ]
    events = {e["kind"]: e for e in case["events"]}
    assert events["case.dispatched"]["actor"] == "dispatcher"
    assert events["case.dispatched"]["before"] == {"status": "registered"}
    assert events["case.dispatched"]["after"] == {"status": "dispatched"}
    assert events["case.dispatched"]["reason"] == "请尽快处理"
    assert events["case.triaged"]["reason"] == "漏水影响车辆"
    assert events["case.progress"]["reason"] == "维修工已到场查看"
    assert events["case.followed_up"]["data"] == {"satisfaction": "satisfied"}
    assert set(events["case.registered"]) == {
        "id",
        "kind",
        "actor",
        "at",
        "before",
        "after",
        "reason",
        "data",
    }
    # the detail shows the same history
    assert kinds(agent.get(f"/cases/{number}").json()) == kinds(case)


def test_close_at_window(api_as):
    agent = api_as("agent")
    number = agent.post("/cases", intake_body()).json()["number"]
    case = ok(
        agent.action(number, "close-at-window", {"wording": "已向业主解释原因", "note": "业主接受"})
    )
    assert case["status"] == "replied"  # a complaint still needs its follow-up
    assert case["work_orders"] == []
    event = case["events"][-1]
    assert event["kind"] == "case.closed_at_window"
    assert event["data"] == {"wording": "已向业主解释原因"}
    assert event["reason"] == "业主接受"
    case = ok(
        api_as("quality").action(number, "follow-up", {"satisfaction": "basically_satisfied"})
    )
    assert case["status"] == "closed"


def test_consultation_closed_at_the_window_needs_no_follow_up(api_as):
    agent = api_as("agent")
    number = agent.post("/cases", intake_body(request_type="consultation")).json()["number"]
    case = ok(agent.action(number, "close-at-window", {"wording": "已答复"}))
    assert case["status"] == "closed"


def test_dissatisfied_follow_up_returns_to_processing(api_as, org, make_case):
    case = make_case()
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    act(org, "handler_eng", "acknowledge", case)
    act(org, "handler_eng", "resolve", case)
    act(org, "agent", "reply", case, message="已处理")
    body = ok(
        api_as("quality").action(
            case.number, "follow-up", {"satisfaction": "dissatisfied", "comment": "仍然漏水"}
        )
    )
    assert body["status"] == "processing"
    assert body["work_orders"][0]["status"] == "acknowledged"
    assert body["events"][-1]["before"] == {"status": "replied"}
    assert body["events"][-1]["after"] == {"status": "processing"}
    assert body["events"][-1]["reason"] == "仍然漏水"
    assert ok(api_as("handler_eng").action(case.number, "resolve"))["status"] == "resolved"


def test_illegal_action_is_409_listing_the_allowed_actions(api_as, make_case):
    case = make_case()
    response = api_as("admin").action(case.number, "reply", {"message": "已处理"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "illegal_action"
    assert "reply" in error["message"] and "registered" in error["message"]
    assert error["allowed_actions"] == [
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
    assert error["fields"] == []
    # the allowed list is the requester's: a handler may do nothing on a registered case
    response = api_as("handler_eng").get(f"/cases/{case.number}")
    assert response.status_code == 404  # and cannot even see it before dispatch


def test_illegal_action_refusal_names_the_guard(api_as, org, make_case):
    case = make_case()
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    act(org, "handler_eng", "acknowledge", case)
    act(org, "handler_eng", "propose", case, solutions=[{"kind": "apology", "description": "致歉"}])
    response = api_as("handler_eng").action(case.number, "resolve")
    assert response.status_code == 409
    error = error_of(response)
    assert "proposal awaits" in error["message"]
    assert error["allowed_actions"] == [
        "return",
        "progress",
        "propose",
        "customer-accept",
        "customer-reject",
        "escalate",
        "pause",
        "request-extension",
    ]


def test_stale_version_is_409(api_as, make_case):
    case = make_case()
    api = api_as("dispatcher")
    version = api.get(f"/cases/{case.number}").json()["version"]
    ok(
        api.action(
            case.number, "triage", {"severity": "important"}, headers={"If-Match": f'"{version}"'}
        )
    )
    before = Event.objects.count()
    stale = api.action(
        case.number, "dispatch", {"units": ["eng"]}, headers={"If-Match": str(version)}
    )
    assert stale.status_code == 409
    error = error_of(stale)
    assert error["code"] == "conflict"
    assert "version" in error["message"]
    stale = api.action(case.number, "dispatch", {"units": ["eng"], "expected_version": version})
    assert stale.status_code == 409
    assert Event.objects.count() == before
    assert Case.objects.get(pk=case.pk).status == "registered"
    fresh = api.get(f"/cases/{case.number}").json()["version"]
    assert (
        ok(api.action(case.number, "dispatch", {"units": ["eng"], "expected_version": fresh}))[
            "version"
        ]
        > fresh
    )


def test_bad_if_match_and_disagreeing_versions_are_422(api_as, make_case):
    case = make_case()
    api = api_as("dispatcher")
    response = api.action(case.number, "urge", {}, headers={"If-Match": "abc"})
    assert response.status_code == 422
    assert field_names(response) == ["If-Match"]
    response = api.action(case.number, "urge", {"expected_version": 1}, headers={"If-Match": "2"})
    assert response.status_code == 422
    assert field_names(response) == ["expected_version"]


def test_unknown_action_is_404_naming_the_valid_ones(api_as, make_case):
    case = make_case()
    response = api_as("admin").action(case.number, "teleport", {})
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "not_found"
    assert "teleport" in error["message"]
    for name in ("triage", "close-at-window", "follow-up", "mark-invalid", "merge"):
        assert name in error["message"]
    assert error["fields"][0]["field"] == "action"


def test_unknown_case_is_404(api_as):
    response = api_as("admin").action("209901999999", "urge", {})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert api_as("admin").get("/cases/209901999999").status_code == 404


def test_auditor_may_read_but_not_act(api_as, make_case):
    case = make_case()
    auditor = api_as("auditor")
    assert auditor.get(f"/cases/{case.number}").json()["allowed_actions"] == []
    before = Event.objects.count()
    response = auditor.action(case.number, "triage", {"severity": "major"})
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "forbidden"
    assert "auditor" in error["message"]
    assert Event.objects.count() == before


def test_action_payloads_are_checked(api_as, org, make_case):
    case = make_case()
    dispatcher = api_as("dispatcher")
    response = dispatcher.action(
        case.number, "dispatch", {"units": ["eng"], "unit": "eng", "priority": 1}
    )
    assert response.status_code == 422
    assert {(f["field"], f["code"]) for f in error_of(response)["fields"]} == {
        ("unit", "unknown"),
        ("priority", "unknown"),
    }
    response = dispatcher.action(case.number, "dispatch", {"units": ["eng", "moon"]})
    assert response.status_code == 422
    assert error_of(response)["fields"] == [
        {"field": "units[1]", "code": "unknown", "message": "unknown unit 'moon'"}
    ]
    response = dispatcher.action(case.number, "withdraw")  # the reason is required
    assert response.status_code == 422
    assert field_names(response) == ["reason"]
    response = dispatcher.action(
        case.number, "triage", {"severity": "galactic", "category": "nope"}
    )
    assert response.status_code == 422
    assert set(field_names(response)) == {"severity", "category"}
    assert Case.objects.get(pk=case.pk).version == case.version

    act(org, "dispatcher", "dispatch", case, units=["eng"])
    act(org, "handler_eng", "acknowledge", case)
    response = api_as("handler_eng").action(
        case.number,
        "propose",
        {
            "solutions": [
                {"kind": "teleport", "description": ""},
                {"kind": "refund", "description": "退款", "amount": -3},
            ]
        },
    )
    assert response.status_code == 422
    assert set(field_names(response)) == {
        "solutions[0].kind",
        "solutions[0].description",
        "solutions[1].amount",
    }
    response = api_as("handler_eng").action(case.number, "return", {"unit": "eng"})
    assert response.status_code == 422
    assert field_names(response) == ["reason"]


def test_partner_dispatch_and_return(api_as, make_case):
    case = make_case()
    body = ok(api_as("dispatcher").action(case.number, "dispatch", {"partner": "lift_co"}))
    assert [o["unit"] for o in body["work_orders"]] == ["lift_co"]
    body = ok(api_as("supervisor").action(case.number, "return", {"reason": "不属于电梯问题"}))
    assert body["status"] == "registered"
    assert body["work_orders"][0]["status"] == "returned"
    assert body["work_orders"][0]["return_reason"] == "不属于电梯问题"


def test_note_and_reason_are_accepted_by_every_action(api_as, make_case):
    case = make_case()
    body = ok(
        api_as("agent").action(case.number, "urge", {"note": "客户再次来电", "reason": "等待太久"})
    )
    urged = next(e for e in body["events"] if e["kind"] == "case.urged")
    assert urged["reason"] == "客户再次来电\n等待太久"
    body = ok(
        api_as("agent").action(case.number, "withdraw", {"reason": "客户撤诉", "note": "电话确认"})
    )
    assert body["status"] == "withdrawn"
    assert body["events"][-1]["reason"] == "客户撤诉\n电话确认"


def test_mark_invalid_merge_escalate_reopen(api_as, make_case):
    first, second = make_case(), make_case(description="同一车库漏水")
    dispatcher = api_as("dispatcher")
    body = ok(dispatcher.action(second.number, "merge", {"into": first.number}))
    assert body["incident"]["size"] == 2
    assert body["incident"]["id"] > 0
    body = ok(dispatcher.action(first.number, "escalate", {"reason": "影响面大", "to": "manager"}))
    assert body["events"][-1]["kind"] == "case.escalated"
    response = dispatcher.action(first.number, "mark-invalid", {"validity_reason": "bogus"})
    assert response.status_code == 422
    assert field_names(response) == ["validity_reason"]
    body = ok(dispatcher.action(first.number, "mark-invalid", {"validity_reason": "beyond_scope"}))
    assert (body["status"], body["validity"], body["validity_reason"]) == (
        "invalid",
        "invalid",
        "beyond_scope",
    )
    body = ok(api_as("supervisor").action(first.number, "reopen", {"reason": "复查属实"}))
    assert body["status"] == "registered"


def test_detail_query_count_does_not_grow_with_the_history(api_as, org, make_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_case()
    api = api_as("dispatcher")
    api.get(f"/cases/{case.number}")

    def queries_for_detail() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/cases/{case.number}").status_code == 200
        return len(ctx.captured_queries)

    short = queries_for_detail()
    act(org, "dispatcher", "dispatch", case, units=["eng", "sec"])
    act(org, "handler_eng", "acknowledge", case)
    act(org, "handler_sec", "acknowledge", case)
    for i in range(5):
        act(org, "handler_eng", "progress", case, note=f"进展 {i}")
    assert queries_for_detail() == short
