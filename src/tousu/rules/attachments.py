"""Which uploaded files a case accepts: the type read from the content, never from the name.

A file is accepted when its first bytes (its "magic number") are those of a JPEG, PNG, GIF or
WebP image or of a PDF document, when it is not empty and not larger than
``MAX_ATTACHMENT_BYTES``, and when the extension of its name, if any, belongs to that type.
So ``virus.exe`` renamed ``photo.jpg`` is refused (its content starts with ``MZ``), and so is
a PNG named ``.pdf``. The client's declared content type is ignored: the sniffed one is kept.

Pure: no Django, no I/O. ``tousu.cases.attachments`` stores what this accepts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tousu.rules.errors import ErrorCode, ValidationFailed
from tousu.rules.lifecycle import Role

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # one file: 10 MiB (phone photos, scanned letters)
MAX_ATTACHMENTS_PER_CASE = 20  # files on one case, from every source together
MAX_NAME_LENGTH = 200  # the original file name is kept, trimmed to this many characters
# Files the customer sent (the portal or public API, e-mail): only these are shown back to the
# customer; staff scans and files of a transfer stay internal.
CUSTOMER_SOURCES = frozenset({"portal", "email"})
# Staff who see a case may add a file to it, except the roles that only read (auditors).
READ_ONLY_ROLES = frozenset({Role.AUDITOR})


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]  # the first is used for the stored file

    @property
    def extension(self) -> str:
        return self.extensions[0]


JPEG = FileType("image/jpeg", ("jpg", "jpeg", "jpe"))
PNG = FileType("image/png", ("png",))
GIF = FileType("image/gif", ("gif",))
WEBP = FileType("image/webp", ("webp",))
PDF = FileType("application/pdf", ("pdf",))
ACCEPTED = (JPEG, PNG, GIF, WEBP, PDF)
ACCEPTED_EXTENSIONS = tuple(e for t in ACCEPTED for e in t.extensions)


def sniff(content: bytes) -> FileType | None:
    """The accepted type whose signature the content starts with, or None."""
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(b"%PDF-"):
        return PDF
    return None


def clean_name(filename: str) -> str:
    """The name without any folder part or control characters, at most MAX_NAME_LENGTH long."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-MAX_NAME_LENGTH:] or "file"


def extension_of(filename: str) -> str:
    name = clean_name(filename)
    return name.rsplit(".", 1)[1].lower() if "." in name.strip(".") else ""


def check_attachment(filename: str, content: bytes, field: str = "attachment") -> FileType:
    """The file's type, or ValidationFailed naming ``field`` and what is wrong."""
    size = len(content)
    if size == 0:
        raise ValidationFailed.one(field, f"{field}: the file '{clean_name(filename)}' is empty")
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed.one(
            field,
            f"{field}: the file '{clean_name(filename)}' is {size} bytes; "
            f"the limit is {MAX_ATTACHMENT_BYTES} bytes ({MAX_ATTACHMENT_BYTES // 1048576} MiB)",
        )
    kind = sniff(content)
    if kind is None:
        raise ValidationFailed.one(
            field,
            f"{field}: the content of '{clean_name(filename)}' is not an accepted type; "
            "accepted: JPEG, PNG, GIF or WebP images and PDF documents",
            ErrorCode.INVALID,
        )
    ext = extension_of(filename)
    if ext and ext not in kind.extensions:
        raise ValidationFailed.one(
            field,
            f"{field}: '{clean_name(filename)}' is named .{ext} but its content is "
            f"{kind.content_type}; the name and the content must agree",
        )
    return kind


def shown_to_customer(source: str) -> bool:
    """Whether the customer's view of the case lists a file from ``source``."""
    return source in CUSTOMER_SOURCES


def staff_may_attach(role: str | None) -> bool:
    """Whether a staff member of ``role`` may add a file to a case they can see."""
    return role is not None and role not in READ_ONLY_ROLES


def download_name(name: str, pk: int, extension: str) -> str:
    """An ASCII stand-in for ``name`` (the ``filename=`` of Content-Disposition, for clients
    that do not read ``filename*``): the name itself when it is plain ASCII, else
    ``attachment-<pk>.<extension>`` (the name's own extension, else ``extension``)."""
    plain = clean_name(name)
    if re.fullmatch(r"[A-Za-z0-9 ._()+-]+", plain):
        return plain
    suffix = extension_of(plain) if extension_of(plain).isascii() else ""
    suffix = suffix or extension
    return f"attachment-{pk}" + (f".{suffix}" if suffix else "")


__all__ = [
    "ACCEPTED",
    "ACCEPTED_EXTENSIONS",
    "CUSTOMER_SOURCES",
    "MAX_ATTACHMENTS_PER_CASE",
    "MAX_ATTACHMENT_BYTES",
    "MAX_NAME_LENGTH",
    "READ_ONLY_ROLES",
    "FileType",
    "check_attachment",
    "clean_name",
    "download_name",
    "extension_of",
    "shown_to_customer",
    "sniff",
    "staff_may_attach",
]
