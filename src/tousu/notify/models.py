"""Notifications: one row per recipient and channel, queued with the action that caused it.

A row is written in the same transaction as the event, and delivered after commit by a task
(``tousu.jobs.deliver_notification``). A failed delivery is recorded on the row and retried
with back-off; it never touches the action. Console notifications are read in the staff
console, so they are complete once written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email"
        SMS = "sms"
        CONSOLE = "console"

    class Status(models.TextChoices):
        QUEUED = "queued"  # waiting for its first or next attempt
        SENT = "sent"  # delivered (console: stored for the staff console)
        FAILED = "failed"  # gave up after the last attempt

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the inbox index starts with the recipient
    )
    address = models.CharField(max_length=200, blank=True)  # e-mail address or phone number
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=60)  # the event kind, e.g. case.escalated
    template = models.CharField(max_length=40)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Events are never deleted, so no index is needed to cascade; the sweep writes thousands of
    # rows at a time and every index costs on each.
    event = models.ForeignKey(
        "cases.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)  # console: opened by the recipient

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_due"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notify_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} → {self.address or self.recipient_id}"
