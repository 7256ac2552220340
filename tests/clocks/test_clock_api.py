"""The clock actions over HTTP: POST /api/v1/cases/{n}/actions/pause|resume|request-extension|
approve-extension|reject-extension, their place in ``allowed_actions`` and the case JSON."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.api.helpers import Api, error_of, field_names
from tests.factories import act, intake
from tousu.api.auth import issue_token
from tousu.cases.models import Case, Event
from tousu.packs.loader import DATA_DIR
from tousu.packs.registry import install_pack_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(org):
    clients: dict[str, Api] = {}

    def make(username: str) -> Api:
        if username not in clients:
            clients[username] = Api(issue_token(org.users[username]))
        return clients[username]

    return make


@pytest.fixture
def case(org) -> Case:
    """A minor property complaint, dispatched to engineering and signed for."""
    case = intake(org, category="equipment_water")
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    return act(org, "handler_eng", "acknowledge", case)


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def to_ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def test_pause_and_resume(api, case):
    handler = api("handler_eng")
    body = ok(handler.action(case.number, "pause", {"reason": "等待业主提供漏水照片"}))
    assert body["clock_paused"] is True and body["next_due_at"] is None
    [pause] = body["pauses"]
    assert pause["reason"] == "等待业主提供漏水照片"
    assert (pause["by"], pause["ended_at"], pause["resumed_by"]) == ("handler_eng", None, None)
    assert "resume" in body["allowed_actions"] and "pause" not in body["allowed_actions"]

    again = handler.action(case.number, "pause", {"reason": "再等等"})
    assert again.status_code == 409
    error = error_of(again)
    assert error["code"] == "illegal_action" and "already paused" in error["message"]
    assert error["allowed_actions"] == [
        "return", "progress", "propose", "escalate", "resume", "request-extension"
    ]  # fmt: skip

    body = ok(api("agent").action(case.number, "resume", {"note": "照片已收到"}))
    [pause] = body["pauses"]
    assert pause["resumed_by"] == "agent" and moment(pause["ended_at"]) >= moment(
        pause["started_at"]
    )
    assert body["clock_paused"] is False and body["next_due_at"] is not None
    assert "pause" in body["allowed_actions"] and "resume" not in body["allowed_actions"]
    kinds = list(Event.objects.filter(case=case, kind__startswith="case.clock_")
                 .values_list("kind", "reason"))  # fmt: skip
    assert kinds == [
        ("case.clock_paused", "等待业主提供漏水照片"),
        ("case.clock_resumed", "照片已收到"),
    ]


def test_extension_requested_then_approved_by_the_property_manager(api, case):
    until = timezone.localtime() + timedelta(days=6)
    until = until.replace(second=0, microsecond=0)
    body = ok(api("handler_eng").action(
        case.number, "request-extension",
        {"until": until.isoformat(), "reason": "水泵配件缺货，厂家下周到货"},
    ))  # fmt: skip
    [request] = body["extensions"]
    assert {k: request[k] for k in ("requested_by", "reason", "approver", "status")} == {
        "requested_by": "handler_eng",
        "reason": "水泵配件缺货，厂家下周到货",
        "approver": "property_manager",
        "status": "pending",
    }
    assert moment(request["until"]) == until
    assert "request-extension" not in body["allowed_actions"]
    assert "approve-extension" not in body["allowed_actions"]  # the handler does not decide
    manager_view = api("manager").get(f"/cases/{case.number}").json()
    assert {"approve-extension", "reject-extension"} <= set(manager_view["allowed_actions"])

    for wrong in ("supervisor", "dispatcher", "admin"):
        refused = api(wrong).action(case.number, "approve-extension", {"note": "同意"})
        assert refused.status_code == 403, wrong
        error = error_of(refused)
        assert error["code"] == "forbidden" and "物业部经理" in error["message"]
    assert Case.objects.get(pk=case.pk).extension_until is None

    body = ok(api("manager").action(case.number, "approve-extension", {"note": "同意延期"}))
    assert moment(body["extension_until"]) == until
    assert moment(body["due"]["resolve"]) == until
    assert moment(body["work_orders"][0]["due"]["resolve"]) == until
    [decided] = body["extensions"]
    assert (decided["status"], decided["decided_by"], decided["decision_note"]) == (
        "approved", "manager", "同意延期"
    )  # fmt: skip
    again = api("manager").action(case.number, "approve-extension")
    assert again.status_code == 409
    assert "no extension awaits approval" in error_of(again)["message"]


def test_extension_rejected_keeps_the_deadline(api, case):
    before = to_ms(Case.objects.get(pk=case.pk).due_resolve)  # JSON may keep ms only
    until = (timezone.localtime(before) + timedelta(days=3)).isoformat()
    ok(api("handler_eng").action(case.number, "request-extension",
                                 {"until": until, "reason": "需要协调供水公司"}))  # fmt: skip
    missing = api("manager").action(case.number, "reject-extension", {})
    assert missing.status_code == 422 and field_names(missing) == ["reason"]
    body = ok(api("manager").action(case.number, "reject-extension", {"reason": "两天内可以修好"}))
    assert [e["status"] for e in body["extensions"]] == ["rejected"]
    assert body["extension_until"] is None and to_ms(moment(body["due"]["resolve"])) == before


def test_bad_payloads_name_the_field_and_change_nothing(api, case):
    handler = api("handler_eng")
    version = Case.objects.get(pk=case.pk).version
    cases = [
        ("pause", {}, ["reason"]),
        ("pause", {"reason": "等", "until": "2026-12-01T10:00"}, ["until"]),
        ("request-extension", {"reason": "缺货"}, ["until"]),
        ("request-extension", {"until": "下周一", "reason": "缺货"}, ["until"]),
    ]
    for action, payload, fields in cases:
        response = handler.action(case.number, action, payload)
        assert response.status_code == 422, (action, payload)
        assert field_names(response) == fields
    past = handler.action(case.number, "request-extension",
                          {"until": "2026-01-01T10:00:00+08:00", "reason": "缺货"})  # fmt: skip
    assert past.status_code == 422 and field_names(past) == ["until"]
    assert Case.objects.get(pk=case.pk).version == version


def test_a_pack_that_keeps_its_clocks_running_refuses_a_pause(api, org):
    text = (DATA_DIR / "property.yaml").read_text(encoding="utf-8")
    assert "pause_on_customer: true" in text
    install_pack_text(text.replace("pause_on_customer: true", "pause_on_customer: false"),
                      "property.yaml")  # fmt: skip
    case = intake(org, category="equipment_water")
    body = api("agent").get(f"/cases/{case.number}").json()
    assert "pause" not in body["allowed_actions"]
    refused = api("agent").action(case.number, "pause", {"reason": "等待业主"})
    assert refused.status_code == 409
    assert "keeps the clocks running" in error_of(refused)["message"]
    assert Case.objects.get(pk=case.pk).paused_at is None


def test_auditor_may_not_pause(api, case):
    refused = api("auditor").action(case.number, "pause", {"reason": "看看"})
    assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"


def test_openapi_lists_the_clock_actions(api):
    paths = api("agent").get("/openapi.json").json()["paths"]
    for action in ("pause", "resume", "request-extension", "approve-extension",
                   "reject-extension"):  # fmt: skip
        assert f"/api/v1/cases/{{number}}/actions/{action}" in paths
