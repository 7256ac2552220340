"""Plain helpers for the API tests: a JSON client with a bearer token, payloads, error reads."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

BASE = "/api/v1"


class Api:
    """``api.post("/cases", {...})`` → the Django test response, as ``user``."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ):
        return self.client.get(BASE + path, params or {}, headers=self._headers(headers))

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        raw: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.post(
            BASE + path, data=data, content_type="application/json", headers=self._headers(headers)
        )

    def action(
        self, number: str, action: str, body: Any = None, headers: dict[str, str] | None = None
    ):
        return self.post(f"/cases/{number}/actions/{action}", body, headers=headers)


def intake_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pack": "property",
        "channel": "phone",
        "request_type": "complaint",
        "description": "地下车库顶板漏水严重，车辆被淋湿",
        "demand": "尽快维修",
        "location": "幸福小区地下车库",
        "customer": {
            "name": "王女士",
            "phone": "13800138000",
            "address": "幸福小区3栋502",
            "household": "3-502",
        },
        "references": {"room": "3-502"},
    }
    body.update(overrides)
    return body


def error_of(response) -> dict[str, Any]:
    payload = response.json()
    assert set(payload) == {"error"}, payload
    assert set(payload["error"]) == {"code", "message", "fields", "allowed_actions"}, payload
    return payload["error"]


def field_names(response) -> list[str]:
    return [f["field"] for f in error_of(response)["fields"]]
