"""Administration for admins: users and roles, packs and their scripts (view, upload a new
version with the loader's errors shown); units are in ``units.py``, calendar overrides in
``calendar.py``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.org.models import User
from tousu.packs.models import PackVersion
from tousu.packs.registry import PackError, active_packs, install_pack_text, pack_of_version
from tousu.web.console.access import ADMIN_ROLES, not_found, roles_view

MAX_PACK_BYTES = 2_000_000


class PackUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("行业包文件（YAML）"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PACK_BYTES:
            raise forms.ValidationError(_("文件过大（最大 2 MB）。"))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("文件不是 UTF-8 编码的文本。")) from error


@roles_view(ADMIN_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "console/manage/index.html")


@roles_view(ADMIN_ROLES)
def users(request: HttpRequest) -> HttpResponse:
    rows = User.objects.select_related("unit").order_by("role", "username")
    return render(request, "console/manage/users.html", {"users": rows})


@roles_view(ADMIN_ROLES)
def packs(request: HttpRequest) -> HttpResponse:
    form = PackUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES["file"]
        try:
            row = install_pack_text(form.cleaned_data["file"], upload.name or "pack.yaml")
        except PackError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("已安装行业包 %(code)s 版本 %(version)s。")
                             % {"code": row.code, "version": row.version})
            return redirect("console:manage_pack", code=row.code)
    versions = PackVersion.objects.defer("source_text").order_by("code", "-id")
    context = {"active": active_packs(), "versions": versions, "form": form}
    return render(request, "console/manage/packs.html", context, status=422 if form.errors else 200)


@roles_view(ADMIN_ROLES)
def pack_detail(request: HttpRequest, code: str) -> HttpResponse:
    row = PackVersion.objects.filter(code=code, active=True).first()
    if row is None:
        return not_found(request, code)
    return render(request, "console/manage/pack.html", {"row": row, "pack": pack_of_version(row)})
