"""The one clock: a time limit in working days, owned by a case step, a disclosure request,
a letter hop or a rectification.

Core does not know its owners: ``owner_type``/``owner_id`` hold the typed owner
reference the owning app declared (``zhengwu.core.owners``; "cases.step", "42/1"). The dates are stored and only ever changed by
``zhengwu.core.clock`` services, each change leaving a ``ClockEvent`` (CONVENTIONS rule 7).
"""

from django.conf import settings
from django.db import models

from zhengwu.core.encrypted_fields import PersonalDataCharField

from .base import Accountable


class Clock(Accountable):
    """A time limit. ``unit``/``role``/``handler`` (from ``Accountable``) say who answers
    for it, as its owner named them when starting it (and when a step is transferred to
    one person); supervision alerts copy them, so the sweep reads no case, flowchart or
    JSON. Empty where the owner names nobody."""

    class State(models.TextChoices):
        RUNNING = "running", "计时中"
        SUSPENDED = "suspended", "暂停计时"
        STOPPED = "stopped", "已停止"

    owner_type = models.CharField("所属类型", max_length=64)
    owner_id = models.CharField("所属编号", max_length=64)
    limit_days = models.PositiveIntegerField("时限(工作日)")
    warn_days = models.PositiveIntegerField("预警阈值(工作日)")
    started_on = models.DateField("起算日")
    due_on = models.DateField("到期日")
    # The first working day on which at most warn_days working days remain (yellow card).
    warn_on = models.DateField("预警日")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.RUNNING)
    suspended_on = models.DateField("暂停日", null=True, blank=True)
    stopped_on = models.DateField("停止日", null=True, blank=True)
    suspended_days = models.PositiveIntegerField("累计暂停(工作日)", default=0)
    extended_days = models.PositiveIntegerField("累计延长(工作日)", default=0)
    # False once any computation of this clock touched a year with no official holiday
    # arrangement: its dates then come from the statutory holiday rules (a provisional
    # year) or, beyond those, Monday to Friday, and the UI says they are an estimate.
    calendar_complete = models.BooleanField("日历完整", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "时限"
        verbose_name_plural = "时限"
        indexes = [
            models.Index(fields=["owner_type", "owner_id"]),
            # The supervision sweep: running clocks by their warning and due dates. Partial,
            # so a stopped clock leaves them (a case step writes one entry fewer per index
            # than moving it to a "stopped" section) and they stay the size of the open
            # work. The warning-date one carries every column an alert copies, so raising a
            # million alerts reads no clock row. Queries must say ``state = 'running'`` as
            # a literal for SQLite to use them (the sweep's SQL does), and must lead with
            # the state: SQLite counts an index as covering only if it holds every column
            # the query names, the partial condition's included.
            models.Index(
                fields=["state", "warn_on", "due_on", "owner_type", "owner_id", "unit", "role", "handler"],
                condition=models.Q(state="running"), name="core_clock_running_warn",
            ),
            models.Index(fields=["state", "due_on"], condition=models.Q(state="running"), name="core_clock_running_due"),
        ]

    def __str__(self):
        return f"{self.owner_type}#{self.owner_id} 至 {self.due_on}"


class ClockEvent(models.Model):
    """Append-only history of a clock: why each date is what it is."""

    class Kind(models.TextChoices):
        START = "start", "开始计时"
        SUSPEND = "suspend", "暂停计时"
        RESUME = "resume", "恢复计时"
        EXTEND = "extend", "延长时限"
        STOP = "stop", "停止计时"
        # The calendar changed under a running clock (an official holiday arrangement
        # replaced a provisional year): the dates were replayed, nothing else changed.
        CALENDAR = "calendar", "日历调整"

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events", verbose_name="时限")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    on_date = models.DateField("日期")
    days = models.IntegerField("工作日数", default=0)
    due_on = models.DateField("变更后到期日")
    reason = PersonalDataCharField("原因", max_length=300, blank=True)
    # Not indexed: nothing looks clock events up by actor, and every index is one more
    # page written on every case step.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="操作人", db_index=False,
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["clock", "id"]
        verbose_name = "时限事件"
        verbose_name_plural = "时限事件"

    def __str__(self):
        return f"{self.get_kind_display()} {self.on_date}"
