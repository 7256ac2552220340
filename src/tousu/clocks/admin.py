"""Administrators edit calendar overrides in the Django admin; saving refreshes the cache."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from tousu.clocks import store
from tousu.clocks.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date", "is_working_day", "name", "updated_at")
    list_filter = ("is_working_day",)
    search_fields = ("name",)

    def save_model(self, request: Any, obj: CalendarDay, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        store.invalidate()

    def delete_model(self, request: Any, obj: CalendarDay) -> None:
        super().delete_model(request, obj)
        store.invalidate()
