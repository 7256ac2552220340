"""What the portal calls things, in the customer's words (Chinese source, English catalogue).

``STEPS`` names the customer steps of ``tousu.cases.public_queries.STEPS``; ``STATUSES`` is
the customer's view of the case status (no internal words such as 派单).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATUSES = {
    "registered": _("已受理"),
    "dispatched": _("处理中"),
    "processing": _("处理中"),
    "resolved": _("已处理，待答复"),
    "replied": _("已答复"),
    "closed": _("已办结"),
    "invalid": _("未予受理"),
    "withdrawn": _("已撤销"),
}

STEPS = {
    "received": _("已收到您的诉求"),
    "handling": _("已转交负责部门"),
    "in_progress": _("负责部门已开始处理"),
    "progress": _("处理有了新进展"),
    "proposal": _("提出了处理方案，请您确认"),
    "proposal_accepted": _("您接受了处理方案"),
    "proposal_rejected": _("您没有接受处理方案，我们将重新研究"),
    "resolved": _("处理完成"),
    "replied": _("已向您答复处理结果"),
    "rated": _("您已评价"),
    "urged": _("已收到您的催办"),
    "appealed": _("已收到您的复核申请"),
    "reopened": _("重新处理"),
    "withdrawn": _("已撤销"),
    "not_accepted": _("未予受理"),
    "attachment": _("已收到附件"),
}

REQUEST_TYPES = {
    "complaint": _("投诉"),
    "report": _("举报"),
    "suggestion": _("建议"),
}

REQUEST_TYPE_HINTS = {
    "complaint": _("对服务或产品不满意，希望得到处理"),
    "report": _("反映违法违规行为或有害信息，可以匿名"),
    "suggestion": _("提出改进意见"),
}

# Customer-facing messages for refusals, by field; the service's own words are the fallback.
FIELD_MESSAGES = {
    "phone": _("请填写有效的手机号码或固定电话（含区号）。"),
    "anonymous": _("只有举报可以匿名提交。"),
    "request_type": _("请选择诉求类型。"),
    "category": _("请从列表中选择问题类别。"),
    "description": _("请描述您遇到的问题（不超过5000字）。"),
    "occurred_at": _("发生时间不能晚于现在。"),
    "attachments": _(
        "附件只能是 JPG、PNG、GIF、WebP 图片或 PDF 文件，每个不超过 10 MB，最多 20 个。"
    ),
    "reason": _("请写明理由。"),
    "satisfaction": _("请选择您的评价。"),
}


def label(table: dict, code: object) -> str:
    value = table.get(code)  # type: ignore[call-overload]
    return str(value) if value is not None else str(code or "")
