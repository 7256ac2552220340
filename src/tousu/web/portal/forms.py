"""The portal's forms: shapes and plain checks only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tousu.cases.models import MAX_DESCRIPTION, MAX_NOTE, MAX_SHORT_TEXT, SATISFACTIONS
from tousu.packs.schema import Pack
from tousu.rules.errors import RuleError
from tousu.rules.public import public_request_types
from tousu.web.console import labels as console_labels
from tousu.web.portal import labels

HONEYPOT = "website"  # a field people never see; bots that fill every field fill it


def category_choices(pack: Pack) -> list[Any]:
    """The pack's category tree for a select: top categories as groups of their children."""
    choices: list[Any] = [("", _("不确定，请工作人员判断"))]
    for top in pack.children(None):
        children = pack.children(top.code)
        if not children:
            choices.append((top.code, top.name))
            continue
        group = [(top.code, _("%(name)s（其他）") % {"name": top.name})]
        group += [(c.code, c.name) for c in children]
        choices.append((top.name, group))
    return choices


class SubmitForm(forms.Form):
    request_type = forms.ChoiceField(label=_("您要提交的是"), widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("问题类别"), required=False)
    description = forms.CharField(
        label=_("发生了什么"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    occurred_at = forms.DateTimeField(
        label=_("发生时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    location = forms.CharField(label=_("发生地点或网址"), max_length=MAX_SHORT_TEXT, required=False)
    demand = forms.CharField(
        label=_("您的诉求"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymous = forms.BooleanField(label=_("匿名举报（不留姓名和电话）"), required=False)
    name = forms.CharField(label=_("称呼"), max_length=MAX_SHORT_TEXT, required=False)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("电子邮箱"), max_length=MAX_SHORT_TEXT, required=False)
    website = forms.CharField(required=False, label=_("请勿填写此项"))

    def __init__(self, *args: Any, pack: Pack, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = public_request_types(pack.request_types)
        self.fields["request_type"].choices = [
            (t, labels.label(labels.REQUEST_TYPES, t)) for t in types
        ]
        if len(types) == 1:
            self.fields["request_type"].initial = types[0]
        self.fields["category"].choices = category_choices(pack)
        self.allows_anonymous = "report" in types
        if not self.allows_anonymous:
            del self.fields["anonymous"]

    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())


def add_rule_errors(form: forms.Form, exc: RuleError) -> None:
    """The service's refusal on the form: each field named, in the customer's words."""
    if not exc.errors:
        form.add_error(None, exc.message)
    for error in exc.errors:
        name = error.field.split("[", 1)[0].split(".", 1)[0]
        message = labels.FIELD_MESSAGES.get(name, error.message)
        target = name if name in form.fields else None
        if name == "attachments" or target is None:
            form.add_error(None, f"{message} ({error.message})")
        elif message not in form.errors.get(target, []):
            form.add_error(target, message)


class TrackForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=20)
    phone = forms.CharField(
        label=_("提交时留的手机号码"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    code = forms.CharField(label=_("或：匿名查询码"), max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("phone") or "").strip() and not (data.get("code") or "").strip():
            raise forms.ValidationError(_("请填写手机号码或匿名查询码。"))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("不接受的理由"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("您对处理结果是否满意"),
        choices=[(s, console_labels.SATISFACTIONS[s]) for s in SATISFACTIONS],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("还想说的话"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("申请复核的理由"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
