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
