"""POST /auth/token and bearer authentication."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import Api, error_of, intake_body
from tests.factories import PASSWORD
from tousu.api import auth
from tousu.org.models import ApiToken

pytestmark = pytest.mark.django_db


def test_token_exchange_returns_a_working_token_and_stores_only_its_hash(org, anonymous):
    response = anonymous.post("/auth/token", {"username": "agent", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token"}
    token = body["token"]
    assert len(token) >= 32
    row = ApiToken.objects.get(user=org.users["agent"])
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.key_hash

    listed = Api(token).get("/cases")
    assert listed.status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at is not None


def test_wrong_password_is_401(org, anonymous):
    response = anonymous.post("/auth/token", {"username": "agent", "password": "nope"})
    assert response.status_code == 401
    assert error_of(response) == {
        "code": "unauthorized",
        "message": "wrong username or password",
        "fields": [],
        "allowed_actions": [],
    }


def test_inactive_user_gets_no_token_and_loses_existing_ones(org, anonymous, api_as):
    api = api_as("agent")
    user = org.users["agent"]
    user.is_active = False
    user.save()
    assert (
        anonymous.post("/auth/token", {"username": "agent", "password": PASSWORD}).status_code
        == 401
    )
    assert api.get("/cases").status_code == 401


def test_token_request_fields_are_checked(org, anonymous):
    response = anonymous.post("/auth/token", {"username": "agent", "pass": PASSWORD})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert {(f["field"], f["code"]) for f in error["fields"]} == {
        ("password", "invalid"),
        ("pass", "unknown"),
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Token abc"},
        {"Authorization": "Bearer "},
    ],
    ids=["missing_case", "unknown_token_case", "wrong_scheme_case", "empty_token_case"],
)
def test_requests_without_a_valid_token_are_401(org, headers):
    client = Api()
    for response in (
        client.get("/cases", headers=headers),
        client.get("/cases/202611000001", headers=headers),
        client.post("/cases", {}, headers=headers),
        client.get("/units", headers=headers),
        client.get("/packs", headers=headers),
    ):
        assert response.status_code == 401
        error = error_of(response)
        assert error["code"] == "unauthorized"
        assert "Bearer" in error["message"]


def _token_reads(api: Api) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/units").status_code == 200
    return sum("org_apitoken" in q["sql"] and q["sql"].startswith("SELECT") for q in captured)


def test_a_token_is_read_again_once_its_time_in_the_process_cache_is_up(org, api_as, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock[0])
    api = api_as("agent")
    assert _token_reads(api) == 1
    assert _token_reads(api) == 0  # kept for TOKEN_CACHE_SECONDS
    clock[0] += auth.TOKEN_CACHE_SECONDS + 0.1
    assert _token_reads(api) == 1


def test_a_deleted_token_or_a_changed_user_takes_effect_at_once_in_this_process(org, api_as):
    agent, handler = api_as("agent"), api_as("dispatcher")
    assert agent.get("/units").status_code == 200
    assert handler.post("/cases", intake_body()).status_code == 201
    ApiToken.objects.filter(user=org.users["agent"]).delete()
    assert agent.get("/units").status_code == 401
    user = org.users["dispatcher"]
    user.role = "auditor"
    user.save()
    # an auditor registers nothing: the new role is the one checked
    assert handler.post("/cases", intake_body()).status_code == 403
