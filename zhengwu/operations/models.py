"""The operations desk (运维服务, seed article 8 五): fault tickets graded A/B/C with response
and repair limits in service hours, escalation, an on-call list, and the task consumer's
heartbeat that health checks read."""

from django.conf import settings
from django.db import models


class FaultTicket(models.Model):
    class Grade(models.TextChoices):
        A = "A", "A 级(特大故障:系统无法运行)"
        B = "B", "B 级(重大故障:部分功能受限)"
        C = "C", "C 级(一般故障:轻微影响)"

    class State(models.TextChoices):
        OPEN = "open", "待响应"
        RESPONDED = "responded", "处理中"
        RESOLVED = "resolved", "已修复"
        CLOSED = "closed", "已关闭"

    class Source(models.TextChoices):
        HOTLINE = "hotline", "热线/人工登记"
        HEALTH = "health", "健康检查自动开单"

    number = models.CharField("工单号", max_length=20, unique=True)
    grade = models.CharField("等级", max_length=1, choices=Grade.choices)
    title = models.CharField("标题", max_length=120)
    description = models.TextField("现象描述", max_length=4000, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.HOTLINE)
    # Health checks open at most one live ticket per check (e.g. "disk_space").
    check_key = models.CharField("检查项", max_length=40, blank=True, default="")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.OPEN)
    reported_at = models.DateTimeField("报告时间")
    response_due_at = models.DateTimeField("响应时限")
    repair_due_at = models.DateTimeField("修复时限")
    responded_at = models.DateTimeField("响应时间", null=True, blank=True)
    resolved_at = models.DateTimeField("修复时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField("升级次数", default=0)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="处理人"
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = "故障工单"
        verbose_name_plural = "故障工单"
        indexes = [models.Index(fields=["state", "reported_at"], name="ops_ticket_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["check_key"], condition=models.Q(state__in=["open", "responded"]) & ~models.Q(check_key=""),
                name="ops_one_live_ticket_per_check",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.grade} {self.title}"


class TicketEvent(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", "登记"
        RESPOND = "respond", "响应"
        RESOLVE = "resolve", "修复"
        CLOSE = "close", "关闭"
        REOPEN = "reopen", "重新打开"
        ESCALATE = "escalate", "超时升级"
        NOTE = "note", "记录"

    ticket = models.ForeignKey(FaultTicket, on_delete=models.CASCADE, related_name="events", verbose_name="工单")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    at = models.DateTimeField("时间")
    note = models.CharField("说明", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )

    class Meta:
        ordering = ["ticket", "id"]
        verbose_name = "工单记录"
        verbose_name_plural = "工单记录"


class OnCallShift(models.Model):
    """Who answers the hotline and gets escalations on which days (值班表)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="值班人"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"


class Heartbeat(models.Model):
    """The last time a background process said it is alive (the task consumer every minute)."""

    name = models.CharField("进程", max_length=40, primary_key=True)
    seen_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = "心跳"
        verbose_name_plural = "心跳"
