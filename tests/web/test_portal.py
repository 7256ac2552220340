"""The customer portal's pages: submit, track, confirm, rate, appeal; bots, floods, escaping."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.portal_steps import to_proposal, to_replied
from tests.web.conftest import choose_english
from tousu.cases.models import Attachment, Case, Customer, Event

PNG = b"\x89PNG\r\n\x1a\n" + b"\x03" * 80
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 80
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return Client()


def form(**overrides):
    body = {
        "request_type": "complaint",
        "category": "equipment_water",
        "description": "楼道天花板漏水，地面湿滑",
        "occurred_at": "2026-12-01T20:30",
        "location": "幸福小区5栋二单元",
        "demand": "请尽快修好",
        "name": "赵女士",
        "phone": PHONE,
        "website": "",
    }
    body.update(overrides)
    return body


def submit(client, pack="property", **overrides):
    return client.post(f"/portal/submit/{pack}/", form(**overrides))


def number_of(response) -> str:
    match = re.search(r'data-testid="case-number">(\d{12})<', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_home_links_submit_and_track(client, org):
    page = client.get("/portal/").content.decode()
    assert 'href="/portal/submit/"' in page
    assert 'href="/portal/track/"' in page
    assert "我要提交" in page


def test_pack_list_comes_from_the_registry(client, org):
    page = client.get("/portal/submit/").content.decode()
    for code, name in [("property", "物业服务"), ("telecom", "电信运营商"), ("bank", "银行")]:
        assert f'href="/portal/submit/{code}/"' in page
        assert name in page


def test_form_offers_the_packs_categories_and_public_types(client, org):
    page = client.get("/portal/submit/property/").content.decode()
    assert 'value="complaint"' in page and 'value="suggestion"' in page
    assert 'value="consultation"' not in page  # asked offline, not filed online
    assert 'name="anonymous"' not in page  # the property pack has no reports
    assert '<optgroup label="设备' in page
    assert 'value="equipment_water"' in page
    internet = client.get("/portal/submit/internet/").content.decode()
    assert 'value="report"' in internet and 'name="anonymous"' in internet


def test_submit_shows_the_number_and_lets_the_customer_see_the_case(client, org):
    response = submit(client)
    assert response.status_code == 201
    number = number_of(response)
    case = Case.objects.get(number=number)
    assert (case.channel, case.customer.phone, case.category) == ("web", PHONE, "equipment_water")
    assert 'data-testid="follow-up-code"' not in response.content.decode()
    page = client.get(f"/portal/case/{number}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "已收到您的诉求" in text
    assert "楼道天花板漏水" in text


def test_case_page_needs_proof(org):
    first = Client()
    number = number_of(submit(first))
    stranger = Client()
    response = stranger.get(f"/portal/case/{number}/")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/track/?number={number}"


def test_track_with_number_and_phone(org):
    number = number_of(submit(Client()))
    client = Client()
    response = client.post("/portal/track/", {"number": number, "phone": "138 1234 5678"})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/case/{number}/"
    assert client.get(f"/portal/case/{number}/").status_code == 200


def test_wrong_pair_reads_exactly_like_an_unknown_number(org):
    number = number_of(submit(Client()))
    wrong = Client().post("/portal/track/", {"number": number, "phone": "13700000000"})
    unknown = Client().post("/portal/track/", {"number": "209901000001", "phone": "13700000000"})
    assert wrong.status_code == unknown.status_code == 404
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.content.decode())  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert "没有找到" in wrong.content.decode()


def test_track_needs_phone_or_code(client, org):
    response = client.post("/portal/track/", {"number": "202612000001"})
    assert response.status_code == 422
    assert "请填写手机号码或匿名查询码" in response.content.decode()


def test_anonymous_report_shows_the_code_once_and_it_opens_the_case(org):
    client = Client()
    response = submit(
        client,
        pack="internet",
        request_type="report",
        category="",
        anonymous="on",
        name="",
        phone="",
        location="某论坛第123号帖子",
        description="有人冒充客服诈骗",
    )
    assert response.status_code == 201
    text = response.content.decode()
    code = re.search(r'data-testid="follow-up-code">([A-Z0-9-]+)<', text).group(1)
    number = number_of(response)
    case = Case.objects.get(number=number)
    assert case.customer.phone == "" and case.follow_up_code_hash
    assert code.replace("-", "") not in str(Case.objects.values().get())
    other = Client()
    response = other.post("/portal/track/", {"number": number, "code": code.lower()})
    assert response.status_code == 302
    assert other.get(f"/portal/case/{number}/").status_code == 200


def test_anonymous_only_for_reports(client, org):
    response = submit(
        client, pack="internet", request_type="complaint", category="", anonymous="on", phone=""
    )
    assert response.status_code == 422
    assert "只有举报可以匿名提交" in response.content.decode()
    assert not Case.objects.exists()


def test_bad_phone_is_named_and_nothing_is_stored(client, org):
    response = submit(client, phone="12345")
    assert response.status_code == 422
    assert "请填写有效的手机号码" in response.content.decode()
    assert not Case.objects.exists() and not Customer.objects.exists()


def test_honeypot_gets_a_polite_refusal_and_nothing_is_stored(client, org):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 400
    assert "这次提交没有成功" in response.content.decode()
    assert not Case.objects.exists() and not Customer.objects.exists()


def test_flood_gets_429_with_a_clear_message(client, org, settings):
    settings.TOUSU_PUBLIC_SUBMIT_PER_ADDRESS = "2/h"
    assert submit(client, phone="13800000001").status_code == 201
    assert submit(client, phone="13800000002").status_code == 201
    response = submit(client, phone="13800000003")
    assert response.status_code == 429
    assert "请求太多" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Case.objects.count() == 2


def test_attachment_is_stored_and_listed(client, org):
    photo = SimpleUploadedFile("楼道.png", PNG, content_type="image/png")
    response = client.post("/portal/submit/property/", {**form(), "attachments": [photo]})
    assert response.status_code == 201
    att = Attachment.objects.get()
    assert (att.source, att.content_type) == ("portal", "image/png")
    page = client.get(f"/portal/case/{att.case.number}/").content.decode()
    assert "楼道.png" in page and "已收到附件" in page


def test_disguised_attachment_refuses_the_form_and_stores_nothing(client, org):
    bad = SimpleUploadedFile("photo.jpg", EXE, content_type="image/jpeg")
    response = client.post("/portal/submit/property/", {**form(), "attachments": [bad]})
    assert response.status_code == 422
    assert "附件只能是" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_html_in_fields_is_stored_as_text_and_escaped(client, org):
    response = submit(client, description="<script>alert(1)</script>漏水", location="<b>5栋</b>")
    number = number_of(response)
    assert Case.objects.get().description == "<script>alert(1)</script>漏水"
    page = client.get(f"/portal/case/{number}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;漏水" in page
    assert "&lt;b&gt;5栋&lt;/b&gt;" in page


def test_confirm_reject_then_accept_rate_and_appeal(client, org):
    number = number_of(submit(client))
    page = client.get(f"/portal/case/{number}/").content.decode()
    assert 'id="confirm"' not in page
    to_proposal(org, number)
    page = client.get(f"/portal/case/{number}/").content.decode()
    assert 'id="confirm"' in page and "更换顶板防水层" in page
    assert "工程部" not in page and "handler_eng" not in page

    empty = client.post(f"/portal/case/{number}/reject/", {"reason": ""})
    assert empty.status_code == 422
    ok = client.post(f"/portal/case/{number}/reject/", {"reason": "时间太久"})
    assert ok.status_code == 302
    assert Case.objects.get().rejection_count == 1

    from tests.factories import act
    from tests.portal_steps import PROPOSAL

    act(org, "handler_eng", "propose", number, solutions=PROPOSAL)
    assert client.post(f"/portal/case/{number}/accept/").status_code == 302
    assert Event.objects.filter(kind="case.customer_accepted").get().data["by"] == "customer"

    to_replied(org, number, accepted=True)
    page = client.get(f"/portal/case/{number}/").content.decode()
    assert 'id="rate"' in page and 'id="appeal"' in page
    assert "已更换防水层，请您查看。" in page
    response = client.post(f"/portal/case/{number}/rate/", {"satisfaction": "dissatisfied"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.satisfaction, case.status) == ("dissatisfied", "processing")


def test_appeal_from_the_page(client, org):
    number = number_of(submit(client))
    to_proposal(org, number)
    to_replied(org, number)
    response = client.post(f"/portal/case/{number}/appeal/", {"reason": "问题没有解决"})
    assert response.status_code == 302
    assert Case.objects.get().appeal_count == 1
    page = client.get(f"/portal/case/{number}/").content.decode()
    assert "已收到您的复核申请" in page
    again = client.post(f"/portal/case/{number}/appeal/", {"reason": "再次申请"})
    assert again.status_code == 409
    assert "现在无法办理" in again.content.decode()


def test_portal_in_english(org):
    client = choose_english(Client())
    page = client.get("/portal/").content.decode()
    assert "Track a case" in page
    for path in ("/portal/", "/portal/track/"):
        text = client.get(path).content.decode().replace("中文", "")  # the language button
        assert not re.findall(r"[\u4e00-\u9fff]+", text), path  # every label translated
    text = client.post("/portal/track/", {"number": "1"}).content.decode().replace("中文", "")
    assert not re.findall(r"[\u4e00-\u9fff]+", text)
    from tousu.packs.registry import active_pack

    pack = active_pack("internet").pack
    text = client.get("/portal/submit/internet/").content.decode().replace("中文", "")
    for name in sorted([pack.name, *(c.name for c in pack.categories)], key=len, reverse=True):
        text = text.replace(name, "")  # pack data is shown as the pack writes it
    assert not re.findall(r"[\u4e00-\u9fff]+", text)


def test_staff_see_the_customers_own_steps_as_the_customers(client, org, client_as):
    photo = SimpleUploadedFile("楼道.png", PNG, content_type="image/png")
    response = client.post("/portal/submit/property/", {**form(), "attachments": [photo]})
    number = number_of(response)
    page = client_as("dispatcher").get(f"/console/cases/{number}/").content.decode()
    assert "收到附件" in page
    assert "case.attachment_added" not in page
    assert re.search(r"· 客户</span>", page)


def test_online_submissions_reach_the_top_units_agents(client, org, client_as, settings):
    number = number_of(submit(client))
    assert Case.objects.get().intake_unit.code == "hq"  # the top of the test organisation
    assert client_as("agent").get(f"/console/cases/{number}/").status_code == 200
    assert client_as("agent_north").get(f"/console/cases/{number}/").status_code == 404
    settings.TOUSU_PORTAL_UNIT = "north"
    other = number_of(submit(client, phone="13812340000"))
    assert client_as("agent_north").get(f"/console/cases/{other}/").status_code == 200
