"""Cases (办件): process definitions as data, the case row, and its append-only events.

A case keeps the ``ProcessDefinition`` version it was submitted under and its clocks
(CONVENTIONS rule 5): publishing a new version or editing the item's limits later does
not change running cases.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from zhengwu.core.encrypted_fields import PersonalDataJSONField, PersonalDataTextField
from zhengwu.core.models import TimeStampedModel
from zhengwu.org.roles import Role

from . import engine


class ProcessDefinition(models.Model):
    """One version of an item's flowchart: ``steps`` is the ordered list the engine reads.

    Each step: ``{"key", "name", "role", "limit_days", "warn_days", "outcomes", "stops_clock"}``.
    Rows are never edited: a change is a new version.
    """

    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="process_definitions", verbose_name="事项")
    version = models.PositiveIntegerField("版本")
    is_current = models.BooleanField("现行版本", default=True)
    steps = models.JSONField("环节")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="创建人",
    )

    class Meta:
        ordering = ["item", "-version"]
        verbose_name = "办理流程"
        verbose_name_plural = "办理流程"
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="cases_definition_unique_version"),
            models.UniqueConstraint(fields=["item"], condition=Q(is_current=True), name="cases_definition_one_current"),
        ]

    def __str__(self):
        return f"{self.item_id} v{self.version}"

    @cached_property
    def typed_steps(self) -> tuple[engine.Step, ...]:
        """``steps`` as the engine reads them (typed rows; the JSON stays the stored form)."""
        return engine.steps_from_json(self.steps)

    @property
    def total_limit_days(self) -> int:
        return sum(int(s["limit_days"]) for s in self.steps)


class ReceiptCounter(models.Model):
    """The last receipt sequence number issued on a day; incremented under a row lock."""

    day = models.DateField("日期", primary_key=True)
    last = models.PositiveIntegerField("已发号", default=0)

    class Meta:
        verbose_name = "受理编号计数"
        verbose_name_plural = "受理编号计数"


class Case(TimeStampedModel):
    class Channel(models.TextChoices):
        ONLINE = "online", "网上申请"
        WINDOW = "window", "窗口受理"
        AGENT = "agent", "代办"

    class Status(models.TextChoices):
        RUNNING = engine.RUNNING, engine.STATUS_LABELS[engine.RUNNING]
        CORRECTION = engine.CORRECTION, engine.STATUS_LABELS[engine.CORRECTION]
        SUSPENDED = engine.SUSPENDED, engine.STATUS_LABELS[engine.SUSPENDED]
        REFUSED = engine.REFUSED, engine.STATUS_LABELS[engine.REFUSED]
        CONCLUDED = engine.CONCLUDED, engine.STATUS_LABELS[engine.CONCLUDED]

    receipt_no = models.CharField("受理编号", max_length=20, unique=True)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="cases", verbose_name="事项")
    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="cases", verbose_name="办理流程版本")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", verbose_name="申请人")
    agent_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="agent_cases", verbose_name="代办点",
    )
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices)
    # Indexed by ``cases_case_status_waiting`` (status first), not on its own.
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RUNNING)
    step_index = models.PositiveSmallIntegerField("当前环节", default=0)
    flags = models.JSONField("流程标记", default=dict, blank=True)
    # Optimistic concurrency: every action is UPDATE ... WHERE version = expected.
    version = models.PositiveIntegerField("版本", default=1)
    clock = models.ForeignKey(
        "core.Clock", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办件时限",
    )
    step_clock = models.ForeignKey(
        "core.Clock", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="环节时限",
    )
    data = PersonalDataJSONField("申请表内容", default=dict, blank=True)
    # Who the case waits for, copied from the current step when it starts (submission, each
    # move, a transfer): the step's post, its unit (``step_unit_id``; empty for the service
    # hall's acceptance step) and, after a transfer (转办), the colleague. The staff inbox and
    # the workbench counters filter on these columns instead of reading the frozen flowchart's
    # JSON row by row (ADR 0013): with 10,000 open cases that read was most of their time.
    # Written only by ``services.case_submit``/``case_act``; the step clock names the same.
    waiting_role = models.CharField("待办岗位", max_length=32, blank=True, default="")
    waiting_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="待办单位",
        db_index=False,
    )
    waiting_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="转交经办人", db_index=False,
    )
    submitted_at = models.DateTimeField("提交时间")
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "办件"
        verbose_name_plural = "办件"
        indexes = [
            models.Index(fields=["item", "status"]),
            # The inbox and workbench filter: cases by status and the post they wait for,
            # covering (the step clock's key included), so counting 10,000 open cases reads
            # no wide case row (its JSON and encrypted data). It replaces the plain status
            # index: still one index entry rewritten per step move. Not partial: SQLite uses a
            # partial index only for literal conditions, and the ORM sends parameters.
            models.Index(
                fields=["status", "waiting_role", "waiting_unit", "waiting_handler", "step_clock"],
                name="cases_case_status_waiting",
            ),
        ]

    def __str__(self):
        return self.receipt_no

    @property
    def current_step(self) -> dict:
        return self.definition.steps[self.step_index]

    @property
    def state(self) -> engine.CaseState:
        return engine.CaseState(status=self.status, step_index=self.step_index, flags=dict(self.flags or {}))

    def step_department_id(self, steps, index: int) -> int | None:
        """The department that answers for step ``index``: the step's own (a joint review,
        联合审查, by another department), else the item's. Its clock names it."""
        return steps[index].get("department_id") or self.item.department_id

    def waiting_for(self, steps, index: int, flags: dict | None) -> dict:
        """The ``waiting_*`` columns for step ``index`` with ``flags`` (the case's, after a move)."""
        return {
            "waiting_role": steps[index].get("role", ""),
            "waiting_unit_id": self.step_unit_id(steps, index),
            "waiting_handler_id": (flags or {}).get("assignee_id"),
        }

    def step_unit_id(self, steps, index: int) -> int | None:
        """The unit whose post-holders act on step ``index`` (``org.responsibility`` decides
        who they are). None for the acceptance step: the service hall's window clerks take
        it for every department. Copied to ``waiting_unit`` when the step starts."""
        if steps[index].get("role") == Role.WINDOW_CLERK:
            return None
        return self.step_department_id(steps, index)


class CaseEvent(models.Model):
    """Append-only history of a case; ``seq`` equals the case version the event produced."""

    # No single-column indexes: (case, seq) is unique and serves every lookup by case,
    # and nothing looks events up by actor alone. Every index is a page written per step.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name="办件", db_index=False)
    seq = models.PositiveIntegerField("序号")
    action = models.CharField("动作", max_length=32)
    step_key = models.CharField("环节", max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人",
        db_index=False,
    )
    actor_role = models.CharField("岗位", max_length=32, blank=True)
    reason = PersonalDataTextField("理由", blank=True)
    payload = PersonalDataJSONField("内容", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["case", "seq"]
        verbose_name = "办件事件"
        verbose_name_plural = "办件事件"
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="cases_event_unique_seq")]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        return engine.ACTION_LABELS.get(self.action, self.action)
