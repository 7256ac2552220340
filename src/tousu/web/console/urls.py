"""URLs of the staff console, mounted under /console/ (namespace ``console``)."""

from __future__ import annotations

from django.urls import path
from django.views.i18n import set_language

from tousu.web.console.views import (
    attachments,
    audit,
    auth,
    calendar,
    case,
    dashboard,
    home,
    intake,
    manage,
    queues,
    reports,
    units,
    work_order,
)

app_name = "console"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("language/", set_language, name="set_language"),
    path("intake/", intake.intake, name="intake"),
    path("intake/pack-fields/", intake.pack_fields, name="intake_pack_fields"),
    path("intake/script/", intake.script_panel, name="intake_script"),
    path("intake/outcome/", intake.script_outcome, name="intake_outcome"),
    path("intake/customer/", intake.customer_lookup, name="intake_customer"),
    path("intake/suggest/", intake.category_suggest, name="intake_suggest"),
    path("queues/<slug:code>/", queues.queue, name="queue"),
    path("cases/<str:number>/", case.case_page, name="case"),
    path("cases/<str:number>/actions/<slug:action>/", case.case_action, name="case_action"),
    path("cases/<str:number>/personal-data/", case.reveal_personal_data, name="case_reveal"),
    path("cases/<str:number>/attachments/", attachments.add, name="case_attachment_add"),
    path("cases/<str:number>/attachments/<int:pk>/", attachments.download,
         name="case_attachment"),
    path("work-orders/<int:pk>/", work_order.work_order_page, name="work_order"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("reports/", reports.reports, name="reports"),
    path("reports/download/", reports.download, name="reports_download"),
    path("audit/personal-data/", audit.personal_data, name="audit_personal_data"),
    path("manage/", manage.index, name="manage"),
    path("manage/units/", units.units, name="manage_units"),
    path("manage/units/new/", units.unit_add, name="manage_unit_add"),
    path("manage/units/<str:code>/edit/", units.unit_edit, name="manage_unit"),
    path("manage/units/<str:code>/active/", units.unit_active, name="manage_unit_active"),
    path("manage/users/", manage.users, name="manage_users"),
    path("manage/packs/", manage.packs, name="manage_packs"),
    path("manage/packs/<slug:code>/", manage.pack_detail, name="manage_pack"),
    path("manage/calendar/", calendar.calendar, name="manage_calendar"),
]
