"""One form per lifecycle action (SPEC §10 action payloads), each with the case version it was
filled against, so a stale form is refused instead of overwriting a newer state.

Field names are the service's keyword arguments; ``payload()`` is what the service receives.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tousu.cases.models import CHANNELS, MAX_NOTE, SATISFACTIONS, SOLUTION_KINDS, Case, WorkOrder
from tousu.org.models import Unit
from tousu.packs.schema import Pack
from tousu.rules.lifecycle import Action
from tousu.web.console import labels
from tousu.web.console.forms import BLANK, category_choices, request_type_choices

SOLUTION_ROWS = 3


def _area(label: Any, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=MAX_NOTE,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _choices(table: dict[str, Any], codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(c, labels.label(table, c)) for c in codes]


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    has_unit = False  # the form lets a non-handler pick whose work order it is

    def __init__(self, *args: Any, case: Case, pack: Pack, units: list[Unit], **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("version", case.version)
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.case, self.pack = case, pack
        if self.has_unit:
            live = {o.unit.code: o.unit.name for o in case.work_orders.all()
                    if o.status in WorkOrder.LIVE}
            self.fields["unit"] = forms.ChoiceField(
                label=_("部门"), required=False, choices=BLANK + sorted(live.items()))
        self.setup(units)

    def setup(self, units: list[Unit]) -> None:
        """Choices that depend on the case, its pack or the organisation."""

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return {k: v for k, v in data.items() if v not in (None, "")}


class TriageForm(ActionForm):
    category = forms.ChoiceField(label=_("投诉类别"), required=False)
    severity = forms.ChoiceField(label=_("投诉级别"), required=False)
    request_type = forms.ChoiceField(label=_("诉求类型"), required=False)
    validity = forms.ChoiceField(label=_("投诉性质"), required=False)
    responsibility_class = forms.ChoiceField(label=_("责任类别"), required=False)
    reason = _area(_("调整理由"), rows=2)

    def setup(self, units: list[Unit]) -> None:
        pack, case = self.pack, self.case
        self.fields["category"].choices = category_choices(pack)
        self.fields["severity"].choices = BLANK + [(s.code, s.name) for s in pack.severities]
        self.fields["request_type"].choices = BLANK + request_type_choices(pack)
        self.fields["validity"].choices = BLANK + _choices(labels.VALIDITIES, ("valid", "assist"))
        self.fields["responsibility_class"].choices = BLANK + [
            (c.code, c.name) for c in pack.responsibility_classes]
        for name in ("category", "severity", "request_type", "validity", "responsibility_class"):
            self.initial.setdefault(name, getattr(case, name))


class CloseAtWindowForm(ActionForm):
    wording = _area(_("向客户解释所用口径"), rows=4)
    note = _area(_("备注"), rows=2)

    def setup(self, units: list[Unit]) -> None:
        self.initial.setdefault("wording", (self.case.script or {}).get("wording") or "")


class DispatchForm(ActionForm):
    units = forms.MultipleChoiceField(label=_("派往部门"), widget=forms.CheckboxSelectMultiple)
    note = _area(_("派单说明"), rows=2)

    def setup(self, units: list[Unit]) -> None:
        from tousu.web.console.scripting import units_for_route

        self.fields["units"].choices = [(u.code, u.name) for u in units]
        suggested = (self.case.script or {}).get("units") or [
            u.code for u in units_for_route(self.pack.route_for(self.case.category or ""))][:1]
        self.initial.setdefault("units", suggested)


class NoteForm(ActionForm):
    note = _area(_("备注"), rows=2)


class AcknowledgeForm(NoteForm):
    has_unit = True


class ReasonForm(ActionForm):
    reason = _area(_("原因"), required=True, rows=3)


class ReturnForm(ReasonForm):
    has_unit = True


class ProgressForm(ActionForm):
    has_unit = True
    note = _area(_("进展情况"), required=True, rows=3)


class ProposeForm(ActionForm):
    findings = _area(_("调查结果"), rows=3)
    final = forms.BooleanField(label=_("这是最终方案"), required=False)
    note = _area(_("备注"), rows=2)

    def setup(self, units: list[Unit]) -> None:
        kinds = BLANK + _choices(labels.SOLUTION_KINDS, SOLUTION_KINDS)
        for i in range(1, SOLUTION_ROWS + 1):
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label=_("方案类型"), choices=kinds, required=i == 1)
            self.fields[f"description_{i}"] = forms.CharField(
                label=_("方案内容"), max_length=MAX_NOTE, required=i == 1)
            self.fields[f"amount_{i}"] = forms.DecimalField(
                label=_("金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2)

    def solution_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return [(self[f"kind_{i}"], self[f"description_{i}"], self[f"amount_{i}"])
                for i in range(1, SOLUTION_ROWS + 1)]

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        solutions = [
            {"kind": d[f"kind_{i}"], "description": d[f"description_{i}"],
             "amount": str(d[f"amount_{i}"]) if d.get(f"amount_{i}") is not None else None}
            for i in range(1, SOLUTION_ROWS + 1) if d.get(f"kind_{i}") or d.get(f"description_{i}")
        ]
        return {"solutions": solutions, "final": bool(d.get("final")),
                "findings": d.get("findings") or "", "note": d.get("note") or ""}


class ResolveForm(ActionForm):
    has_unit = True
    findings = _area(_("调查结果"), rows=3)
    responsibility_class = forms.ChoiceField(label=_("责任类别"), required=False)
    root_cause = _area(_("根本原因"), rows=2)
    note = _area(_("备注"), rows=2)

    def setup(self, units: list[Unit]) -> None:
        self.fields["responsibility_class"].choices = BLANK + [
            (c.code, c.name) for c in self.pack.responsibility_classes]


class ReplyForm(ActionForm):
    message = _area(_("答复内容"), required=True, rows=4)
    channel = forms.ChoiceField(label=_("答复渠道"), required=False)

    def setup(self, units: list[Unit]) -> None:
        self.fields["channel"].choices = BLANK + _choices(labels.CHANNELS, CHANNELS)
        self.initial.setdefault("channel", self.case.channel)


class FollowUpForm(ActionForm):
    satisfaction = forms.ChoiceField(label=_("客户满意度"), widget=forms.RadioSelect,
                                     choices=_choices(labels.SATISFACTIONS, SATISFACTIONS))
    comment = _area(_("回访记录"), rows=3)


class RejectForm(ActionForm):
    reason = _area(_("客户不接受的原因"), required=True, rows=3)


class EscalateForm(ReasonForm):
    to = forms.CharField(label=_("上报至"), required=False, max_length=60)


class MarkInvalidForm(ActionForm):
    validity_reason = forms.ChoiceField(label=_("无效原因"))
    reason = _area(_("说明"), rows=2)

    def setup(self, units: list[Unit]) -> None:
        self.fields["validity_reason"].choices = BLANK + list(self.pack.invalid_reasons.items())


class MergeForm(ActionForm):
    into = forms.CharField(label=_("并入投诉单编号"), max_length=20)
    reason = _area(_("说明"), rows=2)


class PauseForm(ActionForm):
    reason = _area(_("等待客户提供或答复的事项"), required=True, rows=2)


class RequestExtensionForm(ActionForm):
    until = forms.DateTimeField(
        label=_("申请延至"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    reason = _area(_("延期理由"), required=True, rows=3)


class RejectExtensionForm(ActionForm):
    reason = _area(_("不予批准的理由"), required=True, rows=2)


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    Action.TRIAGE: TriageForm,
    Action.CLOSE_AT_WINDOW: CloseAtWindowForm,
    Action.DISPATCH: DispatchForm,
    Action.ACKNOWLEDGE: AcknowledgeForm,
    Action.RETURN: ReturnForm,
    Action.PROGRESS: ProgressForm,
    Action.PROPOSE: ProposeForm,
    Action.CUSTOMER_ACCEPT: NoteForm,
    Action.CUSTOMER_REJECT: RejectForm,
    Action.RESOLVE: ResolveForm,
    Action.REPLY: ReplyForm,
    Action.FOLLOW_UP: FollowUpForm,
    Action.URGE: NoteForm,
    Action.ESCALATE: EscalateForm,
    Action.REOPEN: ReasonForm,
    Action.APPEAL: ReasonForm,
    Action.WITHDRAW: ReasonForm,
    Action.MARK_INVALID: MarkInvalidForm,
    Action.MERGE: MergeForm,
    Action.PAUSE: PauseForm,
    Action.RESUME: NoteForm,
    Action.REQUEST_EXTENSION: RequestExtensionForm,
    Action.APPROVE_EXTENSION: NoteForm,
    Action.REJECT_EXTENSION: RejectExtensionForm,
}
