"""The log of personal data shown unmasked (SPEC §8), for auditors and admins: the same rows
and filters as GET /api/v1/audit/personal-data (``queries.personal_data_views``), by user,
case and date, newest first, a page at a time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.cases import queries
from tousu.org.permissions import READ_VIEW_LOG
from tousu.web.console.access import roles_view
from tousu.web.console.paging import page_links, page_number

BAD_DATE = gettext_lazy("请按 年-月-日 填写日期，如 2026-12-01。")
PAGE_SIZE = 50

# the logged field names in the console's words
FIELD_NAMES = {
    "name": gettext_lazy("姓名"),
    "phone": gettext_lazy("电话"),
    "email": gettext_lazy("电子邮箱"),
    "address": gettext_lazy("地址"),
    "household": gettext_lazy("房号/户号"),
    "references.phone": gettext_lazy("关联号码"),
    "references.account": gettext_lazy("关联账号"),
}


# where a view happened, by the first word of the logged source ("api GET /api/v1/cases/…")
SOURCES = {"api": gettext_lazy("接口"), "console": gettext_lazy("控制台")}


def source_of(text: str) -> tuple[str, str]:
    """``("控制台", "POST /console/cases/…/personal-data/")`` for the logged source text."""
    first, _space, rest = text.partition(" ")
    return (str(SOURCES[first]), rest) if first in SOURCES else (text, "")


class ViewLogForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("查看人（用户名）"), max_length=150, required=False)
    case = forms.CharField(label=gettext_lazy("投诉单号"), max_length=40, required=False)
    since = forms.DateField(
        label=gettext_lazy("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": BAD_DATE},
    )
    until = forms.DateField(
        label=gettext_lazy("截止日期（含）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": BAD_DATE},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> dict:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return data


def _start_of(day: date | None, days_after: int = 0) -> datetime | None:
    """Midnight of ``day`` (plus ``days_after``) in the display time zone (Asia/Shanghai)."""
    if day is None:
        return None
    moment = datetime.combine(day + timedelta(days=days_after), time.min)
    return timezone.make_aware(moment, timezone.get_default_timezone())


@roles_view(READ_VIEW_LOG)
def personal_data(request: HttpRequest) -> HttpResponse:
    form = ViewLogForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "page": None, "rows": []}
        return render(request, "console/audit/personal_data.html", context, status=422)
    d = form.cleaned_data if form.is_bound else {}
    filters = queries.AuditFilters(
        user=(d.get("user") or "").strip(),
        case=(d.get("case") or "").strip(),
        since=_start_of(d.get("since")),
        until=_start_of(d.get("until"), days_after=1),  # the day itself included
    )
    page = queries.personal_data_views(filters, page=page_number(request), page_size=PAGE_SIZE)
    rows = [
        (
            view,
            "、".join(str(FIELD_NAMES.get(name, name)) for name in view.fields),
            *source_of(view.source),
        )
        for view in page.items
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        **page_links(request, page),
    }
    return render(request, "console/audit/personal_data.html", context)
