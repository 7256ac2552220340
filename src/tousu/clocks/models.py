"""Administrators' rulings on single dates; they win over the ``chinese_calendar`` package.

Read through ``tousu.clocks.store`` (cached), never directly by deadline code.
"""

from __future__ import annotations

from django.db import models


class CalendarDay(models.Model):
    date = models.DateField(unique=True)
    is_working_day = models.BooleanField()
    name = models.CharField(max_length=60, blank=True)  # e.g. 元旦, 春节调休
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "日历调整"
        verbose_name_plural = "日历调整"

    def __str__(self) -> str:
        kind = "上班" if self.is_working_day else "休息"
        return f"{self.date.isoformat()} {kind} {self.name}".strip()
