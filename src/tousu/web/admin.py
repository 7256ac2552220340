"""Raw records in the Django admin (/admin/), with Chinese names (English in the en catalogue).

The models keep their own Meta; the names shown here come from ``NAMES`` (the admin index and
each list's title), so that changing a label never needs a migration. Events are read-only:
the history is append-only. Every write a user makes day to day goes through the console.
"""

from __future__ import annotations

import types
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tousu.cases.models import Case, Customer, Event, Incident, Proposal, WorkOrder
from tousu.org import units
from tousu.org.models import Unit, User
from tousu.packs.models import PackVersion
from tousu.web.console.views.units import recomputed

NAMES: dict[type[Model], Any] = {
    Unit: _("部门"),
    User: _("用户"),
    Case: _("投诉单"),
    WorkOrder: _("处理单"),
    Event: _("处理记录"),
    Customer: _("客户"),
    Incident: _("群体事件"),
    Proposal: _("处理方案"),
    PackVersion: _("行业包版本"),
}


class NamedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and forms titled with the model's name from ``NAMES``."""

    def _title(self) -> Any:
        return NAMES.get(self.model, self.model._meta.verbose_name_plural)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(request, {"title": self._title(), **(extra_context or {})})

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: dict[str, Any] | None = None
                        ) -> HttpResponse:
        context = {"title": self._title(), **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, context)


class ReadOnlyAdmin(NamedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class UnitAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """The console's checks (``tousu.org.units``) on the admin's unit form too: no loop in the
    tree, no stopped parent, no stop while work is open, valid office hours."""

    class Meta:
        model = Unit
        fields = ("code", "name", "kind", "parent", "head", "routing_keys", "office_hours",
                  "active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit = self.instance if self.instance.pk else None
        parent, head = data.get("parent"), data.get("head")
        given = units.UnitInput(
            name=data.get("name") or "", kind=data.get("kind") or "",
            parent=parent.code if parent else "", head=head.username if head else "",
            office_hours=data.get("office_hours") or "")
        _values, problems = units.check(given, unit)
        for problem in problems:
            if problem.field in self.fields and problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        stopping = unit is not None and unit.active and data.get("active") is False
        if stopping:
            # the row locked before counting its open work (the admin's save runs in one
            # transaction): a dispatch to it finishes first or sees it stopped (lock_units)
            locked = Unit.objects.select_for_update(no_key=True).get(
                pk=unit.pk)  # type: ignore[union-attr]
            if refusal := units.stop_refusal(locked):
                self.add_error("active", refusal)
        return data


@admin.register(Unit)
class UnitAdmin(NamedAdmin):
    form = UnitAdminForm
    list_display = ("code", "name", "kind", "parent", "head", "office_hours", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        # the stored unit before this save, for the log entry's before/after
        stored = Unit.objects.select_related("parent", "head").filter(pk=obj.pk).first()
        request._unit_before = units.snapshot(stored) if stored else {}  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        if change and "office_hours" in form.changed_data:
            # deadlines already issued in the old hours are counted again in the new ones
            recomputed(request, obj)

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any,
                                 add: bool = False) -> list[dict[str, Any]]:
        """Django's message, with the changed fields before and after (as the console logs)."""
        message = super().construct_change_message(request, form, formsets, add)
        before = getattr(request, "_unit_before", {})
        entry = units.audit_entry(before, units.snapshot(form.instance))
        if message and isinstance(message[0], dict):
            message[0] |= entry
        elif entry["after"]:
            message = [{"changed": {"fields": []}, **entry}]
        return message


@admin.register(User)
class UserAdmin(NamedAdmin):
    list_display = ("username", "display_name", "role", "unit", "is_active", "last_login")
    list_filter = ("role", "unit", "is_active")
    search_fields = ("username", "display_name")
    fields = ("username", "display_name", "role", "unit", "email", "is_active", "is_staff",
              "is_superuser")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "pack", "status", "channel", "request_type", "category",
                    "severity", "received_at")
    list_filter = ("status", "pack", "channel", "request_type")
    search_fields = ("number",)
    exclude = ("search_text",)
    list_select_related = True
    show_full_result_count = False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "unit", "status", "issued_at", "due_resolve")
    list_filter = ("status", "unit")
    list_select_related = ("case", "unit")
    show_full_result_count = False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "kind", "actor", "at")
    list_filter = ("kind",)
    list_select_related = ("case", "actor")
    show_full_result_count = False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("id", "pack", "category", "title", "size", "created_at")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "round", "status", "final", "created_at")
    list_select_related = ("case",)


@admin.register(PackVersion)
class PackVersionAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "filename", "active", "loaded_at")
    list_filter = ("code", "active")


def _named_app_list(site: admin.AdminSite, request: HttpRequest,
                    app_label: str | None = None) -> list[dict[str, Any]]:
    """The admin index with the models named from ``NAMES``."""
    apps = admin.AdminSite.get_app_list(site, request, app_label)
    for app in apps:
        for entry in app["models"]:
            name = NAMES.get(entry["model"])
            if name is not None:
                entry["name"] = name
    return apps


admin.site.get_app_list = types.MethodType(_named_app_list, admin.site)  # type: ignore[method-assign]
admin.site.site_header = _("tousu 数据管理后台")
admin.site.site_title = _("tousu 数据管理")
admin.site.index_title = _("原始记录")
admin.site.site_url = "/console/"
