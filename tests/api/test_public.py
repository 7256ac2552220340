"""The public API (no token): submit, track, confirm, rate, appeal; limits and refusals."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.portal_steps import to_proposal, to_replied
from tousu.cases.models import Attachment, Case, Customer, Event
from tousu.cases.services.public import NOT_FOUND_MESSAGE
from tousu.rules.attachments import MAX_ATTACHMENT_BYTES
from tousu.rules.public import CODE_LENGTH, code_hash

BASE = "/api/v1/public"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    cache.clear()  # rate-limit counters of earlier tests
    yield
    cache.clear()


@pytest.fixture
def client():
    return Client()


def form(**overrides):
    body = {
        "pack": "property",
        "request_type": "complaint",
        "category": "equipment_water",
        "description": "地下车库顶板漏水，车被淋湿",
        "location": "幸福小区地下车库",
        "demand": "尽快维修",
        "name": "李先生",
        "phone": "13912345678",
    }
    body.update(overrides)
    return body


def submit(client, **overrides):
    return client.post(f"{BASE}/cases", form(**overrides))


def post_json(client, path, body):
    return client.post(BASE + path, body, content_type="application/json")


def created_number(client, **overrides):
    response = submit(client, **overrides)
    assert response.status_code == 201, response.content
    return response.json()["number"]


def error(response):
    return response.json()["error"]


def test_submit_answers_201_with_the_number(client, org):
    response = submit(client)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body == {
        "number": case.number,
        "status": "registered",
        "received_at": body["received_at"],
        "follow_up_code": None,
    }
    assert body["received_at"].endswith("+08:00")
    assert (case.channel, case.request_type, case.category) == (
        "web",
        "complaint",
        "equipment_water",
    )
    assert case.customer.phone == "13912345678"
    registered = Event.objects.get(case=case, kind="case.registered")
    assert registered.actor is None
    assert registered.data["by"] == "customer"


def test_track_with_phone_shows_the_customer_view_only(client, org):
    number = created_number(client, phone="139 1234 5678")
    response = client.get(f"{BASE}/cases/{number}", {"phone": "+86 13912345678"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "number",
        "status",
        "pack",
        "request_type",
        "category",
        "received_at",
        "description",
        "location",
        "demand",
        "satisfaction",
        "proposal",
        "actions",
        "timeline",
        "attachments",
    }
    assert body["pack"] == {"code": "property", "name": "物业服务"}
    assert body["request_type"]["code"] == "complaint"
    assert body["status"] == "registered"
    assert [s["step"] for s in body["timeline"]] == ["received"]
    assert body["actions"] == []
    assert "customer" not in body and "events" not in body


def test_wrong_pair_answers_exactly_like_an_unknown_number(client, org):
    number = created_number(client)
    wrong = client.get(f"{BASE}/cases/{number}", {"phone": "13700000000"})
    unknown = client.get(f"{BASE}/cases/209901999999", {"phone": "13912345678"})
    bad_code = client.get(f"{BASE}/cases/{number}", {"code": "ABCD-EFGH-JKMN"})
    assert wrong.status_code == unknown.status_code == bad_code.status_code == 404
    assert wrong.content == unknown.content == bad_code.content
    assert error(wrong) == {
        "code": "not_found",
        "message": NOT_FOUND_MESSAGE,
        "fields": [],
        "allowed_actions": [],
    }


def test_track_without_phone_or_code_names_the_field(client, org):
    number = created_number(client)
    response = client.get(f"{BASE}/cases/{number}")
    assert response.status_code == 422
    assert [f["field"] for f in error(response)["fields"]] == ["phone"]


def test_anonymous_report_gets_a_code_shown_once_and_only_its_hash_is_stored(client, org):
    response = submit(
        client,
        pack="internet",
        request_type="report",
        category="",
        anonymous="true",
        name="",
        phone="",
        location="https://example.com/post/123",
        description="某帖子传播违法信息",
    )
    assert response.status_code == 201, response.content
    code = response.json()["follow_up_code"]
    assert len(code) == CODE_LENGTH
    case = Case.objects.get()
    assert case.follow_up_code_hash == code_hash(code)
    assert code not in str(Case.objects.values().get()) + str(Customer.objects.values().get())
    assert (case.customer.phone, case.customer.name) == ("", "")
    assert case.status == "registered"  # verifiable: it says where to look
    assert case.facts == {"anonymous": True, "verifiable": True}
    spaced = f"{code[:4].lower()}-{code[4:8]} {code[8:]}"
    tracked = client.get(f"{BASE}/cases/{case.number}", {"code": spaced})
    assert tracked.status_code == 200
    assert tracked.json()["number"] == case.number


@pytest.mark.parametrize(
    ("_case", "overrides", "field", "code"),
    [
        ("anonymous_complaint", {"anonymous": "true", "phone": ""}, "anonymous", "invalid"),
        ("no_phone", {"phone": ""}, "phone", "invalid"),
        ("bad_phone", {"phone": "12345"}, "phone", "invalid"),
        ("consultation_offline_only", {"request_type": "consultation"}, "request_type", "unknown"),
        ("unknown_pack", {"pack": "casino"}, "pack", "unknown"),
        ("unknown_category", {"category": "moon"}, "category", "unknown"),
        ("empty_description", {"description": ""}, "description", "invalid"),
        ("future", {"occurred_at": "2099-01-01T10:00:00+08:00"}, "occurred_at", "invalid"),
        ("unknown_field", {"nickname": "x"}, "nickname", "unknown"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(client, org, _case, overrides, field, code):
    response = submit(client, **overrides)
    assert response.status_code == 422, response.content
    assert (field, code) in [(f["field"], f["code"]) for f in error(response)["fields"]]
    assert not Case.objects.exists()
    assert not Customer.objects.exists()


def test_script_in_a_field_is_stored_as_text(client, org):
    text = "<script>alert('x')</script> 漏水"
    number = created_number(client, description=text)
    body = client.get(f"{BASE}/cases/{number}", {"phone": "13912345678"}).json()
    assert body["description"] == text
    assert Case.objects.get().description == text


def test_attachments_are_stored_with_their_sniffed_type(client, org, settings):
    photo = SimpleUploadedFile("漏水.png", PNG, content_type="image/png")
    response = client.post(f"{BASE}/cases", {**form(), "attachments": [photo]})
    assert response.status_code == 201, response.content
    att = Attachment.objects.get()
    assert (att.original_name, att.content_type, att.source) == ("漏水.png", "image/png", "portal")
    assert (settings.MEDIA_ROOT / att.stored_path).read_bytes() == PNG
    body = client.get(f"{BASE}/cases/{att.case.number}", {"phone": "13912345678"}).json()
    assert body["attachments"] == [
        {"name": "漏水.png", "content_type": "image/png", "size": len(PNG)}
    ]
    assert [s["step"] for s in body["timeline"]] == ["received", "attachment"]


@pytest.mark.parametrize(
    ("_case", "name", "content", "words"),
    [
        ("exe_named_jpg", "photo.jpg", EXE, "not an accepted type"),
        ("too_big", "scan.pdf", b"%PDF-1.4\n" + b"\x00" * MAX_ATTACHMENT_BYTES, "the limit is"),
    ],
)
def test_bad_attachment_refuses_the_whole_submission(
    client, org, settings, _case, name, content, words
):
    good = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    bad = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = client.post(f"{BASE}/cases", {**form(), "attachments": [good, bad]})
    assert response.status_code == 422, response.content
    fields = error(response)["fields"]
    assert fields[0]["field"] == "attachments[1]"
    assert words in fields[0]["message"]
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "cases").exists()


def test_submissions_past_the_address_limit_get_429(client, org, settings):
    settings.TOUSU_PUBLIC_SUBMIT_PER_ADDRESS = "2/h"
    created_number(client, phone="13900000001")
    created_number(client, phone="13900000002")
    response = submit(client, phone="13900000003")
    assert response.status_code == 429
    assert error(response)["code"] == "rate_limited"
    assert "too many requests" in error(response)["message"]
    assert 0 < int(response["Retry-After"]) <= 3601
    assert Case.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(f"{BASE}/cases", form(phone="13900000004")).status_code == 201


def test_submissions_past_the_phone_limit_get_429_from_any_address(org, settings):
    settings.TOUSU_PUBLIC_SUBMIT_PER_PHONE = "1/h"
    assert Client(REMOTE_ADDR="10.0.0.1").post(f"{BASE}/cases", form()).status_code == 201
    again = Client(REMOTE_ADDR="10.0.0.2").post(f"{BASE}/cases", form(phone="+86 139-1234-5678"))
    assert again.status_code == 429
    assert Case.objects.count() == 1


def test_lookups_past_the_limit_get_429(client, org, settings):
    settings.TOUSU_PUBLIC_LOOKUP_PER_ADDRESS = "3/h"
    number = created_number(client)
    for phone in ("13700000000", "13700000001", "13912345678"):
        assert client.get(f"{BASE}/cases/{number}", {"phone": phone}).status_code in (200, 404)
    assert client.get(f"{BASE}/cases/{number}", {"phone": "13912345678"}).status_code == 429


def test_confirm_accept_through_the_staff_flow(client, org):
    number = created_number(client)
    body = client.get(f"{BASE}/cases/{number}", {"phone": "13912345678"}).json()
    assert body["actions"] == []
    refused = post_json(
        client, f"/cases/{number}/confirm", {"phone": "13912345678", "accept": True}
    )
    assert refused.status_code == 409
    assert error(refused)["allowed_actions"] == []

    to_proposal(org, number)
    body = client.get(f"{BASE}/cases/{number}", {"phone": "13912345678"}).json()
    assert body["actions"] == ["confirm"]
    assert body["proposal"] == {
        "round": 1,
        "final": False,
        "solutions": [{"kind": "repair", "description": "更换顶板防水层", "amount": None}],
    }
    response = post_json(
        client, f"/cases/{number}/confirm", {"phone": "13912345678", "accept": True}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["proposal"] is None
    assert body["actions"] == []
    assert [s["step"] for s in body["timeline"]] == [
        "received",
        "handling",
        "in_progress",
        "proposal",
        "proposal_accepted",
    ]
    accepted = Event.objects.get(kind="case.customer_accepted")
    assert accepted.actor is None and accepted.data["by"] == "customer"


def test_reject_needs_a_reason(client, org):
    number = created_number(client)
    to_proposal(org, number)
    path = f"/cases/{number}/confirm"
    response = post_json(client, path, {"phone": "13912345678", "accept": False})
    assert response.status_code == 422
    assert [f["field"] for f in error(response)["fields"]] == ["reason"]
    ok = post_json(client, path, {"phone": "13912345678", "accept": False, "reason": "方案太慢"})
    assert ok.status_code == 200
    assert ok.json()["timeline"][-1]["step"] == "proposal_rejected"
    assert Case.objects.get().rejection_count == 1


def test_rate_after_the_reply_closes_the_case(client, org):
    number = created_number(client)
    to_proposal(org, number)
    to_replied(org, number)
    body = client.get(f"{BASE}/cases/{number}", {"phone": "13912345678"}).json()
    assert body["status"] == "replied"
    assert body["actions"] == ["satisfaction", "appeal"]
    replied = [s for s in body["timeline"] if s["step"] == "replied"]
    assert replied[0]["detail"] == {"message": "已更换防水层，请您查看。"}
    response = post_json(
        client,
        f"/cases/{number}/satisfaction",
        {"phone": "13912345678", "satisfaction": "satisfied", "comment": "修得很好"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["satisfaction"]) == ("closed", "satisfied")
    assert body["timeline"][-1] == {
        "at": body["timeline"][-1]["at"],
        "step": "rated",
        "detail": {"satisfaction": "satisfied"},
    }


def test_unknown_satisfaction_is_refused(client, org):
    number = created_number(client)
    response = post_json(
        client, f"/cases/{number}/satisfaction", {"phone": "13912345678", "satisfaction": "meh"}
    )
    assert response.status_code == 422
    assert [f["field"] for f in error(response)["fields"]] == ["satisfaction"]


def test_appeal_within_the_window_reopens_the_case(client, org):
    number = created_number(client)
    to_proposal(org, number)
    to_replied(org, number)
    response = post_json(
        client, f"/cases/{number}/appeal", {"phone": "13912345678", "reason": "还在漏水"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "registered"
    assert response.json()["timeline"][-1]["step"] == "appealed"
    assert Case.objects.get().appeal_count == 1


def test_appeal_with_a_wrong_phone_is_a_404_and_changes_nothing(client, org):
    number = created_number(client)
    to_proposal(org, number)
    to_replied(org, number)
    response = post_json(
        client, f"/cases/{number}/appeal", {"phone": "13700000000", "reason": "还在漏水"}
    )
    assert response.status_code == 404
    assert error(response)["message"] == NOT_FOUND_MESSAGE
    assert Case.objects.get().status == "replied"


def test_appeal_after_the_window_is_refused(client, org):
    from datetime import timedelta

    from django.utils import timezone

    from tousu.cases.services import public
    from tousu.rules.errors import IllegalAction

    number = created_number(client)
    to_proposal(org, number)
    to_replied(org, number)
    later = timezone.now() + timedelta(days=40)  # the property pack's window is 15 days
    with pytest.raises(IllegalAction) as refused:
        public.appeal(number=number, phone="13912345678", reason="还在漏水", now=later)
    assert refused.value.allowed == ["satisfaction"]
    assert "appeal window has passed" in refused.value.message
    assert Case.objects.get().status == "replied"


def test_staff_internal_notes_never_reach_the_customer(client, org):
    from tests.factories import act

    number = created_number(client)
    act(org, "dispatcher", "triage", number, category="equipment_water", reason="内部备注：老客户")
    act(org, "dispatcher", "dispatch", number, units=["eng"], note="工程部张三负责")
    act(org, "handler_eng", "acknowledge", number)
    act(org, "handler_eng", "progress", number, note="内部：供应商拖延")
    response = client.get(f"{BASE}/cases/{number}", {"phone": "13912345678"})
    text = response.content.decode()
    for secret in ("内部备注", "张三", "供应商", "handler_eng", "工程部", "dispatcher"):
        assert secret not in text
    assert [s["step"] for s in response.json()["timeline"]] == [
        "received",
        "handling",
        "in_progress",
        "progress",
    ]


def test_limits_hold_across_clients_with_the_shared_redis_cache(org, settings):
    """With TOUSU_CACHE_URL (Redis) every web worker counts against the same limit."""
    import uuid

    import redis

    prefix = f"tousu-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    settings.TOUSU_PUBLIC_SUBMIT_PER_PHONE = "1/h"
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"
    first = Client(REMOTE_ADDR="10.1.0.1").post(f"{BASE}/cases", form())
    assert first.status_code == 201
    second = Client(REMOTE_ADDR="10.1.0.2").post(f"{BASE}/cases", form())
    assert second.status_code == 429
    assert Case.objects.count() == 1
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    assert server.keys(f"{prefix}:*:tousu:rl:submit-phone:*")  # counted in Redis itself
    for key in server.keys(f"{prefix}:*"):
        server.delete(key)


def test_json_body_is_refused_with_the_form_fields_named(client, org):
    response = client.post(f"{BASE}/cases", {"pack": "property"}, content_type="application/json")
    assert response.status_code == 422
    assert {"request_type", "description"} <= {f["field"] for f in error(response)["fields"]}
    assert not Case.objects.exists()


def test_anonymous_report_without_anything_to_check_is_not_accepted(client, org):
    response = submit(
        client,
        pack="internet",
        request_type="report",
        category="",
        anonymous="true",
        name="",
        phone="",
        location="",
        description="听说有人违规",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "invalid"
    tracked = client.get(f"{BASE}/cases/{body['number']}", {"code": body["follow_up_code"]}).json()
    assert [s["step"] for s in tracked["timeline"]] == ["received", "not_accepted"]
    assert tracked["timeline"][1]["detail"]["reason"]
    assert tracked["actions"] == []
