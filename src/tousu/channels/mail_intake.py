"""E-mail intake (SPEC §3, channel ``email``): a parsed message becomes a case, or a contact on
the case its subject names.

Rules, in order:

* A message is taken in once: its Message-ID is remembered (``InboundMail``); a second
  delivery answers ``duplicate`` with the case it went to and changes nothing.
* A subject carrying the number of an existing case is a contact about that case: an open case
  is urged (催办) with the message as the note; a finished case gets a new case linked to it
  (``repeat_of``), exactly as a repeat contact at intake (``tousu.cases.services.intake``).
  Only when the sender may speak for the case: its customer gave this e-mail address, or
  none. A stranger's message naming another customer's case becomes a new case.
* Anything else is a new case of the chosen pack and request type; the category is left for
  triage. The sender's address becomes the customer's e-mail, the display name the customer's
  name, and the first mainland mobile number in the text the customer's phone.
* Attachments go through ``store_attachment`` (source ``email``); a refused file is reported
  and skipped, never fails the message. Everything else is one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from tousu.cases.models import MAX_DESCRIPTION, MAX_NOTE, MAX_SHORT_TEXT, Case
from tousu.cases.services import SYSTEM, CustomerData, IntakeData, intake_case
from tousu.cases.services.common import resolve_now
from tousu.cases.services.receiving import place_in_receiving_unit
from tousu.channels.mail import ParsedMail
from tousu.channels.models import InboundMail
from tousu.rules.errors import RuleError

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


@dataclass(frozen=True)
class Refused:
    filename: str
    reason: str


@dataclass(frozen=True)
class MailOutcome:
    kind: str  # created | urged | repeat | duplicate
    case_number: str
    stored: tuple[str, ...] = ()  # names of the attachments kept
    refused: tuple[Refused, ...] = field(default=())
    # a case number in the subject that belongs to another customer's case (not urged)
    not_urged: str = ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _description(mail: ParsedMail) -> str:
    parts = [p for p in (mail.subject, mail.text) if p]
    return _clip("\n\n".join(parts) or "（邮件无正文，见附件）", MAX_DESCRIPTION)


def _customer(mail: ParsedMail) -> CustomerData:
    phone = MOBILE.search(mail.text)
    return CustomerData(
        name=_clip(mail.sender_name, MAX_SHORT_TEXT),
        email=_clip(mail.sender_address, MAX_SHORT_TEXT),
        phone=phone.group(1) if phone else "",
    )


def _received_at(mail: ParsedMail, now: datetime) -> datetime:
    """When the message was sent, unless the sender's clock runs ahead of ours."""
    return min(mail.sent_at, now) if mail.sent_at else now


def named_case(mail: ParsedMail) -> tuple[Case | None, str]:
    """The case the subject names, if the sender may speak for it, and the case number that
    was set aside: a case whose customer gave another e-mail address is not urged by a
    stranger's message (which becomes a new case); one without an address on record is."""
    if not mail.case_number:
        return None, ""
    case = Case.objects.filter(number=mail.case_number).select_related("customer").first()
    if case is None:
        return None, ""
    known = case.customer.email.strip().lower()
    if known and known != mail.sender_address:
        return None, case.number
    return case, ""


def intake_data(
    mail: ParsedMail, *, previous: Case | None, pack: str, request_type: str, now: datetime
) -> IntakeData:
    """The intake of ``mail``: about ``previous`` (``repeat_of``) when its subject named a
    case of the sender (``named_case``), else a new case of ``pack``."""
    return IntakeData(
        pack=previous.pack if previous else pack,
        channel="email",
        request_type=request_type,
        description=_description(mail),
        customer=_customer(mail),
        received_at=_received_at(mail, now),
        repeat_of=previous.number if previous else "",
        dissatisfaction_reason=_clip(f"结案后客户再次来信：{mail.subject}", MAX_NOTE)
        if previous
        else "",
    )


def ingest_mail(
    *, mail: ParsedMail, pack: str, request_type: str = "complaint", now: datetime | None = None
) -> MailOutcome:
    """Take one parsed message in (see the module's rules); ValidationFailed stores nothing."""
    now = resolve_now(now)
    seen = InboundMail.objects.filter(message_id=mail.message_id).select_related("case").first()
    if seen is not None:
        return MailOutcome("duplicate", seen.case.number)
    previous, other_customers = named_case(mail)
    data = intake_data(mail, previous=previous, pack=pack, request_type=request_type, now=now)
    try:
        with transaction.atomic():
            result = intake_case(actor=SYSTEM, data=data, now=now)
            kind = "urged" if not result.created else ("repeat" if data.repeat_of else "created")
            if result.created:
                place_in_receiving_unit(result.case)
            InboundMail.objects.create(
                message_id=mail.message_id,
                case=result.case,
                outcome=kind,
                sender=_clip(mail.sender_address, 200),
                subject=_clip(mail.subject, 200),
                sent_at=mail.sent_at,
                taken_at=now,
            )
            stored, refused = _store_attachments(result.case, mail, now)
    except IntegrityError:
        # another poller took the same message in meanwhile: report its case
        seen = InboundMail.objects.filter(message_id=mail.message_id).select_related("case").first()
        if seen is None:
            raise
        return MailOutcome("duplicate", seen.case.number)
    return MailOutcome(kind, result.case.number, stored, refused, other_customers)


def _store_attachments(
    case: Case, mail: ParsedMail, now: datetime
) -> tuple[tuple[str, ...], tuple[Refused, ...]]:
    """Each file in its own savepoint: a refused one is rolled back alone and reported."""
    from tousu.cases.attachments import store_attachment

    stored: list[str] = []
    refused: list[Refused] = []
    for index, item in enumerate(mail.attachments):
        try:
            store_attachment(
                case=case,
                filename=item.filename,
                content=item.content,
                content_type=item.content_type,
                source="email",
                now=now,
                field=f"attachments[{index}]",
            )
        except RuleError as exc:
            refused.append(Refused(item.filename, str(exc)))
        else:
            stored.append(item.filename)
    return tuple(stored), tuple(refused)
