"""Delivery channels: e-mail over SMTP (Django's mail), an SMS gateway interface, the console.

Each ``send`` raises on failure; the caller (``service.deliver``) records the error and
schedules a retry. SMS gateways are pluggable: ``settings.TOUSU_SMS_BACKEND`` names a class
with ``send(phone, text)``; the default writes to a log file for the demo and tests.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

# Django's SMTP backend, named explicitly: the test runner swaps settings.EMAIL_BACKEND for an
# in-memory one, and notifications must still go over SMTP when a host is configured.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class DeliveryError(Exception):
    """A channel refused or failed to take a message."""


def send_email(address: str, subject: str, body: str) -> None:
    if not settings.TOUSU_EMAIL_ENABLED:
        raise DeliveryError("e-mail is not configured (set TOUSU_EMAIL_HOST)")
    connection = get_connection(backend=SMTP_BACKEND, fail_silently=False)
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection
    )
    if message.send() != 1:
        raise DeliveryError(f"the SMTP server did not accept the message for {address}")


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class FileSmsGateway:
    """Appends one JSON line per message to ``settings.TOUSU_SMS_LOG`` (demo and tests)."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.TOUSU_SMS_LOG)

    def send(self, phone: str, text: str) -> None:
        line = json.dumps(
            {"at": datetime.now(UTC).isoformat(), "to": phone, "text": text}, ensure_ascii=False
        )
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(line + "\n")


def sms_gateway() -> SmsGateway:
    gateway: SmsGateway = import_string(settings.TOUSU_SMS_BACKEND)()
    return gateway


def send_sms(phone: str, subject: str, body: str) -> None:
    # An SMS has no subject line; the subject leads the text so the message reads alone.
    sms_gateway().send(phone, f"{subject} {body}")
