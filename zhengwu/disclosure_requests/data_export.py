"""The applicant's own disclosure requests in the download of their data (个人信息保护法 art. 45)."""

from __future__ import annotations

from zhengwu.core.registries.personal_data import CLOSED_MARKER

from .models import DisclosureRequest

RETENTION = "政府信息公开申请及答复属于政府信息公开工作档案,须按期保存,注销账户后仍予保留。"


def requests_export(user) -> list[dict]:
    rows = DisclosureRequest.objects.filter(applicant_id=user.pk).select_related("department").order_by("received_on", "pk")
    return [
        {
            "申请编号": r.receipt_no, "受理机关": r.department.name, "申请人姓名/名称": r.requester_name,
            "所需信息的描述": r.description, "用途": r.purpose, "状态": r.get_status_display(),
            "收到申请日期": r.received_on.isoformat() if r.received_on else None,
            "答复日期": r.replied_on.isoformat() if r.replied_on else None,
        }
        for r in rows
    ]


def requests_erase(user) -> int:
    """On closing the account: the requests stay (they are the office's records and the
    annual report counts them), but the name copied from the account and the contact
    phone go. Returns how many requests were changed."""
    return DisclosureRequest.objects.filter(applicant_id=user.pk).update(requester_name=CLOSED_MARKER, contact_phone="")
