"""GET /stats, /stats/brief, /stats/warnings, /stats/regulator, /stats/export: shapes, 422s.

The router is mounted here on its own API with the project's auth and error mapping, so these
tests do not depend on it being registered in tousu.api.app; the last test checks that too
once it is."""

from __future__ import annotations

from io import BytesIO

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient
from openpyxl import load_workbook

from tests.reports.data import build
from tousu.api import auth, errors
from tousu.api import stats as stats_api
from tousu.api.auth import issue_token

pytestmark = pytest.mark.django_db

_api = NinjaAPI(urls_namespace="stats_tests", auth=auth.BearerAuth())
errors.install(_api)
_api.add_router("/stats", stats_api.router)


@pytest.fixture
def get(org):
    client = TestClient(_api)

    def call(path, user="supervisor", **params):
        token = issue_token(org.users[user])
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return client.get(f"/stats{path}?{query}", headers={"Authorization": f"Bearer {token}"})

    return call


def _error(response):
    body = response.json()["error"]
    return body["code"], [f["field"] for f in body["fields"]], body["message"]


def test_stats_shape(org, get):
    build(org)
    response = get("", period="2026-10", by="category")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "period",
        "previous_period",
        "range",
        "previous_range",
        "as_of",
        "pack",
        "by",
        "rows",
        "totals",
    }
    assert (body["period"], body["previous_period"], body["by"]) == (
        "2026-10",
        "2026-09",
        "category",
    )
    first = body["rows"][0]
    assert set(first) == {"key", "name", "pack", "count", "indicators", "figures", "previous"}
    assert (first["key"], first["count"], first["previous"]["count"]) == ("equipment_water", 2, 1)
    assert body["totals"]["count"] == 8
    assert body["totals"]["indicators"]["satisfaction_rate"] == 1.0


def test_stats_chosen_indicators_and_visibility(org, get):
    build(org)
    body = get("", period="2026-10", by="unit", indicators="satisfaction_rate").json()
    assert set(body["totals"]["indicators"]) == {"satisfaction_rate"}
    assert {r["key"]: r["count"] for r in body["rows"]} == {"eng": 4, "": 3, "sec": 1}
    mine = get("", user="handler_sec", period="2026-10", by="category").json()
    assert mine["totals"]["count"] == 1


def test_empty_period_is_a_valid_empty_result(org, get):
    response = get("", period="2026-07", by="severity")
    assert response.status_code == 200
    assert response.json()["rows"] == []
    assert response.json()["totals"]["count"] == 0


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"period": "2099-01"}, "period", "in the future"),
        ({"period": "Oct-2026"}, "period", "unknown period 'Oct-2026'"),
        ({"period": "2026-10", "by": "colour"}, "by", "unknown dimension 'colour'"),
        ({"period": "2026-10", "pack": "airline"}, "pack", "unknown pack 'airline'"),
        ({"period": "2026-10", "indicators": "joy"}, "indicators", "unknown indicator 'joy'"),
        ({"period": "2026-10", "colour": "red"}, "colour", "unknown query parameters: colour"),
    ],
)
def test_bad_input_is_422_naming_the_field(get, params, field, words):
    response = get("", **params)
    assert response.status_code == 422
    code, fields, message = _error(response)
    assert fields == [field]
    assert words in message


def test_brief_warnings_and_regulator(org, get):
    build(org)
    brief = get("/brief", period="2026-10", pack="property").json()
    assert brief["count"] == 6  # 7 property cases less the refused one (E)
    assert [p["pack"] for p in brief["packs"]] == ["property"]
    warnings = get("/warnings", period="2026-10").json()
    assert set(warnings) >= {"window", "baseline_weeks", "alerts"}
    regulator = get("/regulator", period="2026-Q4", pack="telecom").json()
    assert regulator["tables"][0]["total"]["count"] == 1
    assert get("/brief", period="2099-01").status_code == 422
    assert _error(get("/warnings", period="soon"))[1] == ["period"]


def test_export_downloads(org, get):
    build(org)
    response = get("/export", period="2026-10", format="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="analysis-2026-10.xlsx"'
    assert "指标汇总" in load_workbook(BytesIO(response.content)).sheetnames
    pdf = get("/export", period="2026-10", format="pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    regulator = get("/export", period="2026-Q4", format="xlsx", kind="regulator")
    assert regulator.status_code == 200
    refused = get("/export", period="2026-Q4", format="pdf", kind="regulator")
    assert refused.status_code == 422
    assert _error(get("/export", period="2026-10", format="docx"))[1] == ["format"]


def test_needs_a_token(org):
    response = TestClient(_api).get("/stats?period=2026-10")
    assert response.status_code == 401


def test_registered_in_the_public_api(org):
    from django.test import Client

    response = Client().get(
        "/api/v1/stats",
        {"period": "2026-10"},
        headers={"Authorization": f"Bearer {issue_token(org.users['admin'])}"},
    )
    assert response.status_code == 200, response.content
