import datetime

from django.conf import settings
from django.db import models

from zhengwu.core.models import TimeStampedModel

from .roles import Role


class Unit(TimeStampedModel):
    """A node of the organisation tree: county → departments → sections, and
    county → townships/streets → villages/communities; service points hang under
    a township."""

    class Kind(models.TextChoices):
        COUNTY = "county", "县(区)"
        DEPARTMENT = "department", "部门"
        SECTION = "section", "科室"
        TOWNSHIP = "township", "乡镇"
        STREET = "street", "街道"
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"
        SERVICE_POINT = "service_point", "代办点"

    code = models.CharField("机构代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", verbose_name="上级",
    )
    responsibilities = models.TextField("职责", blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=50, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    # Set when the unit was merged into, split into or abolished in favour of another
    # (机构沿革). Always the live unit at the end of the chain: each change re-points the
    # predecessors of what it retires, so ``org.responsibility`` follows one hop.
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT,
        related_name="predecessors", verbose_name="承继机构",
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "机构"
        verbose_name_plural = "机构"

    def __str__(self):
        return self.name


class Assignment(TimeStampedModel):
    """A person holding a post (role) in a unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
        related_name="assignments", verbose_name="人员",
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name="机构")
    role = models.CharField("岗位", max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = "岗位任职"
        verbose_name_plural = "岗位任职"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="org_assignment_unique"),
        ]

    def __str__(self):
        return f"{self.unit} {self.get_role_display()}"


class UnitName(models.Model):
    """The name a unit bore over a span of days, so older records show the name of their
    time (a 2018 case shows 国土资源局 while today's pages show 自然资源局).

    ``valid_from`` null: since the unit exists; ``valid_to`` null: still current; the
    span is ``valid_from <= day < valid_to``. Written only by ``org.services.history``.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="names", verbose_name="机构")
    name = models.CharField("名称", max_length=100)
    valid_from = models.DateField("启用日期", null=True, blank=True)
    valid_to = models.DateField("停用日期", null=True, blank=True)

    class Meta:
        ordering = ["unit", "valid_from"]
        verbose_name = "机构名称沿革"
        verbose_name_plural = "机构名称沿革"

    def __str__(self):
        return self.name


class UnitChange(TimeStampedModel):
    """One institutional change (机构沿革): a rename, a merge, a split or an abolition
    that takes effect on ``effective_on``, planned ahead or applied at once."""

    class Kind(models.TextChoices):
        RENAME = "rename", "更名"
        MERGE = "merge", "合并"
        SPLIT = "split", "分设"
        ABOLISH = "abolish", "撤销"

    class Status(models.TextChoices):
        PLANNED = "planned", "待生效"
        APPLIED = "applied", "已生效"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PLANNED, db_index=True)
    effective_on = models.DateField("生效日期")
    basis = models.CharField("依据", max_length=200, blank=True)
    # The units that end or change (merge: the merged ones; split/abolish/rename: the one).
    sources = models.ManyToManyField(Unit, related_name="changes_out", verbose_name="原机构")
    # The units that carry on (merge: the one; split: the new ones; abolish: the receiver).
    targets = models.ManyToManyField(Unit, related_name="changes_in", blank=True, verbose_name="承继机构")
    # Rename: the new name. Split: which successor takes each item ({item id: unit id}) and
    # which takes the rest (posts, open work): {"items": {...}, "residual": unit id}.
    new_name = models.CharField("新名称", max_length=100, blank=True)
    plan = models.JSONField("安排", default=dict, blank=True)
    applied_at = models.DateTimeField("执行时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="登记人",
    )

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name = "机构沿革"
        verbose_name_plural = "机构沿革"

    def __str__(self):
        return f"{self.effective_on} {self.get_kind_display()}"

    @property
    def day_before(self):
        """The last day of the old order (names of the ending units are read on it)."""
        return self.effective_on - datetime.timedelta(days=1)
