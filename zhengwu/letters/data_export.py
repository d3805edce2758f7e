"""The writer's own letters in the download of their data (个人信息保护法 art. 45)."""

from __future__ import annotations

from django.utils import timezone

from .models import Letter

RETENTION = "署名来信及其办理记录属于信访档案,依据《信访工作条例》须按期保存,注销账户后仍予保留。"


def _at(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def letters_export(user) -> list[dict]:
    rows = Letter.objects.filter(writer_id=user.pk).order_by("received_at", "pk")
    return [
        {
            "查询码": x.query_code, "渠道": x.get_channel_display(), "类别": x.get_category_display(),
            "标题": x.title, "内容": x.body, "状态": x.get_status_display(), "来信时间": _at(x.received_at),
            "答复时间": _at(x.replied_at), "满意度": x.get_satisfaction_display() if x.satisfaction else "",
            "同意公开": x.publish_consent,
        }
        for x in rows
    ]
