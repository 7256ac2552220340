"""The intake form (SPEC §3 Intake) and the queue filters.

Forms check what a form can check (required fields, choices, numbers); the lifecycle rules are
the services' job, and their refusals come back beside the field (``console.errors``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tousu.cases.models import CHANNELS, MAX_DESCRIPTION, MAX_NOTE, MAX_SHORT_TEXT
from tousu.cases.services import CustomerData, IntakeData
from tousu.org.models import Unit
from tousu.packs.registry import ActivePack
from tousu.packs.schema import Pack
from tousu.web.console import labels
from tousu.web.console.scripting import NO, YES, ScriptPanel, build_panel

BLANK = [("", "—")]
BOOL_FACTS = (
    ("injury", _("人身伤害")),
    ("media", _("已被媒体曝光")),
    ("media_threatened", _("扬言找媒体")),
    ("regulator", _("监管部门/消协介入")),
    ("lawsuit", _("已起诉")),
    ("counterfeit", _("涉嫌假货")),
    ("violence", _("过激行为")),
)
NUMBER_FACTS = (
    ("economic_loss", _("经济损失（元）")),
    ("complainant_count", _("投诉人数")),
    ("households", _("涉及户数")),
)
REFERENCES = (("account", _("账号/号码")), ("order", _("订单号")), ("room", _("房号")))
THEN = (("register", _("登记")), ("close", _("登记并窗口办结")), ("dispatch", _("登记并派单")))


def category_choices(pack: Pack | None) -> list[tuple[str, str]]:
    """The category tree as one select: children indented under their parent."""
    if pack is None:
        return BLANK

    def walk(parent: str | None, depth: int) -> Iterable[tuple[str, str]]:
        for node in pack.children(parent):
            yield node.code, "\u3000" * depth + ("└ " if depth else "") + node.name
            yield from walk(node.code, depth + 1)

    return BLANK + list(walk(None, 0))


def request_type_choices(pack: Pack | None) -> list[tuple[str, str]]:
    if pack is None:
        return BLANK
    names = {info.code: info.name for info in pack.request_type_info}
    return [(c, names.get(c) or labels.label(labels.REQUEST_TYPES, c)) for c in pack.request_types]


def severity_choices(pack: Pack | None) -> list[tuple[str, str]]:
    auto = [("", str(_("按规则自动定级")))]
    return auto + [(s.code, s.name) for s in pack.severities] if pack else auto


def unit_choices(units: Iterable[Unit], blank: bool = True) -> list[tuple[str, str]]:
    return (BLANK if blank else []) + [(u.code, u.name) for u in units]


def _text(label: Any, limit: int = MAX_SHORT_TEXT, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=limit, required=required)


def _area(label: Any, limit: int, required: bool = False, rows: int = 3) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows})
    return forms.CharField(label=label, max_length=limit, required=required, widget=widget)


class IntakeForm(forms.Form):
    pack = forms.ChoiceField(label=_("行业"))
    channel = forms.ChoiceField(label=_("受理渠道"), initial="phone")
    request_type = forms.ChoiceField(label=_("诉求类型"))
    category = forms.ChoiceField(label=_("投诉类别"), required=False)
    severity = forms.ChoiceField(label=_("投诉级别"), required=False)
    customer_phone = _text(_("联系电话"), 40)
    customer_name = _text(_("客户姓名"))
    customer_email = _text(_("电子邮件"))
    customer_address = _text(_("地址"))
    customer_household = _text(_("户号/房号"))
    description = _area(_("投诉内容"), MAX_DESCRIPTION, required=True, rows=5)
    demand = _area(_("客户诉求"), MAX_NOTE, rows=2)
    location = _text(_("发生地点"))
    occurred_at = forms.DateTimeField(
        label=_("发生时间"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    complained_unit = forms.ChoiceField(label=_("被投诉部门"), required=False)
    complained_person = _text(_("被投诉人"))
    walk_in_confirmed = forms.BooleanField(label=_("客户已签字确认记录"), required=False)
    dispatch_unit = forms.ChoiceField(label=_("派单至"), required=False)
    urge = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    repeat_of = forms.CharField(label=_("关联已办结投诉单"), required=False, max_length=20)
    dissatisfaction_reason = _text(_("客户仍不满意的原因"), MAX_NOTE)
    then = forms.ChoiceField(choices=THEN, required=False)

    def __init__(self, *args: Any, packs: list[ActivePack], units: list[Unit], **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.packs = {a.pack.code: a.pack for a in packs}
        for code, name in NUMBER_FACTS:
            self.fields[f"fact_{code}"] = forms.DecimalField(
                label=name, required=False, min_value=0, decimal_places=2, max_digits=14
            )
        for code, name in BOOL_FACTS:
            self.fields[f"fact_{code}"] = forms.BooleanField(label=name, required=False)
        for code, name in REFERENCES:
            self.fields[f"ref_{code}"] = _text(name, 60)
        self.fields["pack"].choices = [(a.pack.code, a.pack.name) for a in packs]
        self.fields["channel"].choices = [(c, labels.label(labels.CHANNELS, c)) for c in CHANNELS]
        self.fields["complained_unit"].choices = unit_choices(units)
        self.fields["dispatch_unit"].choices = unit_choices(units)
        self.pack = self.packs.get(self._raw("pack")) or (packs[0].pack if packs else None)
        self.fields["request_type"].choices = request_type_choices(self.pack)
        self.fields["category"].choices = category_choices(self.pack)
        self.fields["severity"].choices = severity_choices(self.pack)
        self.panel = build_panel(self.pack, self._raw("category"), self._answers_source())
        self._add_answer_fields(self.panel)

    def _raw(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        return str(source.get(name) or "")

    def _answers_source(self) -> dict[str, str]:
        source = self.data if self.is_bound else self.initial
        return {k: str(source.get(k) or "") for k in source if k.startswith("answer_")}

    def _add_answer_fields(self, panel: ScriptPanel) -> None:
        if panel.script is None:
            return
        for question in panel.script.questions:
            choices = (
                [(YES, str(labels.YES_NO[True])), (NO, str(labels.YES_NO[False]))]
                if question.kind == "yes_no"
                else [(c.code, c.label) for c in question.choices]
            )
            self.fields[f"answer_{question.code}"] = forms.ChoiceField(
                label=question.text, choices=choices, required=False, widget=forms.RadioSelect
            )

    def chosen_unit(self) -> str:
        """The dispatch target shown: the agent's choice on a re-shown form, else the rules'."""
        chosen = self._raw("dispatch_unit") if self.is_bound else ""
        return chosen or self.panel.suggested_unit

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("answer_")]

    def fact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("fact_")]

    def reference_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("ref_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        then = data.get("then") or "register"
        data["then"] = then
        if data.get("channel") == "walk_in" and not data.get("walk_in_confirmed"):
            self.add_error("walk_in_confirmed", _("现场来访须请客户签字确认记录。"))
        panel = self.panel
        uses_script = then == "close" or bool(panel.answers)
        if panel.script is not None and uses_script and not data.get("urge"):
            for question in panel.script.questions:
                if question.code not in panel.answers:
                    self.add_error(f"answer_{question.code}", _("请回答此问题。"))
        if then == "close" and panel.outcome is not None and not panel.may_close:
            self.add_error(None, _("脚本判定此问题需要派单处理，不能窗口直接办结。"))
        if then == "dispatch" and not data.get("dispatch_unit"):
            self.add_error("dispatch_unit", _("请选择派单部门。"))
        return data

    def script_payload(self) -> dict[str, Any] | None:
        panel = self.panel
        if panel.script is None or panel.missing or self.cleaned_data.get("urge"):
            return None
        return {"code": panel.script.code, "answers": dict(panel.answers)}

    def facts(self) -> dict[str, Any]:
        d = self.cleaned_data
        facts: dict[str, Any] = {code: True for code, _n in BOOL_FACTS if d.get(f"fact_{code}")}
        for code, _n in NUMBER_FACTS:
            value = d.get(f"fact_{code}")
            if value is not None:
                facts[code] = int(value) if value == value.to_integral_value() else float(value)
        return facts

    def to_intake(self) -> IntakeData:
        d = self.cleaned_data
        customer = CustomerData(
            **{k: d.get(f"customer_{k}") or "" for k in ("name", "phone", "email", "address",
                                                        "household")}
        )
        references = {code: d[f"ref_{code}"] for code, _n in REFERENCES if d.get(f"ref_{code}")}
        return IntakeData(
            pack=d["pack"], channel=d["channel"], request_type=d["request_type"],
            description=d["description"], customer=customer, category=d.get("category") or "",
            severity=d.get("severity") or "", demand=d.get("demand") or "",
            location=d.get("location") or "", occurred_at=d.get("occurred_at"),
            complained_unit=d.get("complained_unit") or "",
            complained_person=d.get("complained_person") or "", facts=self.facts(),
            references=references, walk_in_confirmed=bool(d.get("walk_in_confirmed")),
            repeat_of=d.get("urge") or d.get("repeat_of") or "",
            dissatisfaction_reason=d.get("dissatisfaction_reason") or "",
            script=self.script_payload(),
        )


ORDERINGS = (
    ("due", _("按到期时间")),
    ("-created_at", _("最新受理")),
    ("created_at", _("最早受理")),
)


class FilterForm(forms.Form):
    """Queue filters; every field may be left empty."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), required=False)
    pack = forms.ChoiceField(label=_("行业"), required=False)
    severity = forms.ChoiceField(label=_("级别"), required=False)
    category = forms.ChoiceField(label=_("类别"), required=False)
    unit = forms.ChoiceField(label=_("处理部门"), required=False)
    channel = forms.ChoiceField(label=_("渠道"), required=False)
    created_after = forms.DateField(
        label=_("受理日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_before = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ordering = forms.ChoiceField(label=_("排序"), required=False, choices=ORDERINGS)

    def __init__(self, *args: Any, packs: list[ActivePack], units: list[Unit], **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = BLANK + [(k, str(v)) for k, v in labels.STATUSES.items()]
        self.fields["pack"].choices = BLANK + [(a.pack.code, a.pack.name) for a in packs]
        severities: dict[str, str] = {}
        categories: list[tuple[str, Any]] = []
        for active in packs:
            for step in active.pack.severities:
                severities.setdefault(step.code, step.name)
            categories.append((active.pack.name, category_choices(active.pack)[1:]))
        self.fields["severity"].choices = BLANK + list(severities.items())
        self.fields["category"].choices = BLANK + categories
        self.fields["unit"].choices = unit_choices(units)
        self.fields["channel"].choices = BLANK + [
            (c, labels.label(labels.CHANNELS, c)) for c in CHANNELS
        ]
