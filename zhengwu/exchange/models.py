"""数据共享交换平台: the resource catalog (政务信息资源目录), grants, keys and the usage log.

The records themselves are not here: they live in typed tables of the datastore
(``zhengwu.exchange.datastore``), one per table-type resource, apart from these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhengwu.core.models.base import TimeStampedModel


class ShareType(models.TextChoices):
    UNCONDITIONAL = "unconditional", "无条件共享"
    CONDITIONAL = "conditional", "有条件共享"
    NONE = "none", "不予共享"


class ShareMethod(models.TextChoices):
    API = "api", "接口"
    FILE = "file", "文件"
    TABLE = "table", "库表"


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", "实时"
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    YEARLY = "yearly", "每年"
    IRREGULAR = "irregular", "不定期"


# Working days a department has to load fresh data, per update cycle; a freshness clock
# with this limit starts at every load (irregular resources never fall due).
CYCLE_WORKING_DAYS = {
    UpdateCycle.REALTIME: 1, UpdateCycle.DAILY: 1, UpdateCycle.WEEKLY: 5, UpdateCycle.MONTHLY: 22,
    UpdateCycle.QUARTERLY: 65, UpdateCycle.YEARLY: 250,
}


class ResourceFormat(models.TextChoices):
    TABLE = "table", "数据库表"
    FILE = "file", "电子文件"


class FieldType(models.TextChoices):
    TEXT = "text", "字符型"
    INTEGER = "integer", "整数型"
    NUMBER = "number", "数值型"
    DATE = "date", "日期型"
    DATETIME = "datetime", "日期时间型"
    BOOLEAN = "boolean", "布尔型"


class PersonalKind(models.TextChoices):
    NONE = "", "非个人信息"
    ID_NUMBER = "id_number", "身份证号"
    PHONE = "phone", "电话号码"
    ADDRESS = "address", "地址"
    NAME = "name", "姓名"
    OTHER = "other", "其他个人信息"


class ExchangeConfig(models.Model):
    """The one settings row of the exchange: who the data office is, whether the rule applies."""

    data_office = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="数据主管部门(电子政务办)")
    provide_first = models.BooleanField("先提供后共享", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "共享交换设置"


class Resource(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        PUBLISHED = "published", "已发布"
        RETURNED = "returned", "已退回"

    # GB/T 21063.4: 类 (1 digit) · 项 (2) · 目 (3) · 细目 (3), then a sequence number.
    class_code = models.CharField("类", max_length=1)
    item_code = models.CharField("项", max_length=2)
    catalog_code = models.CharField("目", max_length=3)
    detail_code = models.CharField("细目", max_length=3)
    seq = models.PositiveIntegerField("顺序号")
    name = models.CharField("资源名称", max_length=200)
    slug = models.CharField("标识", max_length=100, unique=True)
    provider = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="提供部门")
    abstract = models.TextField("摘要", blank=True, default="")
    format = models.CharField("资源格式", max_length=10, choices=ResourceFormat.choices, default=ResourceFormat.TABLE)
    share_type = models.CharField("共享类型", max_length=16, choices=ShareType.choices)
    share_conditions = models.TextField("共享条件", blank=True, default="")
    no_share_basis = models.TextField("不予共享依据", blank=True, default="")
    share_method = models.CharField("共享方式", max_length=10, choices=ShareMethod.choices, default=ShareMethod.API)
    is_open = models.BooleanField("向社会开放", default=False)
    update_cycle = models.CharField("更新周期", max_length=12, choices=UpdateCycle.choices)
    published_on = models.DateField("发布日期", null=True, blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name="关联资源")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField("审核意见", blank=True, default="")
    version = models.PositiveIntegerField("版本", default=1)
    table_name = models.CharField("数据表", max_length=40, blank=True, default="")
    key_field = models.CharField("主键信息项", max_length=63, blank=True, default="")
    record_count = models.BigIntegerField("记录数", default=0)
    # Rows per value of each code-list field, counted after every file or pull load, so a
    # filtered total on such a field is a lookup, not a count over millions of index
    # entries; empty when an API upsert has changed rows since (then counted per request).
    value_counts = models.JSONField(default=dict, blank=True)
    last_loaded_at = models.DateTimeField("最近更新数据", null=True, blank=True)
    freshness_clock = models.ForeignKey("core.Clock", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name="更新时限")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "信息资源"
        constraints = [models.UniqueConstraint(fields=["class_code", "item_code", "catalog_code", "detail_code", "seq"],
                                               name="exchange_resource_code_unique")]
        indexes = [models.Index(fields=["provider", "status"]), models.Index(fields=["status", "share_type"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def code(self) -> str:
        return f"{self.class_code}{self.item_code}{self.catalog_code}{self.detail_code}/{self.seq:06d}"

    @property
    def is_table(self) -> bool:
        return self.format == ResourceFormat.TABLE


class ResourceField(models.Model):
    """One indicator field (信息项) of one version of a resource."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="fields")
    version = models.PositiveIntegerField("版本")
    position = models.PositiveIntegerField()
    name = models.CharField("字段名", max_length=63)
    title = models.CharField("信息项名称", max_length=100)
    type = models.CharField("数据类型", max_length=10, choices=FieldType.choices)
    length = models.PositiveIntegerField("长度", null=True, blank=True)
    description = models.CharField("说明", max_length=300, blank=True, default="")
    personal = models.CharField("个人信息", max_length=12, choices=PersonalKind.choices, blank=True, default="")
    required = models.BooleanField("必填", default=False)
    is_key = models.BooleanField("主键", default=False)
    choices = models.JSONField("代码表", default=list, blank=True)
    min_value = models.FloatField("最小值", null=True, blank=True)
    max_value = models.FloatField("最大值", null=True, blank=True)
    indexed = models.BooleanField("可筛选(索引)", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "信息项"
        ordering = ["resource_id", "version", "position"]
        constraints = [models.UniqueConstraint(fields=["resource", "version", "name"], name="exchange_field_unique")]


class LoadRun(models.Model):
    class Kind(models.TextChoices):
        UPLOAD = "upload", "文件上传"
        API = "api", "接口写入"
        PULL = "pull", "前置机抽取"

    class Outcome(models.TextChoices):
        LOADED = "loaded", "已入库"
        PARTIAL = "partial", "仅入库正确行"
        REJECTED = "rejected", "有错误,未入库"
        FAILED = "failed", "失败"

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="loads")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    file_name = models.CharField(max_length=200, blank=True, default="")
    encoding = models.CharField(max_length=20, blank=True, default="")
    rows_read = models.BigIntegerField(default=0)
    rows_loaded = models.BigIntegerField(default=0)
    rows_bad = models.BigIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=300, blank=True, default="")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "数据更新记录"
        ordering = ["-pk"]


