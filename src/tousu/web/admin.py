"""Raw records in the Django admin (/admin/), with Chinese names (English in the en catalogue).

The models keep their own Meta; the names shown here come from ``NAMES`` (the admin index and
each list's title), so that changing a label never needs a migration. Events are read-only:
the history is append-only. Every write a user makes day to day goes through the console.
"""

from __future__ import annotations

import types
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tousu.cases.models import Case, Customer, Event, Incident, Proposal, WorkOrder
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


@admin.register(Unit)
class UnitAdmin(NamedAdmin):
    list_display = ("code", "name", "kind", "parent", "office_hours", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "office_hours" in form.changed_data:
            # deadlines already issued in the old hours are counted again in the new ones
            recomputed(request, obj)


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
