"""The services' typed refusals (``tousu.rules.errors``) as form errors beside the field.

A ``FieldError`` names a field by its API path (``customer.phone``, ``units[0]``,
``solutions[1].amount``, ``script.answers.other_network``); ``field_name`` turns that into the
console form's field. Messages are shown in the console's language: the services' known
English messages have a Chinese text here, anything else is shown as the service said it.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tousu.rules.errors import Conflict, FieldError, Forbidden, IllegalAction, NotFound, RuleError
from tousu.web.console import labels

# (pattern in the service's message, the console's words)
KNOWN_MESSAGES = (
    (r"a way to reach the customer",
     gettext_lazy("请至少填写一种联系方式：电话、电子邮件或地址。")),
    (r"already holds a live work order", gettext_lazy("该部门在此单上已有在办的处理单。")),
    (r"several units hold work orders|name the unit",
     gettext_lazy("多个部门持有处理单，请选择部门。")),
    (r"has no live work order", gettext_lazy("该部门在此单上没有在办的处理单。")),
    (r"only on the work orders of their own unit", gettext_lazy("处理人只能办理本部门的处理单。")),
    (r"answer true or false|is not a choice", gettext_lazy("请选择一个答案。")),
    (r"must say why the customer is dissatisfied",
     gettext_lazy("关联已办结的投诉单时，请填写客户不满意的原因。")),
    (r"occurred_at is after received_at", gettext_lazy("发生时间不能晚于受理时间。")),
    (r"cannot be merged into itself", gettext_lazy("不能合并到本单。")),
    (r"no case numbered", gettext_lazy("没有这个编号的投诉单。")),
    (r"different packs cannot be merged", gettext_lazy("不同行业的投诉单不能合并。")),
    (r"use the mark-invalid action", gettext_lazy("不予受理请使用“不予受理”操作。")),
    (r"unknown invalid reason", gettext_lazy("请选择无效原因。")),
    (r"name at least one unit", gettext_lazy("请至少选择一个部门。")),
    (r"amount must be", gettext_lazy("金额须为不小于零的数字（元）。")),
    (r"at least one solution", gettext_lazy("请至少填写一项方案。")),
    (r"description is required, at most", gettext_lazy("请填写方案说明（最多 2000 字）。")),
    (r"is not used by pack|unknown request type", gettext_lazy("该行业不使用此诉求类型。")),
    (r"unknown (category|severity|unit|channel|validity|responsibility)",
     gettext_lazy("所选项不存在或已停用。")),
    (r"is for category", gettext_lazy("此脚本不属于所选类别。")),
    # attachments (tousu.rules.attachments, tousu.cases.attachments)
    (r"attachment: the file .* is empty", gettext_lazy("文件是空的。")),
    (r"attachment: the file .* bytes; the limit", gettext_lazy("文件过大：单个附件不超过 10 MB。")),
    (r"is not an accepted type",
     gettext_lazy("只能上传 JPG、PNG、GIF、WebP 图片或 PDF 文件（按文件内容判断）。")),
    (r"the name and the content must agree", gettext_lazy("文件扩展名与文件内容不符。")),
    (r"files, the limit", gettext_lazy("此投诉单的附件已达上限（20 个）。")),
    (r"is required", gettext_lazy("此项必填。")),
)
_LONGER = re.compile(r"longer than (\d+) characters")


def field_name(path: str) -> str:
    """``customer.phone`` → ``customer_phone``; ``units[0]`` → ``units``;
    ``solutions[1].kind`` → ``kind_2``; ``script.answers.q1`` → ``answer_q1``."""
    if m := re.fullmatch(r"solutions\[(\d+)\]\.(\w+)", path):
        return f"{m.group(2)}_{int(m.group(1)) + 1}"
    if path.startswith("script.answers."):
        return "answer_" + path.removeprefix("script.answers.")
    if path.startswith("facts."):
        return "fact_" + path.removeprefix("facts.")
    path = re.sub(r"\[\d+\]$", "", path)
    return path.replace(".", "_")


def message_for(error: FieldError) -> str:
    if m := _LONGER.search(error.message):
        return _("内容过长，最多 %(n)s 字。") % {"n": m.group(1)}
    for pattern, text in KNOWN_MESSAGES:
        if re.search(pattern, error.message):
            return str(text)
    return error.message


def _why(error: IllegalAction) -> str:
    reason = error.why.split("refused: ", 1)[-1]
    if reason.startswith("not possible while"):
        return ""
    return "；".join(labels.label(labels.REFUSALS, part) for part in reason.split("; "))


def illegal_text(error: IllegalAction) -> str:
    text = _("现在不能“%(action)s”（当前状态：%(status)s）") % {
        "action": labels.label(labels.ACTIONS, error.action),
        "status": labels.label(labels.STATUSES, error.status),
    }
    if why := _why(error):
        text += "：" + why
    text += "。"
    if error.allowed:
        names = "、".join(labels.label(labels.ACTIONS, a) for a in error.allowed)
        text += _("现在可以：%(actions)s。") % {"actions": names}
    return text


STALE = gettext_lazy(
    "该投诉单在您填写期间已被他人更新。您填写的内容已保留，页面已显示最新情况，请核对后再提交。"
)


def general_text(error: RuleError) -> str:
    """The form-wide message for a refusal that names no field."""
    if isinstance(error, Conflict):
        return str(STALE)
    if isinstance(error, IllegalAction):
        return illegal_text(error)
    if isinstance(error, Forbidden):
        return _("您的角色不能执行此操作。")
    if isinstance(error, NotFound):
        return _("没有找到该投诉单，或您无权查看。")
    return message_for(FieldError("", error.code, error.message))


def add_rule_error(form: forms.Form, error: RuleError) -> None:
    """Put each field error beside its field (or on top of the form when the form has no
    such field); a refusal without fields goes on top."""
    if not error.errors or isinstance(error, Conflict | IllegalAction | Forbidden):
        form.add_error(None, general_text(error))
        return
    for item in error.errors:
        name = field_name(item.field)
        form.add_error(name if name in form.fields else None, message_for(item))
