"""Chinese captions of the reports: platform codes the packs do not name (channels,
validity, statuses), indicator and dimension titles, and event kinds in a case's course.

Pack-defined codes (categories, severities, request types, responsibility classes) take their
names from the pack; these tables are only the platform's own vocabulary (SPEC §2).
"""

from __future__ import annotations

CHANNELS = {
    "phone": "电话",
    "walk_in": "现场来访",
    "letter": "信函",
    "fax": "传真",
    "email": "电子邮件",
    "web": "网站",
    "app": "手机应用",
    "wechat": "微信",
    "social": "社交媒体",
    "opinion_box": "意见箱",
    "media": "媒体",
    "regulator": "监管部门",
    "headquarters": "上级/总部",
    "internal_transfer": "内部转办",
}
VALIDITIES = {"valid": "有效", "assist": "协助处理", "invalid": "无效"}
REQUEST_TYPES = {
    "inquiry": "查询",
    "consultation": "咨询",
    "fault": "障碍申告",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
}
RESPONSIBILITY_CLASSES = {"class1": "一类", "class2": "二类", "class3": "三类"}
STATUSES = {
    "registered": "已受理",
    "dispatched": "已派单",
    "processing": "处理中",
    "resolved": "已处理",
    "replied": "已答复",
    "closed": "已办结",
    "invalid": "不予受理",
    "withdrawn": "已撤诉",
}
NONE = "（未填写）"
NO_UNIT = "（未派单）"

DIMENSIONS = {
    "category": "投诉类别",
    "unit": "处理部门",
    "intake_unit": "受理单位",
    "complained_unit": "被投诉单位",
    "severity": "投诉级别",
    "escalation_level": "升级级别",
    "channel": "受理渠道",
    "request_type": "诉求类型",
    "responsibility_class": "责任类别",
    "validity": "投诉性质",
    "pack": "行业",
}

INDICATORS = {
    "on_time_acknowledge": "签收及时率",
    "on_time_resolve": "处理及时率",
    "on_time_reply": "答复及时率",
    "on_time_statutory_reply": "法定时限答复率",
    "resolution_rate": "办结率",
    "satisfaction_rate": "满意率",
    "repeat_rate": "重复投诉率",
    "escalation_rate": "越级投诉率",
    "first_contact_resolution": "一次解决率",
    "avg_handling_hours": "平均处理时长(小时)",
    "p90_handling_hours": "90%处理时长(小时)",
    "valid_rate": "有效投诉率",
}

EVENT_KINDS = {
    "case.registered": "受理登记",
    "case.triaged": "分类定级",
    "case.converted_to_complaint": "咨询转投诉",
    "case.closed_at_window": "窗口直接办结",
    "case.dispatched": "派单",
    "work_order.issued": "下发处理单",
    "work_order.acknowledged": "部门签收",
    "work_order.returned": "退单",
    "work_order.done": "部门处理完毕",
    "case.processing": "开始处理",
    "case.progress": "进展报告",
    "case.proposed": "提出处理方案",
    "case.customer_accepted": "客户接受方案",
    "case.customer_rejected": "客户不接受方案",
    "case.resolved": "处理完成",
    "case.replied": "答复客户",
    "case.followed_up": "回访",
    "case.urged": "催办",
    "case.escalated": "升级上报",
    "case.upgraded": "级别调整",
    "case.severity_raised": "投诉升级",
    "case.escalation_level_raised": "升级级别提高",
    "case.clock_paused": "计时暂停",
    "case.clock_resumed": "计时恢复",
    "case.extension_requested": "申请延期",
    "case.extension_approved": "延期获批",
    "case.extension_rejected": "延期未获批",
    "case.near_breach": "临近超时提醒",
    "case.reopened": "重新处理",
    "case.appealed": "申请复核",
    "case.withdrawn": "客户撤诉",
    "case.marked_invalid": "不予受理",
    "case.merged": "合并为群体事件",
    "case.corrective_action": "制定纠正预防措施",
    "case.corrective_verified": "措施效果验证",
}


def event_label(kind: str) -> str:
    return EVENT_KINDS.get(kind, kind)
