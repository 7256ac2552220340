"""An English-speaking browser (Accept-Language: en-US) gets the console in Chinese; the
English button switches it, and the choice stays until 中文 is pressed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_english_browser_sees_chinese_until_it_chooses_english(desk):
    agent = desk("agent")  # its browser context says en-US
    page = agent.page
    assert page.evaluate("navigator.language") == "en-US"
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "受理登记" in page.inner_text(".mainnav")
    agent.shot("language-01-chinese-by-default")
    with page.expect_navigation():
        page.click(".lang button[value=en]")
    assert page.get_attribute("html", "lang") == "en"
    agent.go("/console/dashboard/")
    assert page.get_attribute("html", "lang") == "en"  # the choice holds on the next page
    assert "受理登记" not in page.inner_text(".mainnav")
    agent.shot("language-02-english-chosen")
    with page.expect_navigation():
        page.click(".lang button[value=zh-hans]")
    assert page.get_attribute("html", "lang") == "zh-CN"
