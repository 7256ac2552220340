"""Attachments on the console's case page: listed, downloaded by staff who may see the case
(another unit's handler gets the case page's 404), and added by staff (source "staff")."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import at
from tests.web.conftest import page_text
from tousu.cases.attachments import store_attachment
from tousu.cases.models import Attachment, Event

PNG = b"\x89PNG\r\n\x1a\n" + b"\x05" * 2048
PDF = b"%PDF-1.7\n" + b"\x06" * 300
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
NAME = "楼道漏水 现场照片.png"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def photo(eng_case):
    return store_attachment(case=eng_case, filename=NAME, content=PNG, content_type="image/png",
                            source="email", now=at("2026-12-04 09:30"))


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def url(case, attachment) -> str:
    return f"/console/cases/{case.number}/attachments/{attachment.pk}/"


def test_case_page_lists_name_type_size_source_and_time(client_as, eng_case, photo):
    page = page_text(client_as("agent").get(f"/console/cases/{eng_case.number}/"))
    assert "附件（1）" in page
    row = page[page.index(url(eng_case, photo)):]
    row = row[: row.index("</tr>")]
    assert NAME in row
    assert "image/png" in row
    assert "2.0\xa0KB" in row  # 2,056 bytes
    assert "电子邮件" in row
    assert "2026-12-04 09:30" in row  # Asia/Shanghai


def test_download_serves_the_file_as_an_attachment_with_its_chinese_name(
    client_as, eng_case, photo
):
    response = client_as("dispatcher").get(url(eng_case, photo))
    assert response.status_code == 200
    assert body_of(response) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(PNG))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"attachment-{photo.pk}.png\"; "
        "filename*=UTF-8''%E6%A5%BC%E9%81%93%E6%BC%8F%E6%B0%B4%20"
        "%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png"
    )
    assert quote(NAME, safe="") in response["Content-Disposition"]


def test_an_ascii_name_is_kept_in_both_forms(client_as, eng_case):
    scan = store_attachment(case=eng_case, filename="letter-2026.pdf", content=PDF,
                            source="staff")
    response = client_as("dispatcher").get(url(eng_case, scan))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"letter-2026.pdf\"; filename*=UTF-8''letter-2026.pdf"
    )


def test_the_handler_of_the_unit_downloads_another_units_handler_gets_404(
    client_as, eng_case, photo
):
    assert client_as("handler_eng").get(url(eng_case, photo)).status_code == 200
    other = client_as("handler_sec")
    assert other.get(f"/console/cases/{eng_case.number}/").status_code == 404
    response = other.get(url(eng_case, photo))
    assert response.status_code == 404
    assert NAME not in page_text(response)
    assert PNG not in response.content


def test_a_file_of_another_case_is_not_served_under_this_number(client_as, eng_case,
                                                                 sec_case, photo):
    response = client_as("dispatcher").get(f"/console/cases/{sec_case.number}/attachments/"
                                           f"{photo.pk}/")
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, eng_case, photo):
    response = client.get(url(eng_case, photo))
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_staff_add_a_file_on_the_case_page(client_as, org, eng_case):
    client = client_as("agent")
    upload = SimpleUploadedFile("现场回访.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/console/cases/{eng_case.number}/attachments/",
                           {"attachment": upload})
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{eng_case.number}/"
    added = Attachment.objects.get(case=eng_case)
    assert (added.original_name, added.source, added.content_type, added.size) == (
        "现场回访.pdf", "staff", "application/pdf", len(PDF)
    )
    event = Event.objects.get(case=eng_case, kind="case.attachment_added")
    assert event.actor == org.users["agent"]
    assert event.data["source"] == "staff"
    page = page_text(client.get(f"/console/cases/{eng_case.number}/"))
    assert "附件已添加：现场回访.pdf" in page
    assert "工作人员上传" in page


def test_a_disguised_program_is_refused_beside_the_field(client_as, eng_case, settings):
    upload = SimpleUploadedFile("照片.jpg", EXE, content_type="image/jpeg")
    response = client_as("agent").post(f"/console/cases/{eng_case.number}/attachments/",
                                       {"attachment": upload})
    assert response.status_code == 422
    page = page_text(response)
    field = page[page.index('class="field required has-error"'):]
    assert "只能上传 JPG、PNG、GIF、WebP 图片或 PDF 文件" in field[: field.index("</div>")]
    assert not Attachment.objects.exists()
    assert not Event.objects.filter(kind="case.attachment_added").exists()
    assert not (settings.MEDIA_ROOT / "cases").exists()


def test_a_misnamed_file_and_a_missing_file_are_named(client_as, eng_case):
    client = client_as("agent")
    path = f"/console/cases/{eng_case.number}/attachments/"
    wrong = client.post(path, {"attachment": SimpleUploadedFile("扫描件.pdf", PNG)})
    assert wrong.status_code == 422
    assert "文件扩展名与文件内容不符。" in page_text(wrong)
    missing = client.post(path, {})
    assert missing.status_code == 422
    assert "请选择要上传的文件。" in page_text(missing)
    assert not Attachment.objects.exists()


def test_auditors_read_but_do_not_add(client_as, eng_case, photo):
    auditor = client_as("auditor")
    page = page_text(auditor.get(f"/console/cases/{eng_case.number}/"))
    assert NAME in page
    assert 'name="attachment"' not in page
    assert auditor.get(url(eng_case, photo)).status_code == 200
    upload = SimpleUploadedFile("补充.png", PNG)
    response = auditor.post(f"/console/cases/{eng_case.number}/attachments/",
                            {"attachment": upload})
    assert response.status_code == 403
    assert Attachment.objects.filter(case=eng_case).count() == 1


def test_another_units_handler_cannot_add(client_as, eng_case):
    upload = SimpleUploadedFile("补充.png", PNG)
    response = client_as("handler_sec").post(f"/console/cases/{eng_case.number}/attachments/",
                                             {"attachment": upload})
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_the_panel_in_english(client_as, eng_case, photo):
    client = client_as("agent")
    client.post("/console/language/", {"language": "en", "next": "/console/"})
    page = page_text(client.get(f"/console/cases/{eng_case.number}/"))
    for text in ("Attachments", "File name", "Size", "Source", "Add an attachment", "Upload",
                 "JPG, PNG, GIF or WebP images or PDF files, at most 10 MB each."):
        assert text in page
    assert "E-mail" in page
    refused = client.post(f"/console/cases/{eng_case.number}/attachments/",
                          {"attachment": SimpleUploadedFile("a.jpg", EXE)})
    assert "Only JPG, PNG, GIF or WebP images and PDF files can be uploaded" in page_text(refused)
