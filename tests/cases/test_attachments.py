"""store_attachment: checked, stored under MEDIA_ROOT by case, recorded as an event."""

from __future__ import annotations

import hashlib

import pytest

from tousu.cases.attachments import check_files, path_of, store_attachment
from tousu.cases.models import Attachment, Event
from tousu.rules.attachments import MAX_ATTACHMENTS_PER_CASE
from tousu.rules.errors import ValidationFailed

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def test_stores_file_row_and_event(make_case, settings):
    case = make_case()
    att = store_attachment(
        case=case, filename="漏水照片.png", content=PNG, content_type="image/png", source="portal"
    )
    digest = hashlib.sha256(PNG).hexdigest()
    assert att.stored_path == f"cases/{case.number}/{digest}.png"
    assert path_of(att).read_bytes() == PNG
    assert path_of(att).is_relative_to(settings.MEDIA_ROOT)
    assert (att.original_name, att.content_type, att.size, att.sha256, att.source) == (
        "漏水照片.png",
        "image/png",
        len(PNG),
        digest,
        "portal",
    )
    event = Event.objects.filter(case=case, kind="case.attachment_added").get()
    assert event.data["attachment"] == att.pk
    assert event.data["content_type"] == "image/png"
    assert event.data["source"] == "portal"


def test_disguised_exe_is_refused_and_nothing_is_stored(make_case, settings):
    case = make_case()
    with pytest.raises(ValidationFailed) as refused:
        store_attachment(case=case, filename="photo.jpg", content=EXE, source="email")
    assert refused.value.errors[0].field == "attachment"
    assert "not an accepted type" in refused.value.errors[0].message
    assert not Attachment.objects.exists()
    assert not Event.objects.filter(kind="case.attachment_added").exists()
    assert not (settings.MEDIA_ROOT / "cases").exists()


def test_unknown_source_is_refused(make_case):
    case = make_case()
    with pytest.raises(ValidationFailed) as refused:
        store_attachment(case=case, filename="a.png", content=PNG, source="fax-machine")
    assert refused.value.errors[0].field == "source"
    assert not Attachment.objects.exists()


def test_check_files_names_the_bad_one():
    with pytest.raises(ValidationFailed) as refused:
        check_files([("a.png", PNG), ("b.jpg", EXE)])
    assert refused.value.errors[0].field == "attachments[1]"


def test_limit_per_case(make_case):
    case = make_case()
    for i in range(MAX_ATTACHMENTS_PER_CASE):
        store_attachment(case=case, filename=f"{i}.png", content=PNG + bytes([i]), source="staff")
    with pytest.raises(ValidationFailed) as refused:
        store_attachment(case=case, filename="one-more.png", content=PNG, source="staff")
    assert "the limit" in refused.value.errors[0].message
    assert case.attachments.count() == MAX_ATTACHMENTS_PER_CASE
