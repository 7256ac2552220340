"""Simplified Chinese by default, English on request; the catalogue is compiled in the tree."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

import tousu.settings
from tests.web.conftest import CATALOGUE, page_text


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
    client = Client(headers={"Accept-Language": "en"})
    assert "Sign in to tousu" in page_text(client.get("/console/login/"))
