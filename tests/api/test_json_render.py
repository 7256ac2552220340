"""The API writes its JSON with pydantic-core (tousu.api.render): UTF-8 text, times in ISO 8601
with the local offset and every digit, errors in their usual shape."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

pytestmark = pytest.mark.django_db


def test_chinese_text_is_utf8_and_times_keep_their_offset(api_as, make_case):
    case = make_case(description="楼道灯坏了三天没人修", category="equipment_water")
    response = api_as("supervisor").get(f"/cases/{case.number}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "楼道灯坏了三天没人修".encode() in response.content  # not \\u escapes
    body = json.loads(response.content)
    created = datetime.fromisoformat(body["created_at"])
    assert created.utcoffset().total_seconds() == 8 * 3600  # Asia/Shanghai
    assert created == case.created_at  # every digit kept


def test_an_error_is_written_as_json_text(api_as):
    response = api_as("supervisor").get("/cases/NO-SUCH-CASE")
    assert response.status_code == 404
    assert json.loads(response.content)["error"]["code"] == "not_found"
