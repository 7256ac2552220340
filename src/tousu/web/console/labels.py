"""What the console calls the platform's codes: one table per vocabulary.

Chinese is the source language: every label is a ``gettext_lazy`` message whose id is the
Chinese text, and ``locale/en`` holds the English catalogue. Codes a pack names itself
(categories, severities, request types, responsibility classes) take the pack's name instead.
The event table is the one place that turns an event kind into words for the timeline.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATUSES = {
    "registered": _("已受理"),
    "dispatched": _("已派单"),
    "processing": _("处理中"),
    "resolved": _("已处理"),
    "replied": _("已答复"),
    "closed": _("已办结"),
    "invalid": _("不予受理"),
    "withdrawn": _("已撤诉"),
}

CHANNELS = {
    "phone": _("电话"),
    "walk_in": _("现场来访"),
    "letter": _("信函"),
    "fax": _("传真"),
    "email": _("电子邮件"),
    "web": _("网站"),
    "app": _("手机应用"),
    "wechat": _("微信"),
    "social": _("社交媒体"),
    "opinion_box": _("意见箱"),
    "media": _("媒体"),
    "regulator": _("监管部门"),
    "headquarters": _("上级/总部"),
    "internal_transfer": _("内部转办"),
}

REQUEST_TYPES = {
    "inquiry": _("查询"),
    "consultation": _("咨询"),
    "fault": _("障碍申告"),
    "complaint": _("投诉"),
    "report": _("举报"),
    "suggestion": _("建议"),
}

VALIDITIES = {"valid": _("有效"), "assist": _("协助处理"), "invalid": _("无效")}

RESPONSIBILITY_CLASSES = {"class1": _("一类"), "class2": _("二类"), "class3": _("三类")}

SATISFACTIONS = {
    "satisfied": _("满意"),
    "basically_satisfied": _("基本满意"),
    "dissatisfied": _("不满意"),
}

SOLUTION_KINDS = {
    "explanation": _("解释说明"),
    "repair": _("返修"),
    "replacement": _("补货/换货"),
    "refund": _("退费/退货"),
    "compensation": _("赔款"),
    "apology": _("赔礼道歉"),
    "other": _("其他"),
}

WORK_ORDER_STATES = {
    "issued": _("待签收"),
    "acknowledged": _("处理中"),
    "done": _("已完成"),
    "returned": _("已退单"),
    "cancelled": _("已取消"),
}

PROPOSAL_STATES = {
    "pending": _("待客户确认"),
    "accepted": _("客户已接受"),
    "rejected": _("客户未接受"),
    "not_required": _("无需确认"),
}

ROLES = {
    "admin": _("系统管理员"),
    "agent": _("受理坐席"),
    "dispatcher": _("派单员"),
    "handler": _("处理人"),
    "supervisor": _("客服主管"),
    "manager": _("部门经理"),
    "quality": _("质量管理"),
    "auditor": _("审计"),
    "crisis": _("危机处理小组"),
}

UNIT_KINDS = {
    "centre": _("客服中心"),
    "department": _("处理部门"),
    "branch": _("分支机构"),
    "partner": _("外部合作方"),
}

# Lifecycle actions as the buttons name them.
ACTIONS = {
    "triage": _("分类定级"),
    "close-at-window": _("窗口直接办结"),
    "dispatch": _("派单"),
    "acknowledge": _("签收"),
    "return": _("退单"),
    "progress": _("报告进展"),
    "propose": _("提出方案"),
    "customer-accept": _("客户接受方案"),
    "customer-reject": _("客户不接受方案"),
    "resolve": _("处理完毕"),
    "reply": _("答复客户"),
    "follow-up": _("回访"),
    "urge": _("催办"),
    "escalate": _("升级上报"),
    "reopen": _("重新处理"),
    "appeal": _("申请复核"),
    "withdraw": _("撤诉"),
    "mark-invalid": _("不予受理"),
    "merge": _("合并为群体事件"),
    "pause": _("暂停计时"),
    "resume": _("恢复计时"),
    "request-extension": _("申请延期"),
    "approve-extension": _("批准延期"),
    "reject-extension": _("驳回延期"),
}

SCRIPT_OUTCOMES = {
    "close_at_window": _("窗口直接办结"),
    "dispatch": _("派单处理"),
    "transfer": _("转办"),
    "consult": _("解答咨询"),
}

# Event kinds (dotted codes of the history) as the timeline reads them.
EVENTS = {
    "case.registered": _("受理登记"),
    "case.triaged": _("分类定级"),
    "case.converted_to_complaint": _("咨询转为投诉"),
    "case.closed_at_window": _("窗口直接办结"),
    "case.dispatched": _("派单"),
    "work_order.issued": _("下发处理单"),
    "work_order.acknowledged": _("处理部门签收"),
    "work_order.returned": _("处理部门退单"),
    "work_order.done": _("处理部门处理完毕"),
    "work_order.near_breach": _("处理单临近超时"),
    "work_order.progress_reminder": _("提醒报告进展"),
    "case.processing": _("开始处理"),
    "case.progress": _("报告进展"),
    "case.proposed": _("提出处理方案"),
    "case.customer_accepted": _("客户接受方案"),
    "case.customer_rejected": _("客户不接受方案"),
    "case.resolved": _("处理完成"),
    "case.replied": _("答复客户"),
    "case.followed_up": _("回访"),
    "case.urged": _("催办"),
    "case.escalated": _("升级上报"),
    "case.upgraded": _("级别调整"),
    "case.severity_raised": _("投诉级别提高"),
    "case.escalation_level_raised": _("升级级别提高"),
    "case.overdue": _("已超时"),
    "case.near_breach": _("临近超时"),
    "case.clock_paused": _("计时暂停（等待客户）"),
    "case.clock_resumed": _("计时恢复"),
    "case.deadlines_recomputed": _("按新办公时间重算时限"),
    "case.extension_requested": _("申请延期"),
    "case.extension_approved": _("延期获批"),
    "case.extension_rejected": _("延期未获批"),
    "case.incident_joined": _("并入群体事件"),
    "case.reopened": _("重新处理"),
    "case.appealed": _("申请复核"),
    "case.withdrawn": _("客户撤诉"),
    "case.marked_invalid": _("不予受理"),
    "case.merged": _("合并为群体事件"),
    "case.corrective": _("纠正措施"),
    "case.prevention": _("预防措施"),
    "case.personal_data_viewed": _("查看客户个人信息"),
    "case.attachment_added": _("收到附件"),
}

# Where a case's file came from (tousu.cases.models.ATTACHMENT_SOURCES).
ATTACHMENT_SOURCES = {
    "portal": _("客户网上提交"),
    "email": _("电子邮件"),
    "staff": _("工作人员上传"),
    "import": _("转办导入"),
    "api": _("接口"),
}

# Why the lifecycle refuses a move (the guards' explanations in tousu.rules.lifecycle).
REFUSALS = {
    "no work order awaits acknowledgement": _("没有待签收的处理单"),
    "the case has no live work order": _("该投诉单没有在办的处理单"),
    "other work orders are still live": _("其他处理单仍在办理中"),
    "this is the last live work order": _("这是最后一张在办的处理单"),
    "work orders of other units are not done yet": _("其他部门的处理单尚未完成"),
    "no other work order is open": _("没有其他在办的处理单"),
    "a proposal awaits the customer's answer": _("处理方案正等待客户答复"),
    "no proposal awaits the customer's answer": _("没有等待客户答复的方案"),
    "this request type closes on reply": _("此诉求类型答复后即办结，无需回访"),
    "this request type needs a follow-up": _("此诉求类型需要回访"),
    "the customer is not satisfied": _("客户不满意"),
    "the customer is satisfied": _("客户满意"),
    "the appeal window has passed": _("已超过复核申请期限"),
    "the case was never dispatched": _("该投诉单从未派单"),
    "the case has work orders": _("该投诉单已有处理单"),
    "work orders are still live": _("仍有在办的处理单"),
}

# The clocks of a case (the sweep's events name the one that broke).
CLOCKS = {
    "dispatch": _("派单"),
    "acknowledge": _("签收"),
    "handle": _("处理"),
    "resolve": _("处理"),
    "reply": _("答复"),
    "follow_up": _("回访"),
    "statutory_reply": _("法定答复"),
    "progress": _("进展报告"),
}

YES_NO = {True: _("是"), False: _("否")}


def label(table: dict, code: object) -> str:
    """The label of ``code`` in ``table``, else the code itself (a code added later)."""
    value = table.get(code)  # type: ignore[call-overload]
    return str(value) if value is not None else str(code or "")
