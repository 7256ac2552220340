"""纠正预防措施 in the console: the panel of hot and major complaints (add a measure, verify its
effect), refusals naming the field with nothing written, and the quality role's lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.reports.test_brief import _case
from tests.web.conftest import page_text
from tousu.cases.services import Actor
from tousu.reports import corrective
from tousu.reports.models import CorrectiveAction
from tousu.reports.periods import SHANGHAI
from tousu.web.console.views.corrective import today

pytestmark = pytest.mark.django_db

LIST = "/console/corrective-actions/"
MEASURE = "上线前对登录接口做压力测试，超时自动告警"


def _page(number: str) -> str:
    return f"/console/cases/{number}/"


def _add_url(number: str) -> str:
    return f"/console/cases/{number}/corrective-actions/"


@pytest.fixture
def hot(org):
    return _case(org, "2026-10-15 09:00", "complaint_technical", "hot")


@pytest.fixture
def ordinary(org):
    return _case(org, "2026-10-16 09:00", "complaint_technical", "general")


def _form(**overrides):
    body = {
        "kind": "preventive",
        "measure": MEASURE,
        "owner": "quality",
        "due_on": (today() + timedelta(days=20)).isoformat(),
    }
    body.update(overrides)
    return body


def _past_action(org, case, days_ago=40):
    """A measure recorded ``days_ago`` days back, due a week after: now verifiable."""
    then = (today() - timedelta(days=days_ago)).isoformat()
    from datetime import datetime

    when = datetime.fromisoformat(f"{then}T10:00").replace(tzinfo=SHANGHAI)
    return corrective.add_action(
        case.number,
        Actor(org.users["quality"]),
        kind="corrective",
        measure="客服回访话术增加故障说明",
        owner="supervisor",
        due_on=(when.date() + timedelta(days=7)).isoformat(),
        now=when,
    )


def test_hot_case_page_offers_the_form_and_ordinary_case_does_not(client_as, hot, ordinary):
    client = client_as("quality")
    text = page_text(client.get(_page(hot.number)))
    assert 'id="corrective"' in text and 'class="capa-add"' in text
    assert 'id="corrective"' not in page_text(client.get(_page(ordinary.number)))


def test_quality_adds_a_measure_and_it_is_listed(client_as, org, hot):
    client = client_as("quality")
    response = client.post(_add_url(hot.number), _form())
    assert response.status_code == 302
    assert response["Location"].endswith(f"/console/cases/{hot.number}/#corrective")
    action = CorrectiveAction.objects.get(case=hot)
    assert (action.kind, action.measure, action.owner.username) == (
        "preventive",
        MEASURE,
        "quality",
    )
    assert MEASURE in page_text(client.get(_page(hot.number)))
    for which, listed in (("open", True), ("due", True), ("overdue", False), ("verify", False)):
        assert (hot.number in page_text(client.get(LIST, {"list": which}))) is listed, which


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"due_on": "2020-01-01"}, "due_on", "完成日期不能早于今天"),
        ({"owner": "nobody_here"}, "owner", "没有这个在职用户"),
        ({"measure": ""}, "measure", "这个字段是必填项"),
        ({"kind": "other"}, "kind", "选择一个有效的选项"),
    ],
)
def test_bad_field_is_named_and_nothing_is_written(client_as, hot, overrides, field, message):
    response = client_as("quality").post(_add_url(hot.number), _form(**overrides))
    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert f'name="{field}"' in text
    assert not CorrectiveAction.objects.filter(case=hot).exists()


def test_agent_neither_sees_the_form_nor_may_post(client_as, hot):
    client = client_as("agent")
    text = page_text(client.get(_page(hot.number)))
    assert 'id="corrective"' in text and 'class="capa-add"' not in text
    assert client.post(_add_url(hot.number), _form()).status_code == 403
    assert client.get(LIST).status_code == 403
    assert not CorrectiveAction.objects.filter(case=hot).exists()


def test_overdue_measure_awaits_verification_and_is_verified(client_as, org, hot):
    action = _past_action(org, hot)
    client = client_as("quality")
    assert hot.number in page_text(client.get(LIST, {"list": "overdue"}))
    assert hot.number in page_text(client.get(LIST, {"list": "verify"}))
    assert "记录效果" in page_text(client.get(_page(hot.number)))
    url = f"{_add_url(hot.number)}{action.pk}/verify/"
    response = client.post(url, {"effective": "no", "note": "同类投诉仍在增加"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.state, action.verification_note) == ("ineffective", "同类投诉仍在增加")
    assert hot.number not in page_text(client.get(LIST, {"list": "verify"}))
    assert "验证无效" in page_text(client.get(_page(hot.number)))
    again = client.post(url, {"effective": "yes"})
    assert again.status_code == 422 and "该措施已验证过" in page_text(again)


def test_verifying_before_the_month_after_the_due_date_is_refused(client_as, hot):
    client = client_as("quality")
    client.post(_add_url(hot.number), _form())
    action = CorrectiveAction.objects.get(case=hot)
    response = client.post(f"{_add_url(hot.number)}{action.pk}/verify/", {"effective": "yes"})
    assert response.status_code == 422
    assert "次月起才能验证" in page_text(response)
    action.refresh_from_db()
    assert action.state == "open"
