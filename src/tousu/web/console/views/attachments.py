"""A case's files on its console page: download (same visibility as the case page) and add a
file as staff (``source="staff"``); a refused file is named beside the field."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.cases import queries
from tousu.cases.attachments import add_staff_attachment, attachment_for
from tousu.rules.attachments import ACCEPTED_EXTENSIONS, MAX_ATTACHMENT_BYTES
from tousu.rules.errors import Forbidden, NotFound, RuleError
from tousu.web.console.access import actor, forbidden, not_found, staff_view
from tousu.web.console.errors import add_rule_error
from tousu.web.console.views.case import render_case
from tousu.web.downloads import attachment_response


class AttachmentForm(forms.Form):
    attachment = forms.FileField(
        label=gettext_lazy("添加附件"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in ACCEPTED_EXTENSIONS)}
        ),
        error_messages={
            "required": gettext_lazy("请选择要上传的文件。"),
            "empty": gettext_lazy("文件是空的。"),
        },
    )


@staff_view
def download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """The file, for staff who may open the case page; others get the same 404 as there."""
    try:
        return attachment_response(attachment_for(request.user, number, pk))  # type: ignore[arg-type]
    except NotFound:
        return not_found(request, number)


@staff_view
def add(request: HttpRequest, number: str) -> HttpResponse:
    """POST a file: stored with source "staff", then back to the case page."""
    if request.method != "POST":
        return redirect("console:case", number=number)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["attachment"]
        if upload.size > MAX_ATTACHMENT_BYTES:  # not read into memory when far too large
            form.add_error("attachment", _("文件过大：单个附件不超过 10 MB。"))
        else:
            try:
                add_staff_attachment(
                    actor=actor(request),
                    number=number,
                    filename=upload.name,
                    content=upload.read(),
                    content_type=upload.content_type or "",
                )
            except NotFound:
                return not_found(request, number)
            except Forbidden:
                return forbidden(request)
            except RuleError as error:
                add_rule_error(form, error)
            else:
                messages.success(request, _("附件已添加：%(name)s") % {"name": upload.name})
                return redirect("console:case", number=number)
    try:
        case = queries.case_detail(request.user, number)  # type: ignore[arg-type]
    except NotFound:
        return not_found(request, number)
    return render_case(request, case, status=422, extra={"attachment_form": form})
