"""A complaint taken from intake to closed through the console alone, in Chinese, in a real
browser: window close with the guided script; dispatch, acknowledge, resolve, reply,
follow-up; and a handler refused another unit's case."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP as DESKTOP_VIEWPORT
from tousu.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def start_intake(desk, pack: str, category: str, description: str, phone: str):
    page = desk.page
    desk.go("/console/intake/")
    assert page.evaluate("document.activeElement.id") == "id_customer_phone"  # autofocus
    page.fill("#id_customer_phone", phone)
    page.fill("#id_customer_name", "周女士")
    page.select_option("#id_pack", pack)
    page.wait_for_selector(f"#id_category option[value='{category}']", state="attached")
    page.select_option("#id_request_type", "complaint")
    page.select_option("#id_category", category)
    page.fill("#id_description", description)
    return page


def status_of(page) -> str:
    return page.inner_text(".case-head .status").strip()


def act(desk, button: str, fill: dict[str, str] | None = None, check: str = "") -> None:
    """Click an action button, fill its form (opened by htmx), confirm, wait for the reload."""
    page = desk.page
    page.click(f"#case-actions >> text={button}")
    page.wait_for_selector("#action-panel form")
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    if check:
        page.check(check)
    with page.expect_navigation():
        page.click("#action-panel button[type=submit]")


def test_window_close_with_the_interconnection_script(desk):
    agent = desk("agent")
    page = start_intake(agent, "telecom", "interconnection",
                        "拨打联通手机经常无法接通，听不到回铃音，但照样扣了费", "13912340001")
    page.wait_for_selector("text=规范应答：互连互通")
    for question, answer in (("other_network", "yes"), ("always_unreachable", "no"),
                             ("callee_forwarding", "no")):
        page.check(f"input[name=answer_{question}][value={answer}]")
    close = page.locator("button[value=close]")
    close.wait_for()
    assert "互联通道太繁忙" in page.inner_text("#script-outcome")
    agent.shot("01-intake-interconnection-script")
    with page.expect_navigation():
        close.click()
    assert re.search(r"/console/cases/\d{12}/$", page.url)
    assert status_of(page) in ("已答复", "已办结")
    assert "窗口直接办结" in page.inner_text(".timeline")
    agent.shot("02-case-closed-at-window")
    case = Case.objects.get()
    assert case.script["outcome"] == "close_at_window"


def test_property_complaint_from_intake_to_closed(desk):
    agent = desk("agent")
    page = start_intake(agent, "property", "equipment_water",
                        "楼上卫生间漏水，我家天花板滴水两天了", "13912340002")
    page.wait_for_selector("#script-outcome button[value=dispatch]")
    page.select_option("#id_dispatch_unit", "eng")
    with page.expect_navigation():
        page.click("#script-outcome button[value=dispatch]")
    assert status_of(page) == "已派单"
    agent.shot("03-case-dispatched")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    handler = desk("handler_eng")
    handler.go("/console/queues/acknowledge/")
    handler.shot("04-handler-queue-to-acknowledge")
    with handler.page.expect_navigation():
        handler.page.click(f"text={number}")
    assert "/console/work-orders/" in handler.page.url
    act(handler, "签收")
    assert "处理中" in handler.page.inner_text(".case-head")
    act(handler, "报告进展", {"#id_note": "已联系业主，下午上门查看"})
    act(handler, "处理完毕", {"#id_findings": "楼上住户水管接头老化，已更换"})
    handler.shot("05-work-order-done")

    agent.go(f"/console/cases/{number}/")
    assert status_of(agent.page) == "已处理"
    act(agent, "答复客户", {"#id_message": "已为您更换楼上的水管接头，漏水已经停止"})
    assert status_of(agent.page) == "已答复"

    quality = desk("quality")
    quality.go("/console/queues/follow_up/")
    with quality.page.expect_navigation():
        quality.page.click(f"text={number}")
    act(quality, "回访", {"#id_comment": "客户表示满意"},
        check="input[name=satisfaction][value=satisfied]")
    assert status_of(quality.page) == "已办结"
    timeline = quality.page.inner_text(".timeline")
    for words in ("受理登记", "派单", "处理部门签收", "报告进展", "处理完成", "答复客户", "回访"):
        assert words in timeline
    quality.shot("06-case-closed-after-follow-up")


def test_handler_cannot_open_another_units_case(desk, org):
    from tests import factories

    case = factories.intake(org, category="equipment_water")
    factories.act(org, "dispatcher", "dispatch", case, units=["eng"])
    other = desk("handler_sec")
    response = other.go(f"/console/cases/{case.number}/")
    assert response.status == 404
    assert "没有找到" in other.page.inner_text("main")
    assert case.description not in other.page.content()
    other.shot("07-other-unit-refused")


def test_keyboard_enter_registers_and_tablet_width(desk):
    agent = desk("agent", viewport={"width": 820, "height": 1180})
    page = start_intake(agent, "property", "equipment_lighting", "楼道灯坏了一周", "13912340003")
    agent.shot("08-intake-tablet")
    page.focus("#id_customer_phone")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert status_of(page) == "已受理"
    assert Case.objects.get().category == "equipment_lighting"


def test_stale_form_in_the_browser(desk, org):
    from tests import factories

    case = factories.intake(org, category="equipment_water")
    factories.act(org, "dispatcher", "dispatch", case, units=["eng"])
    handler = desk("handler_eng")
    handler.go(f"/console/cases/{case.number}/")
    handler.page.click("#case-actions >> text=退单")
    handler.page.fill("#id_reason", "不是工程部的事")
    factories.act(org, "agent", "urge", case.number, note="客户又来电")
    handler.page.click("#action-panel button[type=submit]")
    handler.page.wait_for_selector("text=已被他人更新")
    assert handler.page.input_value("#id_reason") == "不是工程部的事"
    handler.shot("09-stale-form")


def test_keyboard_only_intake(desk):
    """Tab moves phone → name in order; Ctrl+Enter registers from inside the text area."""
    agent = desk("agent")
    page = agent.page
    agent.go("/console/intake/")
    page.keyboard.type("13912340004")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_customer_name"
    page.keyboard.type("吴先生")
    page.select_option("#id_pack", "property")
    page.wait_for_selector("#id_category option[value='equipment_lighting']", state="attached")
    page.select_option("#id_request_type", "complaint")
    page.select_option("#id_category", "equipment_lighting")
    page.focus("#id_description")
    page.keyboard.type("地下车库的灯坏了三天")
    page.keyboard.press("Enter")  # a new line in the text area, not a submit
    page.keyboard.type("晚上看不见路")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert status_of(page) == "已受理"
    assert Case.objects.get().description.splitlines() == ["地下车库的灯坏了三天", "晚上看不见路"]


TABLET = {"width": 820, "height": 1180}
WIDE_PAGES = {  # user: pages (the case page is added per case)
    "agent": ["/console/", "/console/intake/?pack=property", "/console/queues/all/"],
    "dispatcher": ["/console/dashboard/", "/console/queues/to_dispatch/"],
    "admin": ["/console/manage/calendar/", "/console/manage/packs/"],
}


@pytest.mark.parametrize("width", ["desktop", "tablet"])
def test_main_pages_fit_1280_and_tablet(desk, org, width):
    """No page scrolls sideways at 1280 px or on an 820 px tablet; screenshots of each."""
    from tests import factories

    case = factories.intake(org, category="equipment_water")
    factories.act(org, "dispatcher", "dispatch", case, units=["eng"])
    viewport = DESKTOP_VIEWPORT if width == "desktop" else TABLET
    pages = {**WIDE_PAGES, "handler_eng": [f"/console/work-orders/{case.work_orders.get().pk}/"]}
    pages["agent"] = [*pages["agent"], f"/console/cases/{case.number}/"]
    for username, paths in pages.items():
        d = desk(username, viewport=viewport)
        for i, path in enumerate(paths):
            assert d.go(path).status == 200, path
            d.page.wait_for_load_state("networkidle")
            overflow = d.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {viewport}"
            d.shot(f"layout-{width}-{username}-{i}")
