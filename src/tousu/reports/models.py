"""Early-warning alerts as they were raised (tousu.reports.alerts): one row per alert, so the
dashboard lists the current ones and the quality role is told of each once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Alert(models.Model):
    """A group (category, place or handling unit) whose week rose above its Poisson bound.

    While the same group keeps alerting (seen again within a week of ``last_seen``) it is the
    same alert: ``last_seen`` and the counts are updated and nobody is told again."""

    dimension = models.CharField(max_length=20)  # category | place | unit
    pack = models.CharField(max_length=40, blank=True)
    key = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    current = models.PositiveIntegerField()  # cases in the week
    threshold = models.PositiveIntegerField()
    baseline_mean = models.FloatField()
    p_value = models.FloatField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["last_seen"], name="alert_last_seen"),
            models.Index(fields=["dimension", "pack", "key", "last_seen"], name="alert_group"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.name} {self.current}>{self.threshold}"


class CorrectiveAction(models.Model):
    """纠正预防措施 (SPEC §7): a measure taken after a complaint, with the person responsible,
    a due date, and the verification of its effect from the month after the due date."""

    class Kind(models.TextChoices):
        CORRECTIVE = "corrective"  # 纠正措施: put this case's cause right
        PREVENTIVE = "preventive"  # 预防措施: keep it from happening again

    class State(models.TextChoices):
        OPEN = "open"  # agreed, effect not yet verified
        EFFECTIVE = "effective"  # verified: it worked
        INEFFECTIVE = "ineffective"  # verified: it did not; a new measure is needed

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="corrective_actions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    measure = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    verify_from = models.DateField()  # first day of the month after due_on
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
