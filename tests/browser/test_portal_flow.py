"""A customer on a phone-sized screen: submit, see the number, track it; after the staff move
the case on (through the services), confirm the proposal and rate the result."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.portal_steps import to_proposal, to_replied
from tousu.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_SCREEN = {"width": 390, "height": 844}  # a common phone in portrait
PHONE = "13955501234"


@pytest.fixture
def phone_page(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    context = browser.new_context(
        locale="en-US",  # the portal is Chinese whatever the phone's language
        viewport=PHONE_SCREEN,
        is_mobile=True,
        has_touch=True,
        timezone_id="Asia/Shanghai",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page, live_server.url
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"portal-{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_SCREEN["width"], f"the page is {width}px wide on a phone"


def test_submit_track_confirm_and_rate_on_a_phone(phone_page, org, tmp_path):
    page, base = phone_page
    page.goto(f"{base}/portal/")
    no_sideways_scroll(page)
    page.click("text=我要提交")
    page.click("text=物业服务")
    page.wait_for_url(re.compile(r".*/portal/submit/property/$"))
    page.check("input[name=request_type][value=complaint]")
    page.select_option("#id_category", "equipment_water")
    page.fill("#id_description", "车库顶板一直滴水，车身全是泥点")
    page.fill("#id_location", "幸福小区地下车库B区")
    page.fill("#id_demand", "尽快修好顶板")
    page.fill("#id_name", "孙先生")
    page.fill("#id_phone", PHONE)
    photo = tmp_path / "车库.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page.set_input_files("#id_attachments", str(photo))
    no_sideways_scroll(page)
    shot(page, "01-submit-form")
    with page.expect_navigation():
        page.click("button[type=submit]")

    number = page.inner_text("[data-testid=case-number]").strip()
    assert re.fullmatch(r"\d{12}", number)
    assert "提交成功" in page.inner_text("main")
    shot(page, "02-submitted")
    case = Case.objects.get(number=number)
    assert (case.channel, case.customer.phone) == ("web", PHONE)
    assert case.attachments.count() == 1

    # a fresh visit (another browser session) tracks it with the number and the phone
    page.context.clear_cookies()
    page.goto(f"{base}/portal/track/")
    page.fill("#id_number", number)
    page.fill("#id_phone", PHONE)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.inner_text("[data-testid=status]").strip() == "已受理"
    assert "已收到您的诉求" in page.inner_text("[data-testid=timeline]")

    to_proposal(org, number)
    page.reload()
    assert "更换顶板防水层" in page.inner_text("#confirm")
    no_sideways_scroll(page)
    shot(page, "03-confirm")
    with page.expect_navigation():
        page.click("#confirm >> text=接受方案")
    assert "您接受了处理方案" in page.inner_text("[data-testid=timeline]")

    to_replied(org, number, accepted=True)
    page.reload()
    assert page.inner_text("[data-testid=status]").strip() == "已答复"
    page.check("#rate input[name=satisfaction][value=satisfied]")
    page.fill("#rate textarea[name=comment]", "师傅很负责")
    shot(page, "04-rate")
    with page.expect_navigation():
        page.click("#rate >> text=提交评价")
    assert page.inner_text("[data-testid=status]").strip() == "已办结"
    assert "您已评价" in page.inner_text("[data-testid=timeline]")
    no_sideways_scroll(page)
    case.refresh_from_db()
    assert (case.status, case.satisfaction) == ("closed", "satisfied")
