"""Early-warning alerts as they were raised (tousu.reports.alerts): one row per alert, so the
dashboard lists the current ones and the quality role is told of each once."""

from __future__ import annotations

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
