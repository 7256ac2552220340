"""The intake page suggests categories from the description (htmx, POST with CSRF); one click
chooses one. A suggestion never assigns a category on its own."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import page_text
from tests.web.test_intake import form
from tousu.cases.models import Case

pytestmark = pytest.mark.django_db

URL = "/console/intake/suggest/"


def _offered(text: str) -> list[str]:
    return re.findall(r'data-select="#id_category" data-value="([a-z_]+)"', text)


def test_description_suggests_categories_in_rank_order(client_as, org):
    response = client_as("agent").post(URL, {"pack": "property",
                                             "description": "12栋电梯困人，里面还有老人"})
    assert response.status_code == 200
    text = page_text(response)
    assert _offered(text) == ["equipment_elevator"]
    assert "设备管理类 › 电梯（含外包维保）" in text
    assert "关键词：电梯、困人" in text
    assert 'aria-pressed="false"' in text


def test_at_most_three_and_the_chosen_one_is_marked(client_as, org):
    text = page_text(client_as("agent").post(URL, {
        "pack": "property", "category": "environment_refuse",
        "description": "楼下垃圾没人清运，臭味很大，老鼠蟑螂到处跑，保洁员也不打扫卫生"}))
    offered = _offered(text)
    # 垃圾+清运+臭味 6, 保洁+保洁员 5, then 打扫+卫生 and 老鼠+蟑螂 tie at 4: pack order
    assert offered == ["environment_refuse", "environment_outsourced_cleaning",
                       "environment_cleaning"]
    assert 'data-value="environment_refuse"\n                aria-pressed="true"' in text


def test_telecom_weak_signal(client_as, org):
    text = page_text(client_as("agent").post(URL, {"pack": "telecom",
                                                   "description": "小区里手机信号差"}))
    assert _offered(text) == ["network_weak_signal"]


def test_nothing_matching_says_so(client_as, org):
    text = page_text(client_as("agent").post(URL, {"pack": "telecom",
                                                   "description": "想问一下今天几点下班"}))
    assert _offered(text) == []
    assert "描述中没有可推荐类别的关键词" in text


def test_empty_description_shows_nothing(client_as, org):
    text = page_text(client_as("agent").post(URL, {"pack": "telecom", "description": ""}))
    assert _offered(text) == [] and "建议类别" not in text and "没有可推荐" not in text


def test_changing_the_pack_refreshes_the_suggestions(client_as, org):
    text = page_text(client_as("agent").post("/console/intake/pack-fields/", {
        "pack": "telecom", "description": "手机信号差"}))
    assert 'id="category-suggest" class="suggest" hx-swap-oob="true"' in text
    assert _offered(text) == ["network_weak_signal"]


def test_intake_page_wires_the_description_to_the_suggestions(client_as, org):
    text = page_text(client_as("agent").get("/console/intake/?pack=property"))
    assert 'hx-post="/console/intake/suggest/"' in text
    assert 'id="category-suggest"' in text


def test_post_needs_the_csrf_token(client_as, org):
    client = client_as("agent", enforce_csrf_checks=True)
    response = client.post(URL, {"pack": "property", "description": "电梯困人"})
    assert response.status_code == 403
    page = client.get("/console/intake/")
    token = page.cookies["csrftoken"].value
    response = client.post(URL, {"pack": "property", "description": "电梯困人"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert _offered(page_text(response)) == ["equipment_elevator"]


def test_handler_cannot_ask(client_as, org):
    assert client_as("handler_eng").post(URL, {"pack": "property",
                                               "description": "电梯困人"}).status_code == 403


def test_register_without_a_category_stays_without_one(client_as, org):
    response = client_as("agent").post("/console/intake/", form(category="",
                                                                description="电梯困人一个小时"))
    assert response.status_code == 302
    assert Case.objects.get().category == ""
