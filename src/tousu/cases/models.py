"""The system of record: customers, cases, work orders, the event history.

Models hold data only; every write goes through ``tousu.cases.services``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models

from tousu.rules.lifecycle import Status

# Limits on free text, documented in docs/api.md and enforced by the API schemas.
MAX_DESCRIPTION = 5000
MAX_SHORT_TEXT = 200
MAX_NOTE = 2000

CHANNELS = (
    "phone",
    "walk_in",
    "letter",
    "fax",
    "email",
    "web",
    "app",
    "wechat",
    "social",
    "opinion_box",
    "media",
    "regulator",
    "headquarters",
    "internal_transfer",
)
REQUEST_TYPES = ("inquiry", "consultation", "fault", "complaint", "report", "suggestion")
VALIDITIES = ("valid", "assist", "invalid")
RESPONSIBILITY_CLASSES = ("class1", "class2", "class3")
SOLUTION_KINDS = (
    "explanation",
    "repair",
    "replacement",
    "refund",
    "compensation",
    "apology",
    "other",
)
SATISFACTIONS = ("satisfied", "basically_satisfied", "dissatisfied")


# Rows whose next deadline the sweep has not looked at yet (new or changed since). A partial
# index on next_due_at over these keeps the sweep's range scan off rows it already handled.
UNSWEPT = (
    models.Q(swept_due_at__isnull=True)
    | models.Q(swept_due_at__lt=models.F("next_due_at"))
    | models.Q(swept_due_at__gt=models.F("next_due_at"))
)


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Customer(models.Model):
    name = models.CharField(max_length=MAX_SHORT_TEXT, blank=True)
    phone = models.CharField(max_length=40, blank=True, db_index=True)
    email = models.CharField(max_length=MAX_SHORT_TEXT, blank=True)
    address = models.CharField(max_length=MAX_SHORT_TEXT, blank=True)
    household = models.CharField(max_length=MAX_SHORT_TEXT, blank=True)  # room / account holder
    id_number = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class CaseSerial(models.Model):
    """The last serial used in a month (Asia/Shanghai); numbers are YYYYMM + 6-digit serial."""

    month = models.CharField(max_length=6, primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Incident(models.Model):
    """A group of complaints about the same matter (批量 / 集体 / 热点)."""

    pack = models.CharField(max_length=40)
    category = models.CharField(max_length=60)
    key = models.CharField(max_length=MAX_SHORT_TEXT)
    title = models.CharField(max_length=MAX_SHORT_TEXT)
    # distinct complainants and households, counted in as cases join, under this row's lock
    # (tousu.cases.incidents.join_incident): the grading facts without counting members
    size = models.PositiveIntegerField(default=1)
    households = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class Case(models.Model):
    number = models.CharField(max_length=12, unique=True)
    pack = models.CharField(max_length=40)  # indexed first in case_pack_received and others
    pack_version = models.ForeignKey("packs.PackVersion", on_delete=models.PROTECT, null=True)
    status = models.CharField(
        max_length=20, choices=[(s.value, s.value) for s in Status], default=Status.REGISTERED.value
    )
    channel = models.CharField(max_length=20, choices=_choices(CHANNELS))
    request_type = models.CharField(max_length=20, choices=_choices(REQUEST_TYPES))
    category = models.CharField(max_length=60, blank=True)
    validity = models.CharField(max_length=10, choices=_choices(VALIDITIES), blank=True)
    validity_reason = models.CharField(max_length=60, blank=True)
    responsibility_class = models.CharField(
        max_length=10, blank=True, choices=_choices(RESPONSIBILITY_CLASSES)
    )
    severity = models.CharField(max_length=30, blank=True)
    severity_rank = models.PositiveSmallIntegerField(default=0)
    escalation_level = models.CharField(max_length=30, blank=True)

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="cases")
    description = models.TextField(max_length=MAX_DESCRIPTION)
    demand = models.TextField(max_length=MAX_NOTE, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    location = models.CharField(max_length=MAX_SHORT_TEXT, blank=True)
    # the normalised place (location, else person, order or account) that incident matching
    # compares (tousu.cases.incidents.place_key); NULL on cases registered before it was kept
    place_key = models.TextField(null=True, blank=True, editable=False)
    complained_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_against",
    )
    complained_person = models.CharField(max_length=MAX_SHORT_TEXT, blank=True)
    first_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="first_owned_cases",
    )
    intake_unit = models.ForeignKey(  # indexed by case_intake_unit_status
        "org.Unit",
        null=True,
        on_delete=models.PROTECT,
        related_name="intake_cases",
        db_index=False,
    )
    facts = models.JSONField(default=dict, blank=True)
    references = models.JSONField(default=dict, blank=True)  # phone / account / order / room
    walk_in_confirmed = models.BooleanField(default=False)  # 签字确认
    # SHA-256 of the private follow-up code an anonymous reporter got from the portal
    # (tousu.cases.services.public); the code itself is shown once and never stored.
    follow_up_code_hash = models.CharField(max_length=64, blank=True)
    script = models.JSONField(null=True, blank=True)  # code, version, answers, outcome, wording

    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    urge_count = models.PositiveIntegerField(default=0)
    # digest of the newest event (tousu.cases.history); a database default too, like the
    # events' digest columns, so that rows copied in by SQL (benchmarks) still load
    history_digest = models.CharField(max_length=64, blank=True, default="", db_default="")
    escalation_count = models.PositiveIntegerField(default=0)
    rejection_count = models.PositiveIntegerField(default=0)
    appeal_count = models.PositiveIntegerField(default=0)
    satisfaction = models.CharField(max_length=30, blank=True, choices=_choices(SATISFACTIONS))
    findings = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)

    overdue = models.BooleanField(default=False)
    due_acknowledge = models.DateTimeField(null=True, blank=True)
    due_resolve = models.DateTimeField(null=True, blank=True)
    due_reply = models.DateTimeField(null=True, blank=True)
    due_follow_up = models.DateTimeField(null=True, blank=True)
    due_statutory_reply = models.DateTimeField(null=True, blank=True)
    # The deadline a regulator or headquarters gave with a transferred case; it replaces the
    # pack's statutory reply limit (tousu.cases.clocks.refresh_due).
    statutory_reply_until = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)

    search_text = models.TextField(blank=True)  # jieba-segmented words for full-text search
    version = models.PositiveIntegerField(default=1)  # bumped by every change
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Clock state, written by the sweep (tousu.cases.sweep) and the clock actions
    # (services.clock_actions); see docs in those modules.
    escalation_step = models.PositiveSmallIntegerField(default=0)  # chain steps applied
    escalation_from = models.DateTimeField(null=True, blank=True)  # missed deadline of the chain
    warned_due_at = models.DateTimeField(null=True, blank=True)  # deadline already warned about
    swept_due_at = models.DateTimeField(null=True, blank=True)  # next_due_at the sweep last saw
    sweep_at = models.DateTimeField(null=True, blank=True)  # the sweep's next scheduled look
    paused_at = models.DateTimeField(null=True, blank=True)  # waiting for the customer since
    paused_total = models.DurationField(default=timedelta)  # time the clocks stood still
    extension_until = models.DateTimeField(null=True, blank=True)  # approved resolve deadline
    extension_requested_until = models.DateTimeField(null=True, blank=True)  # awaiting approval

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_due_at"], name="case_status_due"),
            models.Index(fields=["next_due_at"], name="case_next_due"),
            models.Index(fields=["created_at"], name="case_created"),
            models.Index(fields=["category", "created_at"], name="case_category_created"),
            # a list's capped count by status and category: index-only (4.8 -> 0.1 ms at 100k)
            models.Index(fields=["status", "category"], name="case_status_category"),
            models.Index(fields=["intake_unit", "status"], name="case_intake_unit_status"),
            models.Index(fields=["next_due_at"], condition=UNSWEPT, name="case_unswept_due"),
            models.Index(fields=["sweep_at"], name="case_sweep_at"),
            # statistics (tousu.reports): a period's cases, of all packs or of one
            models.Index(fields=["received_at"], name="case_received"),
            models.Index(fields=["pack", "received_at"], name="case_pack_received"),
            # same-matter candidates at intake (tousu.cases.incidents._candidates)
            models.Index(
                fields=["pack", "category", "-received_at"], name="case_pack_category_received"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class WorkOrder(models.Model):
    class State(models.TextChoices):
        ISSUED = "issued"
        ACKNOWLEDGED = "acknowledged"
        DONE = "done"
        RETURNED = "returned"
        CANCELLED = "cancelled"

    LIVE = (State.ISSUED, State.ACKNOWLEDGED)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="work_orders")
    unit = models.ForeignKey(  # indexed by wo_unit_status
        "org.Unit", on_delete=models.PROTECT, related_name="work_orders", db_index=False
    )
    status = models.CharField(max_length=20, choices=State.choices, default=State.ISSUED)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    issued_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    due_acknowledge = models.DateTimeField(null=True, blank=True)
    due_resolve = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    escalation_step = models.PositiveSmallIntegerField(default=0)
    escalation_from = models.DateTimeField(null=True, blank=True)
    warned_due_at = models.DateTimeField(null=True, blank=True)
    swept_due_at = models.DateTimeField(null=True, blank=True)
    sweep_at = models.DateTimeField(null=True, blank=True)
    paused_total = models.DurationField(default=timedelta)  # pauses while this order was live
    progress_reminded_on = models.DateField(null=True, blank=True)  # local date of last reminder

    class Meta:
        indexes = [
            # a unit's work orders, and on PostgreSQL the cases they belong to, from the index
            # alone (a handler's scope in the console; migration cases/0016)
            models.Index(fields=["unit", "status"], include=["case"], name="wo_unit_status"),
            models.Index(fields=["next_due_at"], name="wo_next_due"),
            models.Index(fields=["next_due_at"], condition=UNSWEPT, name="wo_unswept_due"),
            models.Index(fields=["sweep_at"], name="wo_sweep_at"),
            models.Index(fields=["issued_at"], name="wo_issued"),  # statistics
        ]


class Proposal(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        REJECTED = "rejected"
        NOT_REQUIRED = "not_required"  # the pack does not ask the customer to confirm

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proposals")
    round = models.PositiveSmallIntegerField()
    solutions = models.JSONField()  # [{kind, description, amount}]
    status = models.CharField(max_length=20, choices=State.choices)
    final = models.BooleanField(default=False)  # a final offer: rejecting it upgrades the case
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)


class Event(models.Model):
    """One append-only history row. Never updated or deleted."""

    case = models.ForeignKey(  # indexed by event_case_id (case, id)
        Case, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=60)  # dotted, e.g. case.dispatched
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # the hash chain (tousu.rules.history, tousu.cases.history): SHA-256 of this event's
    # content and of the previous event's digest, which is kept beside it
    digest = models.CharField(max_length=64, blank=True, default="", db_default="")
    prev_digest = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case", "id"], name="event_case_id"),
            # statistics: cases closed at the window (first-contact resolution)
            models.Index(
                fields=["at", "case"],
                condition=models.Q(kind="case.closed_at_window"),
                name="event_window_closed",
            ),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("events are append-only")


class IdempotencyKey(models.Model):
    """Remembers which case an Idempotency-Key created, with a hash of the request body."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    body_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key")]


