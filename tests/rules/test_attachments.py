"""File types by magic bytes, size limits and name/content agreement (no database)."""

from __future__ import annotations

import pytest

from tousu.rules.attachments import (
    MAX_ATTACHMENT_BYTES,
    check_attachment,
    clean_name,
    sniff,
)
from tousu.rules.errors import ValidationFailed

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 50
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
GIF = b"GIF89a" + b"\x00" * 50
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 50
PDF = b"%PDF-1.7\n" + b"\x00" * 50
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50


@pytest.mark.parametrize(
    ("_case", "content", "expected"),
    [
        ("jpeg", JPEG, "image/jpeg"),
        ("png", PNG, "image/png"),
        ("gif", GIF, "image/gif"),
        ("webp", WEBP, "image/webp"),
        ("pdf", PDF, "application/pdf"),
        ("exe", EXE, None),
        ("html", b"<html><script>alert(1)</script>", None),
        ("riff_not_webp", b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    ],
)
def test_sniff(_case, content, expected):
    kind = sniff(content)
    assert (kind.content_type if kind else None) == expected


@pytest.mark.parametrize(
    ("_case", "name", "content", "expected"),
    [
        ("jpg_named_jpg", "照片.jpg", JPEG, "image/jpeg"),
        ("jpeg_upper", "IMG_0001.JPEG", JPEG, "image/jpeg"),
        ("no_extension", "scan", PDF, "application/pdf"),
        ("png", "a.png", PNG, "image/png"),
    ],
)
def test_accepted(_case, name, content, expected):
    assert check_attachment(name, content).content_type == expected


@pytest.mark.parametrize(
    ("_case", "name", "content", "words"),
    [
        ("exe_named_jpg", "photo.jpg", EXE, "not an accepted type"),
        ("empty", "a.png", b"", "is empty"),
        ("png_named_pdf", "letter.pdf", PNG, "named .pdf but its content is image/png"),
        ("too_big", "big.pdf", PDF + b"\x00" * MAX_ATTACHMENT_BYTES, "the limit is"),
    ],
)
def test_refused_with_the_field_named(_case, name, content, words):
    with pytest.raises(ValidationFailed) as refused:
        check_attachment(name, content, "attachments[2]")
    assert [e.field for e in refused.value.errors] == ["attachments[2]"]
    assert words in refused.value.errors[0].message


@pytest.mark.parametrize(
    ("_case", "raw", "clean"),
    [
        ("folders_dropped", "../../etc/passwd.png", "passwd.png"),
        ("windows_path", "C:\\Users\\王\\发票.pdf", "发票.pdf"),
        ("control_chars", "a\x00b\n.jpg", "ab.jpg"),
        ("empty", "", "file"),
    ],
)
def test_clean_name(_case, raw, clean):
    assert clean_name(raw) == clean
