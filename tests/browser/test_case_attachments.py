"""In a real browser: an agent adds a scanned letter on the case page, sees it listed and
downloads it under its Chinese name; a disguised program is refused beside the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tousu.cases.models import Attachment

PDF = b"%PDF-1.7\n" + b"\x09" * 400
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def test_agent_adds_and_downloads_a_file(desk, org, tmp_path):
    case = factories.intake(org, category="equipment_water")
    agent = desk("agent")
    agent.go(f"/console/cases/{case.number}/")
    page = agent.page
    assert page.locator("#attachments").get_by_text("暂无附件。").is_visible()

    bad = tmp_path / "照片.jpg"
    bad.write_bytes(EXE)
    page.set_input_files("#id_attachment", str(bad))
    page.locator("#attachments button[type=submit]").click()
    page.wait_for_load_state()
    assert "只能上传 JPG、PNG、GIF、WebP 图片或 PDF 文件" in page.locator(
        "#attachments .field.has-error").inner_text()
    assert not Attachment.objects.exists()

    letter = tmp_path / "业主来函扫描件.pdf"
    letter.write_bytes(PDF)
    page.set_input_files("#id_attachment", str(letter))
    page.locator("#attachments button[type=submit]").click()
    page.wait_for_url(f"**/console/cases/{case.number}/")
    row = page.locator("#attachments tbody tr")
    assert row.count() == 1
    assert "业主来函扫描件.pdf" in row.inner_text()
    assert "工作人员上传" in row.inner_text()
    agent.shot("case-attachments")

    with page.expect_download() as info:
        row.get_by_role("link").click()
    download = info.value
    assert download.suggested_filename == "业主来函扫描件.pdf"
    assert Path(download.path()).read_bytes() == PDF
