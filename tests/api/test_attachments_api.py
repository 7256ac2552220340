"""Attachments in the case API: listed on GET /cases/{number}, downloaded from
GET /cases/{number}/attachments/{id} with the case's visibility rules."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of
from tests.factories import act, at
from tousu.cases.attachments import store_attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x07" * 500
PDF = b"%PDF-1.4\n" + b"\x08" * 120
NAME = "车库漏水照片.png"
DISPOSITION = (
    "attachment; filename=\"attachment-{pk}.png\"; "
    "filename*=UTF-8''%E8%BD%A6%E5%BA%93%E6%BC%8F%E6%B0%B4%E7%85%A7%E7%89%87.png"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def eng_case(org, make_case):
    case = make_case()
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    return case


@pytest.fixture
def files(eng_case):
    photo = store_attachment(case=eng_case, filename=NAME, content=PNG, source="portal",
                             content_type="image/png", now=at("2026-12-03 10:15"))
    letter = store_attachment(case=eng_case, filename="reply letter.pdf", content=PDF,
                              source="staff", now=at("2026-12-04 16:40:30"))
    return photo, letter


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_case_detail_lists_the_attachments(api_as, eng_case, files):
    photo, letter = files
    body = api_as("supervisor").get(f"/cases/{eng_case.number}").json()
    assert body["attachments"] == [
        {
            "id": photo.pk,
            "name": NAME,
            "content_type": "image/png",
            "size": len(PNG),
            "source": "portal",
            "created_at": "2026-12-03T10:15:00+08:00",
            "download_url": f"/api/v1/cases/{eng_case.number}/attachments/{photo.pk}",
        },
        {
            "id": letter.pk,
            "name": "reply letter.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "source": "staff",
            "created_at": "2026-12-04T16:40:30+08:00",
            "download_url": f"/api/v1/cases/{eng_case.number}/attachments/{letter.pk}",
        },
    ]


def test_a_case_without_files_has_an_empty_list(api_as, eng_case):
    assert api_as("agent").get(f"/cases/{eng_case.number}").json()["attachments"] == []


def test_download_with_the_chinese_name_in_the_header(api_as, eng_case, files):
    photo, _ = files
    handler = api_as("handler_eng")
    url = handler.get(f"/cases/{eng_case.number}").json()["attachments"][0]["download_url"]
    response = handler.client.get(url, headers=handler._headers(None))  # the URL as given
    assert response.status_code == 200
    assert body_of(response) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(PNG))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == DISPOSITION.format(pk=photo.pk)


def test_pdf_download(api_as, eng_case, files):
    _, letter = files
    response = api_as("agent").get(f"/cases/{eng_case.number}/attachments/{letter.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"reply letter.pdf\"; filename*=UTF-8''reply%20letter.pdf"
    )
    assert body_of(response) == PDF


def test_a_handler_of_another_unit_is_refused(api_as, eng_case, files):
    photo, _ = files
    sec = api_as("handler_sec")
    response = sec.get(f"/cases/{eng_case.number}/attachments/{photo.pk}")
    assert response.status_code == 404
    assert error_of(response) == {
        "code": "not_found",
        "message": f"no case numbered '{eng_case.number}'",
        "fields": [],
        "allowed_actions": [],
    }
    assert sec.get(f"/cases/{eng_case.number}").status_code == 404  # like the case itself


def test_an_attachment_of_another_case_or_an_unknown_id_is_404(api_as, eng_case, files,
                                                              make_case):
    photo, _ = files
    other = make_case(description="电梯经常停运，物业不处理")
    supervisor = api_as("supervisor")
    response = supervisor.get(f"/cases/{other.number}/attachments/{photo.pk}")
    assert response.status_code == 404
    assert error_of(response)["message"] == (
        f"case {other.number} has no attachment {photo.pk}"
    )
    assert supervisor.get(f"/cases/{eng_case.number}/attachments/999999").status_code == 404


def test_without_a_token_401(anonymous, eng_case, files):
    photo, _ = files
    response = anonymous.get(f"/cases/{eng_case.number}/attachments/{photo.pk}")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_a_file_missing_from_the_data_folder_is_404_not_500(api_as, eng_case, files):
    from tousu.cases.attachments import path_of

    photo, _ = files
    path_of(photo).unlink()
    response = api_as("supervisor").get(f"/cases/{eng_case.number}/attachments/{photo.pk}")
    assert response.status_code == 404
    assert error_of(response)["message"] == f"the file of attachment {photo.pk} is missing"


def test_the_customer_sees_only_the_files_they_sent(api_as, anonymous, eng_case, files):
    """The public view lists the portal photo, not the staff's letter, nor its timeline step."""
    photo, letter = files
    response = anonymous.get(f"/public/cases/{eng_case.number}", {"phone": "13800138000"})
    assert response.status_code == 200
    body = response.json()
    assert body["attachments"] == [{"name": NAME, "content_type": "image/png", "size": len(PNG)}]
    steps = [s for s in body["timeline"] if s["step"] == "attachment"]
    assert [s["detail"] for s in steps] == [{"name": NAME}]
    staff_view = api_as("supervisor").get(f"/cases/{eng_case.number}").json()
    assert [a["id"] for a in staff_view["attachments"]] == [photo.pk, letter.pk]
