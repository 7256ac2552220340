"""Simplified Chinese by default, whatever the browser asks for; English when the user chooses
it with the 中文/English switch; the catalogue is compiled in the tree."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

import tousu.settings
from tests.web.conftest import CATALOGUE, choose_english, page_text
from tousu.api.auth import issue_token


def test_settings_name_the_catalogue():
    paths = [Path(p).resolve() for p in getattr(tousu.settings, "LOCALE_PATHS", [])]
    assert CATALOGUE in paths, "add LOCALE_PATHS = [BASE_DIR / 'locale'] to tousu.settings"


def test_compiled_catalogue_is_current():
    po = CATALOGUE / "en" / "LC_MESSAGES" / "django.po"
    mo = CATALOGUE / "en" / "LC_MESSAGES" / "django.mo"
    assert mo.exists()
    assert mo.stat().st_mtime >= po.stat().st_mtime - 1


def test_chinese_by_default(client_as, eng_case):
    text = page_text(client_as("agent").get(f"/console/cases/{eng_case.number}/"))
    assert "处理过程" in text
    assert "已派单" in text


def test_english_on_request(client_as, eng_case):
    client = client_as("agent")
    response = client.post("/console/language/", {"language": "en", "next": "/console/"})
    assert response.status_code == 302
    text = page_text(client.get(f"/console/cases/{eng_case.number}/"))
    assert "History" in text
    assert "Dispatched" in text
    assert "Unit acknowledged" not in text
    assert "Sent to: 工程部" in text  # unit names are data, kept as written
    back = client.post("/console/language/", {"language": "zh-hans", "next": "/console/"})
    assert back.status_code == 302
    assert "处理过程" in page_text(client.get(f"/console/cases/{eng_case.number}/"))


def test_login_page_in_english(db):
    client = choose_english(Client())
    assert "Sign in to tousu" in page_text(client.get("/console/login/"))


def test_an_english_browser_gets_chinese_until_english_is_chosen(client_as, eng_case):
    """Accept-Language is not a choice: headless Chromium sends ``en`` on its own."""
    anonymous = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    login = anonymous.get("/console/login/")
    assert login["Content-Language"] == "zh-hans"
    assert "Sign in to tousu" not in page_text(login)
    assert 'lang="zh-CN"' in page_text(login)
    assert "Track a case" not in page_text(anonymous.get("/portal/"))
    agent = client_as("agent", headers={"Accept-Language": "en"})
    text = page_text(agent.get(f"/console/cases/{eng_case.number}/"))
    assert "处理过程" in text
    assert "History" not in text
    choose_english(agent)
    assert "History" in page_text(agent.get(f"/console/cases/{eng_case.number}/"))


def test_a_language_that_is_not_offered_falls_back_to_chinese(client_as, eng_case):
    agent = client_as("agent")
    agent.cookies["django_language"] = "fr"
    assert "处理过程" in page_text(agent.get(f"/console/cases/{eng_case.number}/"))


def test_api_errors_do_not_depend_on_the_language(client_as, org):
    """API messages are English text for programs; neither the browser's language nor the
    switch changes them."""
    headers = {"Authorization": f"Bearer {issue_token(org.users['agent'])}"}
    clients = [Client(headers={**headers, "Accept-Language": "en"}),
               Client(headers={**headers, "Accept-Language": "zh-CN"}),
               choose_english(Client(headers=headers))]
    missing = [c.get("/api/v1/cases/NO-SUCH-CASE").json() for c in clients]
    assert missing[0]["error"]["code"] == "not_found"
    assert missing[0] == missing[1] == missing[2]
    bad = [c.post("/api/v1/cases", {"pack": "property", "channel": "pigeon"},
                  content_type="application/json") for c in clients]
    assert {r.status_code for r in bad} == {422}
    assert bad[0].json() == bad[1].json() == bad[2].json()
    assert bad[0].json()["error"]["fields"]


def test_units_and_audit_pages_are_english_when_chosen(client_as, org):
    import re

    from tousu.org.units import known_routing_keys

    admin = choose_english(client_as("admin"))
    # unit names and the packs' names of routing keys are data, kept as written
    unit_names = [u.name for u in org.units.values()]
    unit_names += [n for names in known_routing_keys().values() for n in names.split(" / ")]
    for url in ("/console/manage/units/", "/console/manage/units/eng/edit/",
                "/console/manage/units/new/", "/console/audit/personal-data/"):
        text = page_text(admin.get(url)).replace("中文", "")  # the language button
        for name in sorted(unit_names, key=len, reverse=True):
            text = text.replace(name, "")
        assert not re.findall(r"[\u4e00-\u9fff]+", text), url
    assert "Add a unit" in page_text(admin.get("/console/manage/units/"))
    assert "Personal data views" in page_text(admin.get("/console/audit/personal-data/"))