class FrontEndSource(TimeStampedModel):
    """A department's front-end processor (前置机) table a resource is pulled from."""

    class Kind(models.TextChoices):
        SQLITE = "sqlite", "SQLite 文件(只读)"
        POSTGRESQL = "postgresql", "PostgreSQL 连接"

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, related_name="source")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    location = models.CharField("文件路径或连接串", max_length=500)
    table = models.CharField("来源表", max_length=63)
    updated_column = models.CharField("更新时间列", max_length=63)
    class Schedule(models.TextChoices):
        HALF_HOURLY = "30min", "每 30 分钟"
        HOURLY = "hourly", "每小时"
        DAILY = "daily", "每天"
        MANUAL = "manual", "仅手动抽取"

    mark = models.CharField("已抽取到", max_length=64, blank=True, default="")
    enabled = models.BooleanField(default=True)
    schedule = models.CharField("抽取周期", max_length=10, choices=Schedule.choices, default=Schedule.HALF_HOURLY)

    class Meta:
        verbose_name = verbose_name_plural = "前置机数据源"


class ApiKey(TimeStampedModel):
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="使用部门")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField(null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField("每分钟请求上限", default=120)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "访问密钥"


class AccessRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        GRANTED = "granted", "已同意"
        REFUSED = "refused", "已拒绝"

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="requests")
    requester = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="申请部门")
    purpose = models.TextField("用途")
    fields = models.JSONField("申请信息项", default=list)
    plain_fields = models.JSONField("申请明文的个人信息项", default=list, blank=True)
    period_from = models.DateField("使用期限自")
    period_to = models.DateField("使用期限至")
    legal_basis = models.TextField("依据")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    clock = models.ForeignKey("core.Clock", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField("审批意见", blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "共享申请"
        ordering = ["-pk"]


class Grant(TimeStampedModel):
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="grants")
    consumer = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="使用部门")
    # Field names as granted; a later version of the entry does not widen or narrow them.
    fields = models.JSONField(default=list)
    plain_fields = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField()
    valid_from = models.DateField()
    valid_until = models.DateField()
    request = models.OneToOneField(AccessRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="grant")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "共享授权"
        indexes = [models.Index(fields=["consumer", "resource"])]


class UsageLog(models.Model):
    """Metadata of one read, hash-chained; never the data itself."""

    at = models.DateTimeField(db_index=True)
    key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="usage")
    action = models.CharField(max_length=40)
    filters = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    response_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "数据使用日志"
        ordering = ["-pk"]
        indexes = [models.Index(fields=["resource", "at"])]


class CorrectionTicket(TimeStampedModel):
    """快速校核: a consumer says a record is wrong; the provider answers on a clock."""

    class Status(models.TextChoices):
        OPEN = "open", "待核实"
        FIXED = "fixed", "已更正"
        REJECTED = "rejected", "经核实无误"

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="corrections")
    reporter = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    record_key = models.CharField("记录主键", max_length=200)
    field = models.CharField("信息项", max_length=63, blank=True, default="")
    description = models.TextField("问题描述")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(blank=True, default="")
    clock = models.ForeignKey("core.Clock", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "数据校核单"
        ordering = ["-pk"]
