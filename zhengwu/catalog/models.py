"""The catalog (目录): the State Council's basic catalog of 385 items plus county items.

Power and convenience items carry their implementation list (实施清单) fields. Items
are never deleted: a county retires them and they stay for the record.
"""

from django.db import models

from zhengwu.core.models import TimeStampedModel


class Category(models.TextChoices):
    DISCLOSURE = "disclosure", "政府信息公开事项"
    POWER = "power", "行政职权事项"
    CONVENIENCE = "convenience", "便民服务事项"


class WorkArea(models.Model):
    """A work area (工作领域) of power items, or a group of disclosure/convenience items."""

    code = models.CharField("代码", max_length=32, unique=True)
    category = models.CharField("类别", max_length=16, choices=Category.choices)
    name = models.CharField("名称", max_length=100)
    seq = models.PositiveSmallIntegerField("序号")
    department = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="work_areas", verbose_name="主管部门",
    )

    class Meta:
        ordering = ["category", "seq"]
        verbose_name = "工作领域"
        verbose_name_plural = "工作领域"
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="catalog_workarea_unique_name"),
        ]

    def __str__(self):
        return self.name


class Audience(models.TextChoices):
    PERSON = "person", "个人"
    LEGAL = "legal", "法人"
    BOTH = "both", "个人和法人"


class OnlineDepth(models.TextChoices):
    """How far an item can be handled online (网办深度), shallowest first."""

    DISCLOSURE = "disclosure", "信息公开"
    APPOINTMENT = "appointment", "在线预约"
    APPLY = "apply", "在线申请"
    FULL = "full", "全程网办"


class LifeEvent(models.Model):
    """A life event (个人: 出生、上学…) or business event (法人: 开办企业…) to browse items by."""

    code = models.CharField("代码", max_length=32, unique=True)
    audience = models.CharField("服务对象", max_length=16, choices=[c for c in Audience.choices if c[0] != "both"])
    name = models.CharField("名称", max_length=50)
    seq = models.PositiveSmallIntegerField("序号")
    icon = models.CharField("图标", max_length=50, blank=True, help_text="门户图标文件名(不含 .svg)")

    class Meta:
        ordering = ["audience", "seq"]
        verbose_name = "人生事件"
        verbose_name_plural = "人生事件"

    def __str__(self):
        return f"{self.get_audience_display()}·{self.name}"


class Item(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "在用"
        RETIRED = "retired", "已停用"

    class Source(models.TextChoices):
        BASIC = "basic", "国务院基本目录"
        LOCAL = "local", "本县新增"

    class HandlingType(models.TextChoices):
        INSTANT = "instant", "即办件"
        PROMISED = "promised", "承诺件"

    code = models.CharField("事项编号", max_length=32, unique=True)
    category = models.CharField("类别", max_length=16, choices=Category.choices, db_index=True)
    work_area = models.ForeignKey(WorkArea, on_delete=models.PROTECT, related_name="items", verbose_name="工作领域")
    seq = models.PositiveIntegerField("序号")
    name = models.CharField("事项名称", max_length=300)
    content = models.TextField("事项内容", blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.BASIC)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)
    retire_reason = models.CharField("停用原因", max_length=300, blank=True)

    department = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="items", verbose_name="实施部门",
    )
    # Standard code parts of the implementation list (国家政务服务事项编码规范).
    basic_code = models.CharField("基本编码", max_length=32, blank=True)
    implementation_code = models.CharField("实施编码", max_length=64, blank=True)
    business_code = models.CharField("业务办理项编码", max_length=64, blank=True)
    exercise_level = models.CharField("行使层级", max_length=32, blank=True)
    implementing_body = models.CharField("实施主体", max_length=100, blank=True)
    legal_basis = models.TextField("设定依据", blank=True)
    acceptance_conditions = models.TextField("受理条件", blank=True)
    statutory_limit_days = models.PositiveIntegerField("法定办结时限(工作日)", null=True, blank=True)
    promised_limit_days = models.PositiveIntegerField("承诺办结时限(工作日)", null=True, blank=True)
    handling_type = models.CharField("办件类型", max_length=16, choices=HandlingType.choices, blank=True)
    fees = models.TextField("收费标准", blank=True)
    fee_basis = models.TextField("收费依据", blank=True)
    place = models.CharField("办理地点", max_length=300, blank=True)
    hours = models.CharField("办理时间", max_length=200, blank=True)
    visits_required = models.PositiveSmallIntegerField("到办事现场次数", null=True, blank=True)
    online_application = models.BooleanField("可网上申请", default=False)
    consultation_phone = models.CharField("咨询电话", max_length=50, blank=True)
    supervision_phone = models.CharField("监督投诉电话", max_length=50, blank=True)
    online_depth = models.CharField("网办深度", max_length=16, choices=OnlineDepth.choices, blank=True)
    # Browsing (issue 16): first set by the catalog loader from the name (catalog/taxonomy.py),
    # then kept as administrators correct them.
    audience = models.CharField("服务对象", max_length=16, choices=Audience.choices, blank=True, db_index=True)
    life_events = models.ManyToManyField(LifeEvent, blank=True, related_name="items", verbose_name="人生事件")
    township_level = models.BooleanField(
        "乡镇(街道)可受理", default=False, help_text="可在乡镇(街道)便民服务中心(代办点)受理",
    )

    class Meta:
        ordering = ["category", "seq"]
        verbose_name = "事项"
        verbose_name_plural = "事项"
        indexes = [models.Index(fields=["category", "status", "seq"])]

    def __str__(self):
        return f"{self.seq}.{self.name}"

    @property
    def is_retired(self) -> bool:
        return self.status == self.Status.RETIRED

    @property
    def online_open(self) -> bool:
        """Whether 在线申请 is offered: enabled for it, with a published material list.

        Uses prefetched materials when the caller loaded them.
        """
        return (
            self.online_application
            and not self.is_retired
            and self.category in (Category.POWER, Category.CONVENIENCE)
            and len(self.materials.all()) > 0
        )

    @property
    def at_most_one_visit(self) -> bool:
        return self.visits_required is not None and self.visits_required <= 1


class ItemMaterial(models.Model):
    """One material an applicant submits (申请材料)."""

    class Form(models.TextChoices):
        PAPER = "paper", "纸质"
        ELECTRONIC = "electronic", "电子"
        BOTH = "both", "纸质或电子"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="materials", verbose_name="事项")
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("材料名称", max_length=200)
    form = models.CharField("材料形式", max_length=16, choices=Form.choices, default=Form.BOTH)
    originals = models.PositiveSmallIntegerField("原件份数", default=0)
    copies = models.PositiveSmallIntegerField("复印件份数", default=1)
    required = models.BooleanField("必需", default=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["item", "seq"]
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="catalog_material_unique_seq"),
        ]

    def __str__(self):
        return self.name


class ItemDepartmentChange(models.Model):
    """An item passing from one department to another on a day (机构沿革: a merge, split or
    abolition moved it), so pages about older cases name the department of their time."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="department_changes", verbose_name="事项")
    from_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="原实施部门",
    )
    to_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="新实施部门",
    )
    effective_on = models.DateField("生效日期")

    class Meta:
        ordering = ["item", "effective_on", "id"]
        verbose_name = "事项实施部门变更"
        verbose_name_plural = "事项实施部门变更"

    def __str__(self):
        return f"{self.item_id} {self.effective_on}"
