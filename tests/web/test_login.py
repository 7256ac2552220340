"""Login, logout, the login redirect and CSRF on the console's forms."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.web.conftest import page_text

CONSOLE_PAGES = [
    "/console/",
    "/console/intake/",
    "/console/queues/all/",
    "/console/cases/202611000001/",
    "/console/work-orders/1/",
    "/console/dashboard/",
    "/console/manage/packs/",
]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_anonymous_visitor_is_sent_to_login(db, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/console/login/?next={path}"


def test_root_goes_to_the_console(db):
    assert Client().get("/")["Location"] == "/console/"


def test_login_page_in_chinese_by_default(db):
    response = Client().get("/console/login/")
    assert response.status_code == 200
    assert "登录投诉处理平台" in page_text(response)


def test_login_then_home(org):
    client = Client()
    response = client.post(
        "/console/login/", {"username": "agent", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_login_follows_next(org):
    response = Client().post(
        "/console/login/?next=/console/queues/all/",
        {"username": "agent", "password": factories.PASSWORD, "next": "/console/queues/all/"},
    )
    assert response["Location"] == "/console/queues/all/"


def test_wrong_password_is_refused_and_keeps_the_username(org):
    response = Client().post("/console/login/", {"username": "agent", "password": "wrong"})
    assert response.status_code == 200
    text = page_text(response)
    assert 'value="agent"' in text
    assert "errorlist" in text


def test_logout(client_as):
    client = client_as("agent")
    response = client.post("/console/logout/")
    assert response["Location"] == "/console/login/"
    assert client.get("/console/").status_code == 302


def test_csrf_enforced_on_login(org):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/console/login/", {"username": "agent", "password": factories.PASSWORD})
    assert response.status_code == 403


def test_csrf_enforced_on_intake(client_as):
    client = client_as("agent", enforce_csrf_checks=True)
    response = client.post("/console/intake/", {"pack": "property", "description": "x"})
    assert response.status_code == 403


def test_csrf_enforced_on_actions(client_as, eng_case):
    client = client_as("handler_eng", enforce_csrf_checks=True)
    url = f"/console/cases/{eng_case.number}/actions/acknowledge/"
    response = client.post(url, {"version": eng_case.version})
    assert response.status_code == 403
    eng_case.refresh_from_db()
    assert eng_case.status == "dispatched"


def test_forms_carry_the_csrf_token(client_as, eng_case):
    client = client_as("handler_eng", enforce_csrf_checks=True)
    page = page_text(client.get(f"/console/cases/{eng_case.number}/actions/acknowledge/"))
    assert "csrfmiddlewaretoken" in page
