"""What the channels remember: each e-mail taken in, so that no message is taken in twice."""

from __future__ import annotations

from django.db import models

MAIL_OUTCOMES = ("created", "urged", "repeat")


class InboundMail(models.Model):
    """One e-mail turned into a case (or a contact on one), keyed by its Message-ID."""

    message_id = models.CharField(max_length=255, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="mails")
    outcome = models.CharField(max_length=10, choices=[(o, o) for o in MAIL_OUTCOMES])
    sender = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    taken_at = models.DateTimeField()
