"""纠正预防措施 in the console: the panel on the case page of hot and major complaints (add a
measure, verify its effect) and the quality role's list page (/console/corrective-actions/:
open, due, overdue, awaiting verification). Thin: the writes are
``tousu.reports.corrective.add_action`` / ``verify_action``; a refused field is shown beside
the field on the case page (status 422) and nothing is written."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tousu.cases import queries
from tousu.reports import corrective
from tousu.reports.periods import SHANGHAI
from tousu.rules.errors import NotFound, RuleError
from tousu.web.console.access import actor, not_found, roles_view
from tousu.web.console.errors import add_rule_error
from tousu.web.console.views.case import render_case

LIST_TITLES = {
    "open": gettext_lazy("未验证"),
    "due": gettext_lazy("未到期"),
    "overdue": gettext_lazy("已逾期"),
    "verify": gettext_lazy("待验证效果"),
}
FIELD_MESSAGES = {
    "due_on": gettext_lazy("完成日期不能早于今天。"),
    "owner": gettext_lazy("没有这个在职用户。"),
}


def today() -> date:
    return timezone.now().astimezone(SHANGHAI).date()


class ActionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[
            ("corrective", gettext_lazy("纠正措施")),
            ("preventive", gettext_lazy("预防措施")),
        ],
    )
    measure = forms.CharField(
        label=gettext_lazy("措施内容"),
        max_length=corrective.MEASURE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = forms.CharField(label=gettext_lazy("责任人（用户名）"), max_length=150)
    due_on = forms.DateField(
        label=gettext_lazy("完成日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class VerifyForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=gettext_lazy("效果"),
        choices=[("yes", gettext_lazy("有效")), ("no", gettext_lazy("无效"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("验证说明"),
        max_length=corrective.NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _refused(form: forms.Form, error: RuleError) -> None:
    add_rule_error(form, error)
    for name, text in FIELD_MESSAGES.items():  # the service's English, in the console's words
        if name in form.errors and name in form.fields:
            form.errors[name] = form.error_class([str(text)])


def _page(
    request: HttpRequest, number: str, status: int, **forms_shown: forms.Form
) -> HttpResponse:
    case = queries.case_detail(request.user, number)  # type: ignore[arg-type]
    return render_case(request, case, status=status, extra=forms_shown)


def _back(number: str) -> HttpResponse:
    return redirect(reverse("console:case", args=[number]) + "#corrective")


@require_POST
@roles_view(corrective.ROLES)
def add(request: HttpRequest, number: str) -> HttpResponse:
    try:
        queries.case_detail(request.user, number)  # type: ignore[arg-type]
    except NotFound:
        return not_found(request, number)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            corrective.add_action(number, actor(request), **form.cleaned_data)
        except RuleError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已登记纠正预防措施。"))
            return _back(number)
    return _page(request, number, 422, capa_form=form)


@require_POST
@roles_view(corrective.ROLES)
def verify(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    try:
        queries.case_detail(request.user, number)  # type: ignore[arg-type]
    except NotFound:
        return not_found(request, number)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            corrective.verify_action(number, pk, actor(request), **form.cleaned_data)
        except NotFound:
            return not_found(request, number)
        except RuleError as error:
            form.add_error(None, _verify_refusal(error))
        else:
            messages.success(request, _("已记录措施效果。"))
            return _back(number)
    return _page(request, number, 422, capa_verify=form, capa_verify_id=pk)


def _verify_refusal(error: RuleError) -> str:
    text = str(error)
    if "already verified" in text:
        return _("该措施已验证过。")
    if "can be verified from" in text:
        return _("措施到期的次月起才能验证效果。")
    return text


@roles_view(corrective.ROLES)
def action_list(request: HttpRequest) -> HttpResponse:
    which = request.GET.get("list", "open")
    if which not in corrective.LISTS:
        which = "open"
    day = today()
    counts = {
        code: corrective.listing(request.user, code, day).count()  # type: ignore[arg-type]
        for code in corrective.LISTS
    }
    rows = corrective.listing(request.user, which, day)  # type: ignore[arg-type]
    tabs = [(code, LIST_TITLES[code], counts[code]) for code in corrective.LISTS]
    context = {"rows": rows, "which": which, "tabs": tabs, "today": day}
    return render(request, "console/corrective/list.html", context)
