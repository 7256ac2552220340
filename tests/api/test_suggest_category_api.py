"""GET|POST /packs/{code}/suggest-category: the pack's categories ranked for a text."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of, field_names
from tousu.cases.models import Case

pytestmark = pytest.mark.django_db

LIFT = [{"code": "equipment_elevator", "name": "电梯（含外包维保）", "score": 4,
         "matched": ["电梯", "困人"]}]


def test_get_ranks_the_categories(api_as):
    response = api_as("agent").get("/packs/property/suggest-category",
                                   {"text": "5号楼电梯困人，请快派人"})
    assert response.status_code == 200
    assert response.json() == LIFT


def test_post_takes_the_text_in_the_body(api_as):
    response = api_as("agent").post("/packs/property/suggest-category",
                                    {"text": "5号楼电梯困人，请快派人"})
    assert response.status_code == 200
    assert response.json() == LIFT


def test_telecom_weak_signal_and_limit(api_as):
    api = api_as("agent")
    text = "家里信号差，打其他运营商号码总掉话"
    found = api.get("/packs/telecom/suggest-category", {"text": text}).json()
    assert [(s["code"], s["score"], s["matched"]) for s in found] == [
        ("interconnection", 7, ["掉话", "其他运营商"]),
        ("network_weak_signal", 3, ["信号差"]),
    ]
    one = api.get("/packs/telecom/suggest-category", {"text": text, "limit": 1}).json()
    assert [s["code"] for s in one] == ["interconnection"]


def test_nothing_matching_is_an_empty_list_and_nothing_is_stored(api_as):
    before = Case.objects.count()
    response = api_as("agent").get("/packs/telecom/suggest-category", {"text": "今天天气很好"})
    assert (response.status_code, response.json()) == (200, [])
    assert Case.objects.count() == before


def test_unknown_pack_is_404(api_as):
    response = api_as("agent").get("/packs/aviation/suggest-category", {"text": "电梯"})
    assert response.status_code == 404
    assert error_of(response)["message"] == "no active pack 'aviation'"


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "text"), ({"text": "电" * 5001}, "text"), ({"text": "电梯", "limit": 0}, "limit"),
     ({"text": "电梯", "colour": "red"}, "colour")],
    ids=["missing_text_case", "too_long_case", "zero_limit_case", "unknown_field_case"],
)
def test_bad_input_names_the_field(api_as, params, field):
    api = api_as("agent")
    response = api.post("/packs/property/suggest-category", params)
    assert response.status_code == 422
    assert field_names(response) == [field]


def test_anonymous_is_refused(anonymous):
    response = anonymous.get("/packs/property/suggest-category", {"text": "电梯困人"})
    assert response.status_code == 401
