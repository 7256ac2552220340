"""No page shows a traceback: unknown addresses, server errors, refused CSRF tokens and
refused roles get calm pages in Chinese (English when chosen)."""

from __future__ import annotations

from django.test import Client

from tests.web.conftest import choose_english, page_text


def _calm(response) -> str:
    text = page_text(response)
    assert "Traceback" not in text
    assert "Django" not in text  # not Django's own debug or error page
    return text


def test_unknown_address_is_a_chinese_404(client_as, org):
    for client in (Client(), client_as("agent")):
        response = client.get("/console/no-such-page/")
        assert response.status_code == 404
        assert "没有找到该页面" in _calm(response)
    english_browser = Client(headers={"Accept-Language": "en"})
    assert "没有找到该页面" in _calm(english_browser.get("/no-such-page/"))
    response = choose_english(english_browser).get("/no-such-page/")
    assert "Page not found" in _calm(response)


def test_server_error_is_a_chinese_500(client_as, monkeypatch):
    from tousu.web.console import queues

    def broken(user):
        raise RuntimeError("a bug")

    monkeypatch.setattr(queues, "queues_for", broken)
    client = client_as("agent", raise_request_exception=False)
    response = client.get("/console/")
    assert response.status_code == 500
    text = _calm(response)
    assert "系统出错了" in text
    assert "a bug" not in text


def test_refused_csrf_token_says_nothing_was_saved(org, eng_case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users["agent"])
    before = eng_case.version
    response = client.post(f"/console/cases/{eng_case.number}/actions/urge/",
                           {"version": before, "note": "客户再次来电"})
    assert response.status_code == 403
    assert "没有保存任何内容" in _calm(response)
    eng_case.refresh_from_db()
    assert eng_case.version == before
