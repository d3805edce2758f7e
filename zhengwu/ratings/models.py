"""好差评: the applicant's rating of a concluded case, and the rectification a bad one opens."""

from django.conf import settings
from django.db import models

from zhengwu.core.encrypted_fields import PersonalDataTextField
from zhengwu.core.models import TimeStampedModel


class Level(models.IntegerChoices):
    # The national 好差评 scale; 5 is best so averages read naturally.
    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASIC = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


# 不满意 and 非常不满意 are 差评: each opens a rectification.
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})


class Rating(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="rating", verbose_name="办件")
    # The item's department when the rating was given, so statistics group by it in SQL
    # and stay put if the item later moves to another department.
    department = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="部门",
    )
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    comment = PersonalDataTextField("评价内容", blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="评价人")
    created_at = models.DateTimeField("评价时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "评价"
        verbose_name_plural = "评价"
        indexes = [models.Index(fields=["department", "level"])]

    def __str__(self):
        return f"{self.case_id} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class Rectification(TimeStampedModel):
    """差评整改: call-back, finding, fix, feedback to the applicant, on its own clock."""

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        CLOSED = "closed", "已办结"

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification", verbose_name="评价")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    department = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="责任部门",
    )
    clock = models.ForeignKey("core.Clock", on_delete=models.PROTECT, related_name="+", verbose_name="整改时限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self):
        return f"整改 {self.case_id}"


class RectificationStage(models.Model):
    class Stage(models.TextChoices):
        CALLBACK = "callback", "回访"
        FINDING = "finding", "核实"
        FIX = "fix", "整改"
        FEEDBACK = "feedback", "反馈"

    rectification = models.ForeignKey(Rectification, on_delete=models.PROTECT, related_name="stages", verbose_name="整改")
    stage = models.CharField("阶段", max_length=16, choices=Stage.choices)
    note = PersonalDataTextField("情况说明")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["rectification", "recorded_at", "id"]
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        constraints = [
            models.UniqueConstraint(fields=["rectification", "stage"], name="ratings_stage_once"),
        ]

    def __str__(self):
        return f"{self.rectification_id} {self.get_stage_display()}"


STAGE_ORDER = [s.value for s in RectificationStage.Stage]
