"""A stored case file as an HTTP download, the same for the console and the API.

The type is the one read from the content when the file was stored (never the client's
claim); ``X-Content-Type-Options: nosniff`` keeps browsers from guessing another; the file is
always offered as a download (``Content-Disposition: attachment``), with the original name,
Chinese included, as ``filename*=UTF-8''…`` (RFC 5987/6266) and an ASCII ``filename=`` for
older clients.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse

from tousu.cases.attachments import path_of
from tousu.cases.models import Attachment
from tousu.rules.attachments import download_name
from tousu.rules.errors import NotFound


def content_disposition(name: str, pk: int, extension: str) -> str:
    fallback = download_name(name, pk, extension).replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file of ``attachment``; NotFound when it is missing from the data folder."""
    path = path_of(attachment)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise NotFound(f"the file of attachment {attachment.pk} is missing") from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(
        attachment.original_name, attachment.pk, path.suffix.lstrip(".")
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
