"""Administration pages: packs (view, upload a new version with the loader's errors shown),
units and users."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.conftest import page_text
from tousu.packs.models import PackVersion
from tousu.packs.registry import active_pack


def upload(client, text: str, name: str = "telecom.yaml"):
    return client.post("/console/manage/packs/",
                       {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def test_pack_page_shows_the_scripts(client_as, org):
    text = page_text(client_as("admin").get("/console/manage/packs/telecom/"))
    assert "规范应答脚本" in text
    assert "互连互通" in text
    assert "所拨被叫号码是否属于其他运营商" in text


def test_bad_pack_upload_shows_file_line_and_field(client_as, org):
    before = PackVersion.objects.count()
    response = upload(client_as("admin"), "code: telecom\nname: [unclosed\n", "broken.yaml")
    assert response.status_code == 422
    text = page_text(response)
    assert "broken.yaml:" in text
    assert 'id="id_file_error"' in text
    assert PackVersion.objects.count() == before
    assert active_pack("telecom").version.active


def test_upload_a_new_version(client_as, org):
    source = active_pack("telecom").version.source_text
    changed = source.replace('version: "2026.1"', 'version: "2026.2"', 1)
    assert changed != source
    response = upload(client_as("admin"), changed)
    assert response.status_code == 302
    assert response["Location"] == "/console/manage/packs/telecom/"
    assert active_pack("telecom").pack.version == "2026.2"


def test_non_utf8_upload_is_refused(client_as, org):
    response = upload(client_as("admin"), "")
    assert response.status_code == 422
    response = client_as("admin").post(
        "/console/manage/packs/", {"file": SimpleUploadedFile("x.yaml", "编码".encode("gbk"))})
    assert response.status_code == 422
    assert "UTF-8" in page_text(response)


def test_units_and_users(client_as, org):
    client = client_as("admin")
    assert "工程部" in page_text(client.get("/console/manage/units/"))
    users = page_text(client.get("/console/manage/users/"))
    assert "handler_eng" in users
    assert "处理人" in users
