"""The console's log of personal data shown unmasked (SPEC §8): the console's "show" and the
API's answers in one list, filtered by user, case and date, paginated, for auditors and admins
only."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.web.conftest import page_text
from tousu.api.auth import issue_token
from tousu.cases.models import PersonalDataView
from tousu.cases.services.audit import log_personal_data_views

URL = "/console/audit/personal-data/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _show(client, number: str) -> None:
    response = client.post(f"/console/cases/{number}/personal-data/")
    assert response.status_code == 200


def test_console_show_and_api_view_are_listed_together(client_as, org, eng_case):
    _show(client_as("agent"), eng_case.number)
    api = client_as("supervisor", headers={"Authorization": f"Bearer "
                                                             f"{issue_token(org.users['supervisor'])}"})
    assert api.get(f"/api/v1/cases/{eng_case.number}").status_code == 200
    text = page_text(client_as("auditor").get(URL))
    assert "个人信息查看记录" in text
    assert "共 2 条" in text
    assert "控制台" in text and "接口" in text
    assert f"POST /console/cases/{eng_case.number}/personal-data/" in text
    assert "姓名、电话、地址" in text  # field codes in Chinese
    assert f'href="/console/cases/{eng_case.number}/"' in text
    assert text.index(">supervisor<") < text.index(">agent<")  # newest first


def test_filters_by_user_case_and_date(client_as, org, eng_case, sec_case):
    agent, dispatcher = org.users["agent"], org.users["dispatcher"]
    day = datetime(2026, 11, 3, 9, 30, tzinfo=SHANGHAI)
    log_personal_data_views(agent, [eng_case], source="console", now=day)
    log_personal_data_views(dispatcher, [sec_case], source="console", now=day + timedelta(days=1))
    late = day.replace(hour=23, minute=50)  # still 3 November in Shanghai
    log_personal_data_views(dispatcher, [eng_case], source="console", now=late)
    auditor = client_as("auditor")

    def listed(**params) -> int:
        response = auditor.get(URL, params)
        assert response.status_code == 200
        return page_text(response).count('<a href="/console/cases/')

    assert listed() == 3
    assert listed(user="dispatcher") == 2
    assert listed(case=eng_case.number) == 2
    assert listed(case=eng_case.number, user="agent") == 1
    assert listed(since="2026-11-04") == 1
    assert listed(until="2026-11-03") == 2  # the whole day, in Shanghai time
    assert listed(since="2026-11-03", until="2026-11-03", user="dispatcher") == 1
    assert listed(user="nobody") == 0
    assert "没有符合条件的记录" in page_text(auditor.get(URL, {"user": "nobody"}))


def test_pages_of_fifty_with_filters_kept(client_as, org, eng_case):
    start = datetime(2026, 11, 2, 8, 0, tzinfo=SHANGHAI)
    for minute in range(55):
        log_personal_data_views(org.users["agent"], [eng_case], source="console",
                                now=start + timedelta(minutes=minute))
    admin = client_as("admin")
    first = page_text(admin.get(URL, {"user": "agent"}))
    assert "共 55 条" in first
    assert first.count('<a href="/console/cases/') == 50
    assert "2026-11-02 08:54" in first  # newest first
    assert "2026-11-02 08:04" not in first
    assert "?user=agent&page=2" in first
    second = page_text(admin.get(URL, {"user": "agent", "page": "2"}))
    assert second.count('<a href="/console/cases/') == 5
    assert "2026-11-02 08:00" in second
    assert "下一页" not in second


def test_bad_dates_are_named_and_nothing_is_listed(client_as, org, eng_case):
    log_personal_data_views(org.users["agent"], [eng_case], source="console")
    auditor = client_as("auditor")
    response = auditor.get(URL, {"since": "2026-13-40"})
    assert response.status_code == 422
    assert "请按 年-月-日 填写日期" in page_text(response)
    assert f'<a href="/console/cases/{eng_case.number}/' not in page_text(response)
    reversed_range = auditor.get(URL, {"since": "2026-11-05", "until": "2026-11-01"})
    assert reversed_range.status_code == 422
    assert "截止日期不能早于起始日期" in page_text(reversed_range)
    assert PersonalDataView.objects.count() == 1  # reading the log writes nothing


@pytest.mark.parametrize("role", ["agent", "supervisor", "quality", "handler_eng", "dispatcher"])
def test_only_auditors_and_admins_open_it(client_as, role):
    client = client_as(role)
    assert client.get(URL).status_code == 403
    assert "审计记录" not in page_text(client.get("/console/"))


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_the_navigation_links_it_for_auditors_and_admins(client_as, role):
    home = page_text(client_as(role).get("/console/"))
    assert f'href="{URL}"' in home
    assert "审计记录" in home


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_viewing_the_log_is_not_itself_a_personal_data_view(client_as, org):
    case = factories.intake(org)
    log_personal_data_views(org.users["agent"], [case], source="console")
    client_as("auditor").get(URL)
    assert PersonalDataView.objects.count() == 1
