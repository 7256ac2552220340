"""Idempotency-Key on a repeat contact that urges an open case: a retry answers the same and
does not urge again."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of, intake_body
from tousu.cases.models import Case, Event, IdempotencyKey

pytestmark = pytest.mark.django_db


def test_retrying_an_urge_with_its_key_does_not_urge_again(api_as, make_case):
    case = make_case()
    api = api_as("agent")
    key = {"Idempotency-Key": "call-7-urge"}
    body = intake_body(repeat_of=case.number, description="客户再次来电催促维修")
    first = api.post("/cases", body, headers=key)
    assert first.status_code == 200, first.content
    assert first.json()["intake_result"] == "urged"
    assert first.json()["urge_count"] == 1

    again = api.post("/cases", body, headers=key)
    assert again.status_code == 200
    assert again.json()["intake_result"] == "urged"
    assert again.json()["number"] == case.number
    assert again.json()["urge_count"] == 1
    assert Case.objects.get(pk=case.pk).urge_count == 1
    assert Event.objects.filter(case=case, kind="case.urged").count() == 1
    assert IdempotencyKey.objects.get(key="call-7-urge").case_id == case.pk

    # without the key the same contact is a second urge
    third = api.post("/cases", body)
    assert third.json()["urge_count"] == 2


def test_an_urge_key_reused_with_another_body_is_409_and_urges_nothing(api_as, make_case):
    case = make_case()
    api = api_as("agent")
    key = {"Idempotency-Key": "call-8-urge"}
    api.post("/cases", intake_body(repeat_of=case.number, description="催促"), headers=key)
    other = api.post(
        "/cases", intake_body(repeat_of=case.number, description="另一次催促"), headers=key
    )
    assert other.status_code == 409
    assert "Idempotency-Key" in error_of(other)["message"]
    assert Case.objects.get(pk=case.pk).urge_count == 1