ATTACHMENT_SOURCES = ("portal", "email", "staff", "import", "api")


class Attachment(models.Model):
    """A file sent with a case (photo, scanned letter, PDF), checked by type and size
    (``tousu.rules.attachments``) and stored under MEDIA_ROOT by ``tousu.cases.attachments``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(max_length=MAX_SHORT_TEXT)
    stored_path = models.CharField(max_length=300)  # relative to MEDIA_ROOT
    content_type = models.CharField(max_length=60)  # read from the content, not the client
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=20, choices=_choices(ATTACHMENT_SOURCES))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class PersonalDataView(models.Model):
    """One showing of a case's personal data unmasked (SPEC §8): who, when, which case, which
    fields, and where from (the API operation or page, and the client's address). Written by
    ``tousu.cases.services.audit``; read by auditors (GET /api/v1/audit/personal-data)."""

    at = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=list)  # e.g. ["phone", "address"]
    source = models.CharField(max_length=MAX_SHORT_TEXT)  # e.g. "api GET /api/v1/cases"
    address = models.CharField(max_length=64, blank=True)  # the client's IP address

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at", "id"], name="pdv_at"),
            models.Index(fields=["case", "at"], name="pdv_case_at"),
            models.Index(fields=["user", "at"], name="pdv_user_at"),
        ]
