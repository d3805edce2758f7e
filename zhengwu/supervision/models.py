"""Electronic supervision (电子监察): alerts on clocks, fault records, 督办 orders.

Alerts and overdue-step faults are written set-based by ``services.supervision_sweep``;
nothing here is computed per row in Python. Recipients of an alert are not copied per
person: the alert stores the department (``unit``), the step's post (``role``) and the
named handler when the step was transferred to one person, and ``selectors`` resolves
who sees it (handler, head, supervisors) when someone looks.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhengwu.core.encrypted_fields import PersonalDataTextField
from zhengwu.core.models import Accountable
from zhengwu.org.roles import Role


class Alert(Accountable):
    class Level(models.TextChoices):
        YELLOW = "yellow", "黄牌预警"
        RED = "red", "红牌超期"

    # No separate index: the (clock, level) unique constraint serves lookups by clock.
    clock = models.ForeignKey(
        "core.Clock", on_delete=models.CASCADE, related_name="+", verbose_name="时限", db_index=False,
        db_constraint=False,  # written only by the sweep, from the clock row it reads (see Accountable)
    )
    # Copied from the clock for display and filtering without a join.
    owner_type = models.CharField("所属类型", max_length=64)
    owner_id = models.CharField("所属编号", max_length=64)
    level = models.CharField("级别", max_length=8, choices=Level.choices)
    raised_on = models.DateField("预警日期")
    due_on = models.DateField("到期日")
    # Who must act (unit, role, handler from Accountable): copied from the clock by the
    # sweep's insert, as every owner named them when it started or handed over the clock;
    # empty where nobody is known, and supervisors still see those.
    created_at = models.DateTimeField("记录时间")

    class Meta:
        ordering = ["-id"]
        verbose_name = "监察预警"
        verbose_name_plural = "监察预警"
        constraints = [
            # Each level is raised once per clock; the sweep relies on it.
            models.UniqueConstraint(fields=["clock", "level"], name="supervision_alert_once_per_level"),
        ]
        # No index on unit or handler: they cost the sweep a third of its alert insert at a
        # million open steps, and nothing reads alerts by them through an index (the
        # recipient filter pages through alerts newest first; the department statistics
        # aggregate every alert in one pass, like the cases beside them).

    def __str__(self):
        return f"{self.get_level_display()} {self.owner_type}#{self.owner_id}"

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else ""


class Fault(models.Model):
    class Rule(models.TextChoices):
        OVERDUE_STEP = "overdue_step", "环节超期"
        RETURN_WITHOUT_REASON = "return_without_reason", "无正当理由退回"
        REPEATED_RETURNS = "repeated_returns", "反复退回"
        LATE_ACCEPTANCE = "late_acceptance", "超时受理"
        MISSING_MATERIALS = "missing_materials", "材料不全办结"

    # Faults are derived data written only by the sweep (``supervision_sweep --full``
    # derives them again), from rows it has just read in the same transaction: none of
    # their foreign keys is re-checked by the database (see docs/adr/0003).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name="办件", db_constraint=False,
    )
    rule = models.CharField("规则", max_length=32, choices=Rule.choices)
    step_key = models.CharField("环节", max_length=64, blank=True)
    post = models.CharField("岗位", max_length=32, blank=True)
    # SQLite's per-row parent lookups for these constraints were half the cost of the
    # sweep's fault insert, PostgreSQL's deferred checks one trigger query per row at
    # COMMIT; Django still applies on_delete (SET_NULL/CASCADE are done by the ORM).
    # Person is indexed only where set (below): most faults name a post, not a person.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="责任人", db_index=False, db_constraint=False,
    )
    # No index: nothing reads faults by department through one (units are not deleted).
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="责任部门",
        db_constraint=False, db_index=False,
    )
    # What the fault is about, so detection is idempotent: the step clock for an
    # overdue step, the case event for the other rules (the case for repeated returns).
    # Looked up through the unique constraints below, which start with them.
    clock = models.ForeignKey(
        "core.Clock", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )
    detected_at = models.DateTimeField("发现时间")
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "过错记录"
        verbose_name_plural = "过错记录"
        constraints = [
            # Clock (event) first: these also serve every lookup by clock (event), so the
            # sweep writes two index entries fewer per fault.
            models.UniqueConstraint(fields=["clock", "rule"], condition=Q(clock__isnull=False), name="supervision_fault_once_per_clock"),
            models.UniqueConstraint(fields=["event", "rule"], condition=Q(event__isnull=False), name="supervision_fault_once_per_event"),
            models.UniqueConstraint(
                fields=["rule", "case"], condition=Q(rule="repeated_returns"), name="supervision_fault_repeated_once",
            ),
        ]
        indexes = [
            models.Index(fields=["person"], condition=Q(person__isnull=False), name="supervision_fault_person"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} {self.case_id}"

    @property
    def post_label(self) -> str:
        return Role(self.post).label if self.post in Role.values else self.post


class SupervisionOrder(models.Model):
    """督办: a supervisor's written instruction on a case, answered by its department."""

    class Status(models.TextChoices):
        OPEN = "open", "待反馈"
        RESPONDED = "responded", "已反馈"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="督办人",
    )
    text = PersonalDataTextField("督办内容")
    issued_at = models.DateTimeField("督办时间")
    due_on = models.DateField("反馈期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    response = PersonalDataTextField("反馈内容", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="反馈人",
    )
    responded_at = models.DateTimeField("反馈时间", null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "督办"
        verbose_name_plural = "督办"
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"督办#{self.pk} {self.case_id}"


class SweepRun(models.Model):
    """Where the last sweep stopped, so the next one looks only at clocks that can have
    changed colour since: dates crossed in between, clocks created or resumed/extended
    after it (ids above the high-water marks)."""

    today = models.DateField("巡检日期")
    max_clock_id = models.BigIntegerField("时限编号上限")
    max_clock_event_id = models.BigIntegerField("时限事件编号上限")
    # Fault rules about case events judge each event once: the next sweep starts above it.
    max_case_event_id = models.BigIntegerField("办件事件编号上限", default=0)
    # Whether this run left the department figures complete (DepartmentMonth/DepartmentOpen):
    # the next sweep then adds only what is new, otherwise it rebuilds them.
    figures_complete = models.BooleanField("部门统计已更新", default=False)
    ran_at = models.DateTimeField("巡检时间")
    details = models.JSONField("结果", default=dict)

    class Meta:
        ordering = ["-id"]
        verbose_name = "巡检记录"
        verbose_name_plural = "巡检记录"


class DepartmentMonth(models.Model):
    """Per department and calendar month (Beijing): what the dashboard's statistics add up.

    Written only by the sweep (``statistics.department_figures_refresh``): the months of
    cases concluded and alerts raised since the last sweep are added in, ``--full``
    rebuilds everything. The dashboard sums the months of the period it shows, so it reads
    a few hundred rows, never the cases or alerts (ADR 0005).
    """

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="部门", db_constraint=False, db_index=False,
    )
    month = models.DateField("月份")  # the first day of the month
    concluded = models.PositiveIntegerField("办结件数", default=0)
    on_time = models.PositiveIntegerField("按时办结件数", default=0)
    # Working days from submission to conclusion, pauses excluded, summed over the
    # concluded cases whose days the calendar knows (the average divides by ``timed``).
    handling_days = models.BigIntegerField("办理工作日合计", default=0)
    timed = models.PositiveIntegerField("计入平均的件数", default=0)
    red_alerts = models.PositiveIntegerField("红牌", default=0)
    yellow_alerts = models.PositiveIntegerField("黄牌", default=0)

    class Meta:
        verbose_name = "部门月度监察统计"
        verbose_name_plural = "部门月度监察统计"
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="supervision_department_month_once")]
        indexes = [models.Index(fields=["month"], name="supervision_dept_month_month")]


class DepartmentOpen(models.Model):
    """Per department, as of the last sweep: open cases past their promised date."""

    unit = models.OneToOneField(
        "org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="部门", db_constraint=False,
    )
    overdue_open = models.PositiveIntegerField("超期未办结", default=0)
    as_of = models.DateField("统计日期")

    class Meta:
        verbose_name = "部门超期未办结统计"
        verbose_name_plural = "部门超期未办结统计"
