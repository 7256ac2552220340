"""Notification wording, one template per kind of message, in Chinese.

Placeholders are filled from the event (``{number}``, ``{unit}``, ``{due}``…); a missing value
renders as an empty string, so a template never fails on an event that lacks a detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


TEMPLATES: dict[str, Template] = {
    "acknowledged": Template(
        "【已受理】投诉 {number} 已由{unit}签收",
        "您好，投诉单 {number}（{summary}）已由{unit}签收，正在处理中。"
        "我们会在 {due} 前给您处理结果，如有进展将及时告知。",
    ),
    "dispatched": Template(
        "【新工单】投诉 {number} 派至{unit}",
        "{unit}：投诉单 {number} 已派给贵部门，请尽快签收处理。\n内容：{summary}\n签收时限：{due}",
    ),
    "urged": Template(
        "【催办】投诉 {number} 客户第 {urge_count} 次催办",
        "客户再次来电催促投诉单 {number}（{summary}），累计催办 {urge_count} 次。"
        "请优先处理并尽快向客户反馈进展。",
    ),
    "overdue": Template(
        "【已超时】投诉 {number} {clock}已超过时限",
        "投诉单 {number}（{summary}）的{clock}时限为 {due}，现已超时。"
        "请立即处理，并在系统中登记进展或申请延期。",
    ),
    "escalated": Template(
        "【升级督办】投诉 {number} 超时未办结，已升级至您",
        "投诉单 {number}（{summary}）的{clock}时限为 {due}，至今仍未完成，"
        "按升级规定（{step}）提请您督办。责任单位：{unit}。",
    ),
    "near_breach": Template(
        "【即将超时】投诉 {number} {clock}将于 {due} 到期",
        "投诉单 {number}（{summary}）的{clock}时限为 {due}，即将到期，请抓紧处理。",
    ),
    "progress_reminder": Template(
        "【进展提醒】请于 {cutoff} 前报告投诉 {number} 的处理进展",
        "{unit}：投诉单 {number}（{summary}）尚未办结，请于今日 {cutoff} 前在系统中登记处理进展。",
    ),
    "resolved": Template(
        "【已办结】投诉 {number} 已处理完毕，请告知客户",
        "投诉单 {number}（{summary}）已处理完毕，请在 {due} 前将处理结果告知客户。",
    ),
    "replied": Template(
        "【处理结果】您的投诉 {number} 已有处理结果",
        "您好，关于您的投诉（单号 {number}）：{message}\n"
        "如有疑问，请回复或致电我们。感谢您的理解与支持。",
    ),
    "follow_up_due": Template(
        "【回访提醒】投诉 {number} 需在 {due} 前回访",
        "投诉单 {number}（{summary}）已答复客户，请在 {due} 前完成回访并登记客户满意度。",
    ),
    "clock_paused": Template(
        "【暂停计时】投诉 {number} 等待客户，时限暂停",
        "投诉单 {number} 正在等待客户（{reason}），处理时限自 {at} 起暂停计算。",
    ),
    "clock_resumed": Template(
        "【恢复计时】投诉 {number} 恢复计时",
        "投诉单 {number} 已恢复计时，处理时限顺延，新的办结时限为 {due}。",
    ),
    "extension_requested": Template(
        "【延期申请】投诉 {number} 申请延期至 {until}",
        "{requester} 申请将投诉单 {number}（{summary}）的办结时限延至 {until}，理由：{reason}。"
        "请审批。",
    ),
    "extension_decided": Template(
        "【延期审批】投诉 {number} 的延期申请{decision}",
        "您对投诉单 {number} 提出的延期申请（至 {until}）{decision}。{reason}",
    ),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, values: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of template ``code`` filled with ``values``."""
    template = TEMPLATES[code]
    filled = _Blank(values)
    return template.subject.format_map(filled)[:200], template.body.format_map(filled)


# Names used inside messages.
CLOCK_NAMES: dict[str, str] = {
    "dispatch": "派单",
    "acknowledge": "签收",
    "first_progress": "首次进展",
    "handle": "处理",
    "progress": "进展报告",
    "answer": "答复方案",
    "resolve": "办结",
    "reply": "告知结果",
    "follow_up": "回访",
    "statutory_reply": "法定答复",
}
DECISIONS: dict[str, str] = {"approved": "已获批准", "rejected": "未获批准"}
LIST_SEPARATOR = "、"
