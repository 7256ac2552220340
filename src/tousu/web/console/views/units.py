"""Units for admins: the tree, add a unit, change one (name, type, parent, head, office hours,
routing keys), stop or restart it, and the audited changes. The checks and the audit are
``tousu.org.units``'; this module validates the form and shows the result."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.cases.services.common import Actor
from tousu.cases.services.recompute import recompute_unit_deadlines
from tousu.org import units as service
from tousu.org.models import Unit, User
from tousu.rules.errors import NotFound, RuleError
from tousu.web.console import labels
from tousu.web.console.access import ADMIN_ROLES, not_found, roles_view
from tousu.web.console.errors import add_rule_error


class UnitForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("代码"), max_length=40,
                           help_text=gettext_lazy("小写字母、数字、下划线或连字符，保存后不能修改。"))
    name = forms.CharField(label=gettext_lazy("名称"), max_length=service.MAX_NAME,
                           error_messages={"required": gettext_lazy("请填写部门名称。")})
    kind = forms.ChoiceField(label=gettext_lazy("类型"))
    parent = forms.ChoiceField(label=gettext_lazy("上级部门"), required=False)
    head = forms.ChoiceField(label=gettext_lazy("负责人"), required=False)
    office_hours = forms.CharField(
        label=gettext_lazy("办公时间"), max_length=200, required=False,
        help_text=gettext_lazy("如 08:30-12:00, 13:30-17:30；留空则按行业包或默认的办公时间。"))
    routing_keys = forms.MultipleChoiceField(
        label=gettext_lazy("路由标签"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("派单时按这些标签向该部门推荐；标签来自各行业包。"))

    def __init__(self, *args: object, editing: Unit | None = None, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = list(labels.UNIT_KINDS.items())
        units = Unit.objects.select_related("parent").order_by("code")
        keep = editing.parent_id if editing else None  # an inactive parent stays choosable
        self.fields["parent"].choices = [("", _("（无，最上层）"))] + [
            (u.code, f"{u.name}（{u.code}）") for u in units if u.active or u.pk == keep
        ]
        staff = User.objects.filter(is_active=True).order_by("username")
        self.fields["head"].choices = [("", _("（暂不指定）"))] + [
            (u.username, f"{u.display_name or u.username}（{u.username}）") for u in staff
        ]
        known = service.known_routing_keys()
        held = [k for k in (editing.routing_keys or []) if k not in known] if editing else []
        self.fields["routing_keys"].choices = [
            *((code, f"{name}（{code}）") for code, name in known.items()),
            *((code, code) for code in held),  # no pack names it now: kept unless unticked
        ]
        if editing is not None:
            del self.fields["code"]

    def data_in(self) -> service.UnitInput:
        d = self.cleaned_data
        return service.UnitInput(name=d["name"], kind=d["kind"], parent=d.get("parent") or "",
                                 head=d.get("head") or "", office_hours=d.get("office_hours") or "",
                                 routing_keys=tuple(d.get("routing_keys") or ()))


def _shown(value: object, label: str) -> str:
    """A logged value as the page shows it: types and states in words, "—" for none."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return str(_("启用") if value else _("停用"))
    if label == str(service.FIELDS["kind"]):
        return str(labels.label(labels.UNIT_KINDS, str(value)))
    return str(value)


def shown_changes(changes: list[service.UnitChange]) -> list[dict]:
    return [{"at": c.at, "user": c.user, "unit": c.unit, "added": c.added,
             "changes": [(label, _shown(before, label), _shown(after, label))
                         for label, before, after in c.changes]}
            for c in changes]


def tree_rows() -> list[tuple[Unit, int]]:
    """Every unit with its depth, each under its parent (codes in order at every level)."""
    rows = list(Unit.objects.select_related("parent", "head")
                .annotate(staff=Count("members")).order_by("code"))
    children: dict[int | None, list[Unit]] = {}
    for unit in rows:
        children.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[Unit, int]] = []
    todo = [(unit, 0) for unit in reversed(children.get(None, []))]
    while todo:
        unit, depth = todo.pop()
        out.append((unit, depth))
        todo.extend((child, depth + 1) for child in reversed(children.get(unit.pk, [])))
    return out


@roles_view(ADMIN_ROLES)
def units(request: HttpRequest) -> HttpResponse:
    context = {"rows": tree_rows(), "changes": shown_changes(service.unit_changes(limit=20))}
    return render(request, "console/manage/units.html", context)


@roles_view(ADMIN_ROLES)
def unit_add(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = service.create_unit(by=request.user, code=form.cleaned_data["code"],  # type: ignore[arg-type]
                                       data=form.data_in())
        except RuleError as error:
            add_rule_error(form, error)
        else:
            messages.success(request, _("已新增部门：%(name)s。") % {"name": unit.name})
            return redirect("console:manage_units")
    return render(request, "console/manage/unit_form.html", {"form": form, "unit": None},
                  status=422 if form.errors else 200)


def _edit_page(request: HttpRequest, unit: Unit, form: UnitForm, status: int = 200,
               active_error: str = "") -> HttpResponse:
    context = {"form": form, "unit": unit, "changes": shown_changes(service.unit_changes(unit)),
               "active_error": active_error}
    return render(request, "console/manage/unit_form.html", context, status=status)


@roles_view(ADMIN_ROLES)
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = Unit.objects.select_related("parent", "head").filter(code=code).first()
    if unit is None:
        return not_found(request, code)
    if request.method != "POST":
        initial = service.snapshot(unit)
        return _edit_page(request, unit, UnitForm(initial=initial, editing=unit))
    form = UnitForm(request.POST, editing=unit)
    if form.is_valid():
        before = service.snapshot(unit)
        try:
            changed = service.change_unit(by=request.user, code=code, data=form.data_in())  # type: ignore[arg-type]
        except RuleError as error:
            add_rule_error(form, error)
        else:
            after = service.snapshot(changed)
            messages.success(request, _("没有改动。") if after == before else _("已保存。"))
            if after["office_hours"] != before["office_hours"]:
                recomputed(request, changed)
            return redirect("console:manage_unit", code=code)
    return _edit_page(request, unit, form, status=422)


def recomputed(request: HttpRequest, unit: Unit) -> None:
    """Deadlines already issued in the unit's old office hours, counted in the new ones."""
    moved = recompute_unit_deadlines(unit, actor=Actor(request.user))  # type: ignore[arg-type]
    if moved.cases:
        text = _("已按新的办公时间重新计算 %(orders)d 张处理单的时限（%(cases)d 件投诉）。")
        messages.info(request, text % {"orders": moved.orders, "cases": len(moved.cases)})


@roles_view(ADMIN_ROLES)
def unit_active(request: HttpRequest, code: str) -> HttpResponse:
    """POST active=1 (start) or 0 (stop)."""
    if request.method != "POST":
        return redirect("console:manage_unit", code=code)
    active = request.POST.get("active") == "1"
    try:
        unit = service.set_unit_active(by=request.user, code=code, active=active)  # type: ignore[arg-type]
    except NotFound:
        return not_found(request, code)
    except RuleError as error:
        unit = Unit.objects.select_related("parent", "head").get(code=code)
        form = UnitForm(initial=service.snapshot(unit), editing=unit)
        return _edit_page(request, unit, form, status=422, active_error=error.message)
    messages.success(request, _("已启用：%(name)s。") % {"name": unit.name} if active
                     else _("已停用：%(name)s。") % {"name": unit.name})
    return redirect("console:manage_unit", code=code)
