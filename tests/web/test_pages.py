"""Every console page renders for every role (or refuses with a calm page), and never shows a
traceback."""

from __future__ import annotations

import pytest

from tests import factories
from tests.web.conftest import page_text
from tousu.web.console.queues import QUEUES

EVERY_USER = [u for u, _role, _unit in factories.USERS]
INTAKE = {"admin", "agent", "agent_north", "dispatcher", "supervisor", "manager", "quality",
          "crisis"}
PAGES = [
    "/console/",
    "/console/dashboard/",
    "/console/dashboard/?unit=eng",
    *[f"/console/queues/{code}/" for code in QUEUES],
    "/console/queues/all/?status=dispatched&q=漏水&ordering=-created_at",
]


def _ok(response) -> str:
    text = page_text(response)
    assert "Traceback" not in text
    return text


@pytest.fixture
def cases(org, eng_case, sec_case):
    telecom = factories.intake(org, pack="telecom", category="interconnection",
                               description="打联通号码总是接不通", by="agent_north")
    return {"eng": eng_case, "sec": sec_case, "telecom": telecom}


@pytest.mark.parametrize("username", EVERY_USER)
def test_common_pages_render_for_every_role(client_as, cases, username):
    client = client_as(username)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        _ok(response)


@pytest.mark.parametrize("username", EVERY_USER)
def test_intake_page_by_role(client_as, org, username):
    response = client_as(username).get("/console/intake/")
    expected = 200 if username in INTAKE else 403
    assert response.status_code == expected
    text = _ok(response)
    if expected == 403:
        assert "无权访问" in text


@pytest.mark.parametrize("username", EVERY_USER)
def test_case_page_by_role(client_as, cases, username):
    client = client_as(username)
    response = client.get(f"/console/cases/{cases['eng'].number}/")
    sees = username not in ("handler_sec", "agent_north")
    assert response.status_code == (200 if sees else 404)
    text = _ok(response)
    if sees:
        assert cases["eng"].number in text
        assert "处理过程" in text


@pytest.mark.parametrize("username", EVERY_USER)
def test_admin_pages_for_admins_only(client_as, org, username):
    client = client_as(username)
    for path in ("/console/manage/", "/console/manage/units/", "/console/manage/users/",
                 "/console/manage/packs/", "/console/manage/packs/telecom/"):
        response = client.get(path)
        assert response.status_code == (200 if username == "admin" else 403), path
        _ok(response)


def test_work_order_page_for_the_handler(client_as, eng_case):
    order = eng_case.work_orders.get()
    response = client_as("handler_eng").get(f"/console/work-orders/{order.pk}/")
    text = _ok(response)
    assert response.status_code == 200
    assert "工程部 处理单" in text
    assert "签收" in text
    assert "退单" in text


def test_handler_cannot_open_another_units_case(client_as, sec_case):
    client = client_as("handler_eng")
    order = sec_case.work_orders.get()
    for path in (f"/console/cases/{sec_case.number}/",
                 f"/console/cases/{sec_case.number}/actions/acknowledge/",
                 f"/console/work-orders/{order.pk}/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert sec_case.description not in _ok(response)
    response = client.post(f"/console/cases/{sec_case.number}/actions/acknowledge/",
                           {"version": sec_case.version})
    assert response.status_code == 404
    sec_case.refresh_from_db()
    assert sec_case.status == "dispatched"


def test_unknown_pages_are_calm_404s(client_as, org):
    client = client_as("agent")
    for path in ("/console/queues/nonsense/", "/console/cases/000000000000/",
                 "/console/cases/202611000001/actions/fly/", "/console/work-orders/999999/",
                 "/console/manage/packs/none/"):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        _ok(response)


def test_bad_filters_do_not_break_the_queue(client_as, cases):
    response = client_as("dispatcher").get(
        "/console/queues/all/?status=nope&created_after=yesterday&page=abc"
    )
    assert response.status_code == 422
    assert "errorlist" in _ok(response)


def test_django_admin_is_localized(client_as, org):
    admin = org.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    response = client_as("admin").get("/admin/")
    assert response.status_code == 200
    text = page_text(response)
    assert "投诉单" in text
    assert "处理记录" in text
