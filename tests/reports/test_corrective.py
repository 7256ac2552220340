"""Corrective and preventive actions (纠正预防措施): recorded with owner and due date through
the API, verified from the month after the due date, refused field by field, and shown in
the quality brief for hot and major complaints."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from tests.factories import at
from tests.reports.test_brief import _case
from tousu.api import auth, errors
from tousu.api import corrective as corrective_api
from tousu.api.auth import issue_token
from tousu.cases.models import Event
from tousu.cases.services import Actor
from tousu.reports import corrective
from tousu.reports.brief import build_brief
from tousu.reports.models import CorrectiveAction
from tousu.reports.periods import SHANGHAI, parse_period
from tousu.reports.stats import make_scope
from tousu.rules.errors import Conflict

pytestmark = pytest.mark.django_db

_api = NinjaAPI(urls_namespace="corrective_tests", auth=auth.BearerAuth())
errors.install(_api)
_api.add_router("/cases", corrective_api.router)

MEASURE = "发布前增加登录接口压力测试，并设置超时告警"
# a due date ahead of the real clock (the API takes today from it)
DUE = (datetime.now(SHANGHAI).date() + timedelta(days=40)).isoformat()


@pytest.fixture
def api(org):
    client = TestClient(_api)

    def call(method, path, user="quality", **kwargs):
        headers = {"Authorization": f"Bearer {issue_token(org.users[user])}"}
        return getattr(client, method)(f"/cases{path}", headers=headers, **kwargs)

    return call


@pytest.fixture
def hot(org):
    return _case(
        org,
        "2026-10-15 09:00",
        "complaint_technical",
        "hot",
        resolve={"findings": "版本发布后登录接口超时", "root_cause": "发布前未做压力测试"},
    )


def _body(**overrides):
    return {
        "kind": "preventive",
        "measure": MEASURE,
        "owner": "manager",
        "due_on": DUE,
        **overrides,
    }


def test_record_list_and_verify_through_the_api(api, org, hot):
    created = api("post", f"/{hot.number}/corrective-actions", json=_body())
    assert created.status_code == 201
    action = created.json()
    assert (action["owner"], action["due_on"]) == ("manager", DUE)
    assert action["verify_from"] == corrective.verify_from(date.fromisoformat(DUE)).isoformat()
    assert action["verify_from"].endswith("-01") and action["verify_from"] > DUE
    assert action["state"] == "open"
    listed = api("get", f"/{hot.number}/corrective-actions", user="auditor").json()
    assert [a["measure"] for a in listed] == [MEASURE]
    event = Event.objects.filter(case=hot, kind="case.corrective_action").get()
    assert event.data["measure"] == MEASURE and event.actor == org.users["quality"]
    early = api(
        "post", f"/{hot.number}/corrective-actions/{action['id']}/verify", json={"effective": True}
    )
    assert early.status_code == 409  # today is before the month after the due date
    assert action["verify_from"] in early.json()["error"]["message"]


def test_verification_from_the_following_month_once(org, hot):
    quality = Actor(org.users["quality"])
    action = corrective.add_action(
        hot.number,
        quality,
        kind="corrective",
        measure="回滚登录服务版本",
        owner="supervisor",
        due_on="2026-10-20",
        now=at("2026-10-16 10:00"),
    )
    assert action.verify_from.isoformat() == "2026-11-01"
    with pytest.raises(Conflict):
        corrective.verify_action(
            hot.number, action.pk, quality, effective=True, now=at("2026-10-31 23:00")
        )
    done = corrective.verify_action(
        hot.number,
        action.pk,
        quality,
        effective=True,
        note="11月未再出现登录超时",
        now=at("2026-11-03 10:00"),
    )
    assert done.state == "effective"
    assert Event.objects.filter(case=hot, kind="case.corrective_verified").count() == 1
    with pytest.raises(Conflict):
        corrective.verify_action(
            hot.number, action.pk, quality, effective=False, now=at("2026-11-04 10:00")
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "punitive"}, "kind"),
        ({"measure": "   "}, "measure"),
        ({"owner": "nobody"}, "owner"),
        ({"owner": ""}, "owner"),
        ({"due_on": "2026-01-01"}, "due_on"),
        ({"due_on": "2026-02-30"}, "due_on"),
    ],
)
def test_bad_fields_are_refused_by_name_and_nothing_is_written(api, hot, overrides, field):
    response = api("post", f"/{hot.number}/corrective-actions", json=_body(**overrides))
    assert response.status_code == 422
    fields = [f["field"] for f in response.json()["error"]["fields"]]
    assert any(f == field or f.endswith(f".{field}") for f in fields), fields
    assert not CorrectiveAction.objects.exists()
    assert not Event.objects.filter(kind="case.corrective_action").exists()


def test_who_may_record_and_see(api, org, hot):
    refused = api("post", f"/{hot.number}/corrective-actions", user="handler_sec", json=_body())
    assert refused.status_code in (403, 404)  # a handler of another unit does not see the case
    agent = api("post", f"/{hot.number}/corrective-actions", user="agent", json=_body())
    assert agent.status_code == 403
    missing = api("post", "/NO-SUCH/corrective-actions", json=_body())
    assert missing.status_code == 404
    assert not CorrectiveAction.objects.exists()


def test_brief_shows_the_measures_of_hot_and_major_cases(org, hot):
    quality = Actor(org.users["quality"])
    corrective.add_action(
        hot.number,
        quality,
        kind="preventive",
        measure=MEASURE,
        owner="manager",
        due_on="2026-10-31",
        now=at("2026-10-16 10:00"),
    )
    now = at("2026-11-05 12:00")
    brief = build_brief(make_scope(now), parse_period("2026-10", now))
    hot_level = next(lv for lv in brief["packs"][0]["levels"] if lv["severity"] == "hot")
    [item] = hot_level["cases"]
    [line] = item["prevention"]
    assert line.startswith("预防措施：" + MEASURE)
    assert "责任人 manager" in line and "2026-10-31 前完成" in line and "待验证" in line
    assert "制定纠正预防措施" in [s["what"] for s in item["course"]]


def test_mounted_in_the_project_api(client, org, hot):
    token = issue_token(org.users["quality"])
    url = f"/api/v1/cases/{hot.number}/corrective-actions"
    created = client.post(
        url, _body(), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert created.status_code == 201
    listed = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [a["id"] for a in listed.json()] == [created.json()["id"]]
