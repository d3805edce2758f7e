"""The applicant's own cases in the download of their data (个人信息保护法 art. 45)."""

from __future__ import annotations

from django.utils import timezone

from .models import Case

RETENTION = "办件材料属于政务服务档案,依据《政务服务档案管理办法》等规定须按期保存,注销账户后仍予保留,不再与您的账户资料关联显示。"


def _at(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def cases_export(user) -> list[dict]:
    rows = Case.objects.filter(applicant_id=user.pk).select_related("item").order_by("submitted_at", "pk")
    return [
        {
            "受理编号": c.receipt_no, "事项": c.item.name, "事项编码": c.item.code,
            "申请渠道": c.get_channel_display(), "状态": c.get_status_display(),
            "提交时间": _at(c.submitted_at), "办结时间": _at(c.concluded_at), "申请表内容": c.data or {},
        }
        for c in rows
    ]
