"""E-mail parsing: raw message bytes → ``ParsedMail`` (pure: no Django, no clock, no I/O).

Chinese mail often declares one charset and carries another: ``GB2312`` on text that uses
GBK or GB18030 characters, ``ISO-8859-1`` or no label at all on GBK bytes, raw 8-bit headers
without encoded words. Every piece of text is therefore decoded as UTF-8 when the bytes are
valid UTF-8 (GBK text practically never is), else with the declared charset widened to its
superset (GB2312/GBK → GB18030), else as GB18030, and only then with replacement characters
— so a lying label never loses the text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from tousu.channels.html_text import html_to_text

# Labels that name a subset of GB18030; decoding with the superset is always safe.
WIDER = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
}
# Labels mail software puts on bytes whose real charset it did not know.
UNSURE = {"", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "unknown-8bit", "x-unknown"}

# A tousu case number: YYYYMM + 6-digit serial (tousu.cases.numbering), not inside a longer
# run of digits.
CASE_NUMBER = re.compile(r"(?<!\d)(20\d{2}(?:0[1-9]|1[0-2])\d{6})(?!\d)")


# Where a reply's quoted history begins: Outlook / QQ / NetEase separators, and the
# "On … wrote:" / "在 … 写道：" line of Gmail, Apple Mail and Thunderbird.
QUOTE_START = re.compile(
    r"^\s*(?:-{2,}\s*(?:原始邮件|Original Message)\s*-{2,}"
    r"|(?:On|在)\s.{4,200}(?:wrote|写道)\s*[:：]"
    r"|发件人\s*[:：].*\n\s*(?:发送时间|时间|Sent|日期)\s*[:：])",
    re.IGNORECASE | re.MULTILINE,
)


def without_quoted(text: str) -> str:
    """The customer's own words: the quoted earlier message and ``>`` lines removed."""
    match = QUOTE_START.search(text)
    if match and match.start() > 0:
        text = text[: match.start()]
    kept = [line for line in text.split("\n") if not line.lstrip().startswith(">")]
    return "\n".join(kept).strip()


class MailError(ValueError):
    """A message that cannot become a case; ``field`` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # as sent, or "<sha256:…>" of the raw bytes when the sender gave none
    subject: str
    sender_name: str
    sender_address: str
    sent_at: datetime | None  # the Date header when readable and carrying an offset
    text: str  # the plain-text body (HTML-only mail reduced to text), quoted history removed
    attachments: tuple[MailAttachment, ...]
    case_number: str  # a case number found in the subject, else ""


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Text of ``data``: UTF-8 when the bytes are valid UTF-8 (other multi-byte text almost
    never is), else the declared charset widened, else GB18030, else lossy."""
    label = (declared or "").strip().lower()
    first = WIDER.get(label, label)
    order = ["utf-8", "gb18030"] if label in UNSURE else ["utf-8", first, "gb18030"]
    for charset in order:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def decode_header_text(value: str | Header | None) -> str:
    """A header's text: RFC 2047 encoded words and raw 8-bit bytes, in any charset."""
    if value is None:
        return ""
    pieces: list[str] = []
    for chunk, charset in decode_header(value):
        if isinstance(chunk, bytes):
            pieces.append(decode_bytes(chunk, charset))
        else:
            pieces.append(chunk)
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def _sender(msg: Message) -> tuple[str, str]:
    raw = [str(v) if not isinstance(v, Header) else v.encode() for v in msg.get_all("From", [])]
    for name, address in getaddresses(raw):
        if "@" in address:
            return decode_header_text(name).strip('"'), address.strip().lower()
    return "", ""


def _sent_at(msg: Message) -> datetime | None:
    value = msg.get("Date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def _message_id(msg: Message, raw: bytes) -> str:
    value = decode_header_text(msg.get("Message-ID")).strip()
    if value:
        return value[:250]
    return f"<sha256:{hashlib.sha256(raw).hexdigest()}>"


def _is_attachment(part: Message) -> bool:
    if part.is_multipart():
        return False
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in ("text", "multipart", "message")


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_bytes(payload, part.get_content_charset())


def _attachment(part: Message, index: int) -> MailAttachment:
    payload = part.get_payload(decode=True)
    name = decode_header_text(part.get_filename() or "")
    return MailAttachment(
        filename=name or f"attachment-{index}",
        content_type=part.get_content_type(),
        content=payload if isinstance(payload, bytes) else b"",
    )


def _body_and_attachments(msg: Message) -> tuple[str, tuple[MailAttachment, ...]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[MailAttachment] = []
    for part in msg.walk():
        if _is_attachment(part):
            attachments.append(_attachment(part, len(attachments) + 1))
        elif part.get_content_type() == "text/plain":
            plain.append(_part_text(part))
        elif part.get_content_type() == "text/html":
            html.append(_part_text(part))
    text = "\n\n".join(t.strip() for t in plain if t.strip())
    if not text:
        text = "\n\n".join(html_to_text(h) for h in html if h.strip())
    return without_quoted(text.replace("\r\n", "\n")), tuple(attachments)


def _looks_like_mail(msg: Message) -> bool:
    return any(msg.get(h) for h in ("From", "Subject", "Message-ID", "Date", "Content-Type"))


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one RFC 5322 message; MailError names what makes it unusable as a case."""
    if not raw.strip():
        raise MailError("message", "the file is empty")
    msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    if not _looks_like_mail(msg):
        raise MailError("message", "no mail headers (From, Subject, Date, …) were found")
    name, address = _sender(msg)
    if not address:
        raise MailError("From", "no sender address")
    subject = decode_header_text(msg.get("Subject"))
    text, attachments = _body_and_attachments(msg)
    if not (text or subject or attachments):
        raise MailError("body", "the message has neither subject, text nor attachments")
    match = CASE_NUMBER.search(subject)
    return ParsedMail(
        message_id=_message_id(msg, raw),
        subject=subject,
        sender_name=name,
        sender_address=address,
        sent_at=_sent_at(msg),
        text=text,
        attachments=attachments,
        case_number=match.group(1) if match else "",
    )
