"""Files sent with a case (portal uploads, e-mail attachments, staff scans).

``store_attachment`` is the one way in: it checks the file (``tousu.rules.attachments``: type
by magic bytes, size), writes it under ``settings.MEDIA_ROOT/cases/<number>/``, named by its
SHA-256 and the sniffed extension (never by the customer's file name), adds the
``Attachment`` row and appends a ``case.attachment_added`` event.

Callers that receive several files at once (a portal form, a mail) call ``check_files``
first, so that one bad file refuses the whole submission before anything is written.
The file is written before the row: if the surrounding transaction rolls back, an unused
file may remain (harmless: same content, same name, reused next time), never a row without
its file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from tousu.cases.models import ATTACHMENT_SOURCES, Attachment, Case
from tousu.cases.services.common import SYSTEM, Actor, lock_case, record, resolve_now
from tousu.org.models import User
from tousu.org.permissions import visible_cases
from tousu.rules.attachments import (
    MAX_ATTACHMENTS_PER_CASE,
    FileType,
    check_attachment,
    clean_name,
    staff_may_attach,
)
from tousu.rules.errors import ErrorCode, Forbidden, NotFound, ValidationFailed

UPLOAD_FOLDER = "cases"  # under MEDIA_ROOT


def check_files(files: Iterable[tuple[str, bytes]], field: str = "attachments") -> None:
    """Check (name, content) pairs before anything is stored; errors name ``field[i]``."""
    items = list(files)
    if len(items) > MAX_ATTACHMENTS_PER_CASE:
        raise ValidationFailed.one(
            field, f"{field}: at most {MAX_ATTACHMENTS_PER_CASE} files, got {len(items)}"
        )
    for index, (name, content) in enumerate(items):
        check_attachment(name, content, f"{field}[{index}]")


def path_of(attachment: Attachment) -> Path:
    """Where the file lies on disk."""
    return Path(settings.MEDIA_ROOT) / attachment.stored_path


def _write(relative: str, content: bytes) -> None:
    target = Path(settings.MEDIA_ROOT) / relative
    if target.exists() and target.stat().st_size == len(content):
        return  # same name = same SHA-256: the file is already there
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, target)  # atomic: readers never see half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _relative_path(case: Case, digest: str, kind: FileType) -> str:
    return f"{UPLOAD_FOLDER}/{case.number}/{digest}.{kind.extension}"


@transaction.atomic
def store_attachment(
    *,
    case: Case,
    filename: str,
    content: bytes,
    content_type: str = "",
    source: str,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
    field: str = "attachment",
) -> Attachment:
    """Check and store one file for ``case``; ValidationFailed (naming ``field``) stores nothing.

    ``content_type`` is what the sender claimed; it is recorded in the event but the stored
    type is the one read from the content."""
    now = resolve_now(now)
    if source not in ATTACHMENT_SOURCES:
        raise ValidationFailed.one(
            "source",
            f"unknown attachment source '{source}'; one of {', '.join(ATTACHMENT_SOURCES)}",
            ErrorCode.UNKNOWN,
        )
    kind = check_attachment(filename, content, field)
    if case.attachments.count() >= MAX_ATTACHMENTS_PER_CASE:
        raise ValidationFailed.one(
            field, f"case {case.number} already has {MAX_ATTACHMENTS_PER_CASE} files, the limit"
        )
    digest = hashlib.sha256(content).hexdigest()
    relative = _relative_path(case, digest, kind)
    _write(relative, content)
    attachment = Attachment.objects.create(
        case=case,
        original_name=clean_name(filename),
        stored_path=relative,
        content_type=kind.content_type,
        size=len(content),
        sha256=digest,
        source=source,
        created_at=now,
    )
    record(
        case,
        "case.attachment_added",
        actor,
        now,
        data={
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "content_type": kind.content_type,
            "declared_type": (content_type or "")[:100],
            "size": attachment.size,
            "sha256": digest,
            "source": source,
        },
    )
    return attachment


def _visible_case_id(user: User, number: str) -> int:
    """The id of case ``number`` if ``user`` may see it (the case page's rule), else NotFound:
    another unit's case is refused as if it did not exist."""
    found = visible_cases(user, Case.objects.filter(number=number)).values_list("pk", flat=True)
    case_id = found.first()
    if case_id is None:
        raise NotFound(f"no case numbered '{number}'")
    return case_id


def attachment_for(user: User, number: str, pk: int) -> Attachment:
    """File ``pk`` of case ``number``, for ``user`` who may see the case; else NotFound."""
    case_id = _visible_case_id(user, number)
    attachment = Attachment.objects.filter(case_id=case_id, pk=pk).first()
    if attachment is None:
        raise NotFound(f"case {number} has no attachment {pk}")
    return attachment


def add_staff_attachment(
    *,
    actor: Actor,
    number: str,
    filename: str,
    content: bytes,
    content_type: str = "",
    now: datetime | None = None,
) -> Attachment:
    """A staff member adds a file (a scanned letter, a photo from a site visit) to a case they
    may see; auditors only read (Forbidden). The checks and the event are ``store_attachment``'s;
    the case is locked so that two uploads cannot pass the per-case limit together."""
    user = actor.user
    if user is None or not staff_may_attach(user.role_code):
        raise Forbidden(f"role '{actor.role}' may not add files to a case")
    _visible_case_id(user, number)
    with transaction.atomic():
        case = lock_case(number)
        return store_attachment(
            case=case,
            filename=filename,
            content=content,
            content_type=content_type,
            source="staff",
            actor=actor,
            now=now,
        )


__all__ = [
    "UPLOAD_FOLDER",
    "add_staff_attachment",
    "attachment_for",
    "check_files",
    "path_of",
    "store_attachment",
]
