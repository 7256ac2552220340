"""Calendar overrides for admins: which years the official holiday data covers, the dates
administrators have ruled on, one date added or changed or removed, or a whole file imported.

The rulings live in ``tousu.clocks`` (model, file format, cache); this page only validates the
input and calls ``tousu.clocks.store``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.clocks import store
from tousu.clocks.models import CalendarDay
from tousu.rules.calendar import OFFICIAL_YEARS, OverrideFileError
from tousu.web.console.access import ADMIN_ROLES, roles_view

FIRST_YEAR, LAST_YEAR = 2000, 2100
BAD_DATE = gettext_lazy("请按 年-月-日 填写日期，如 2027-01-01。")
MAX_FILE_BYTES = 200_000
KINDS = (("off", gettext_lazy("休息（节假日）")), ("work", gettext_lazy("上班（调休工作日）")))


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"),
                           widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": BAD_DATE})
    kind = forms.ChoiceField(label=gettext_lazy("这一天"), choices=KINDS, widget=forms.RadioSelect)
    name = forms.CharField(label=gettext_lazy("名称（可选，如 元旦、春节调休）"), max_length=60,
                           required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "day")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_date(self) -> date:
        day: date = self.cleaned_data["date"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(_("日期须在 %(a)s 年至 %(b)s 年之间。")
                                        % {"a": FIRST_YEAR, "b": LAST_YEAR})
        return day


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("调整文件（CSV：日期,off 或 work,名称）"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "import")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件过大（最大 200 KB）。"))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("文件不是 UTF-8 编码的文本。")) from error


# the rules' problem texts (tousu.rules.calendar) in the console's words
PROBLEMS = (
    (r"expected date,kind", gettext_lazy("每行应为 日期,类型[,名称]，例如 2027-01-01,off,元旦")),
    (r"unknown kind", gettext_lazy("类型只能是 off（休息）或 work（上班）")),
    (r"not a date", gettext_lazy("日期须为 YYYY-MM-DD 格式")),
    (r"no such date", gettext_lazy("日历上没有这一天")),
)


def file_error_text(error: OverrideFileError) -> str:
    """``第 3 行：类型只能是 … （值：holiday）`` from the rules' English message."""
    problem = str(error).split(f"{error.filename}:{error.line}: ", 1)[-1].rsplit(": ", 1)[0]
    text = problem
    if m := re.match(r"date already listed on line (\d+)", problem):
        text = _("该日期在第 %(n)s 行已出现过") % {"n": m.group(1)}
    else:
        text = next((str(t) for p, t in PROBLEMS if re.search(p, problem)), problem)
    return _("第 %(line)s 行：%(problem)s（内容：%(value)s）。文件未导入，已有调整不变。") % {
        "line": error.line, "problem": text, "value": error.value}


@dataclass(frozen=True)
class YearRow:
    year: int
    official: bool
    overrides: int

    @property
    def fallback(self) -> bool:
        """Neither the package nor an administrator covers the year: weekdays only."""
        return not self.official and not self.overrides


def _years(days: list[CalendarDay], today: date) -> list[YearRow]:
    counts: dict[int, int] = {}
    for d in days:
        counts[d.date.year] = counts.get(d.date.year, 0) + 1
    years = sorted({today.year, today.year + 1, *counts})
    return [YearRow(y, y in OFFICIAL_YEARS, counts.get(y, 0)) for y in years]


def _delete(request: HttpRequest) -> None:
    raw = request.POST.get("delete", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("没有这一天的调整：%(day)s") % {"day": raw[:20]})
        return
    if store.delete_override(day):
        messages.success(request, _("已删除 %(day)s 的调整，该日恢复按官方日历或周一至周五计算。")
                         % {"day": day.isoformat()})
    else:
        messages.error(request, _("没有这一天的调整：%(day)s") % {"day": day.isoformat()})


def _save_day(request: HttpRequest, form: DayForm) -> None:
    d = form.cleaned_data
    created = store.save_override(d["date"], is_working_day=d["kind"] == "work",
                                  name=d["name"].strip())
    text = _("已添加 %(day)s 的调整。") if created else _("已修改 %(day)s 的调整。")
    messages.success(request, text % {"day": d["date"].isoformat()})


def _import(request: HttpRequest, form: ImportForm) -> bool:
    upload = request.FILES["import-file"]
    try:
        result = store.import_overrides(form.cleaned_data["file"], upload.name or "calendar.csv")
    except OverrideFileError as error:
        form.add_error("file", file_error_text(error))
        return False
    messages.success(request, _("已导入 %(total)s 个日期（新增 %(created)s，修改 %(updated)s）。")
                     % {"total": result.total, "created": result.created,
                        "updated": result.updated})
    return True


@roles_view(ADMIN_ROLES)
def calendar(request: HttpRequest) -> HttpResponse:
    day_form, import_form = DayForm(), ImportForm()
    if request.method == "POST":
        if "delete" in request.POST:
            _delete(request)
            return redirect("console:manage_calendar")
        if "import-file" in request.FILES or request.POST.get("form") == "import":
            import_form = ImportForm(request.POST, request.FILES)
            if import_form.is_valid() and _import(request, import_form):
                return redirect("console:manage_calendar")
        else:
            day_form = DayForm(request.POST)
            if day_form.is_valid():
                _save_day(request, day_form)
                return redirect("console:manage_calendar")
    days = list(CalendarDay.objects.order_by("date"))
    context = {"days": days, "years": _years(days, timezone.localdate()),
               "day_form": day_form, "import_form": import_form}
    failed = day_form.errors or import_form.errors
    return render(request, "console/manage/calendar.html", context, status=422 if failed else 200)
