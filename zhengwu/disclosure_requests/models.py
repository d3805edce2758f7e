"""依申请公开: the request (a case on the shared clock), its timeline, and the yearly report.

Dates that the yearly report counts by (``received_on``, ``replied_on``) are plain
``date`` columns in the county's time zone, so the report's year boundaries are simple
date comparisons in SQL on every database.
"""

from django.conf import settings
from django.db import models

from zhengwu.core.encrypted_fields import EncryptedTextField, PersonalDataCharField, PersonalDataTextField
from zhengwu.core.masking import mask_phone
from zhengwu.core.models import TimeStampedModel

from .codes import OUTCOME_BY_CODE, OUTCOME_CHOICES, RequesterSubtype, RequesterType


class RequestCounter(models.Model):
    """The last receipt sequence number issued on a day; incremented under a row lock."""

    day = models.DateField("日期", primary_key=True)
    last = models.PositiveIntegerField("已发号", default=0)

    class Meta:
        verbose_name = "依申请公开编号计数"
        verbose_name_plural = "依申请公开编号计数"


class DisclosureRequest(TimeStampedModel):
    class Channel(models.TextChoices):
        ONLINE = "online", "网上申请"
        WINDOW = "window", "当面提交"
        LETTER = "letter", "信函"

    class Form(models.TextChoices):
        PAPER = "paper", "纸质"
        ELECTRONIC = "electronic", "电子"

    class Status(models.TextChoices):
        RECEIVED = "received", "已收到,待登记"
        REGISTERED = "registered", "办理中"
        CORRECTION = "correction", "待补正"
        CONSULTATION = "consultation", "征求第三方意见中"
        REPLIED = "replied", "已答复"

    class Extension(models.TextChoices):
        NONE = "", "未申请延期"
        REQUESTED = "requested", "延期待批准"
        APPROVED = "approved", "已延期"
        REFUSED = "refused", "延期未获批准"

    receipt_no = models.CharField("申请编号", max_length=20, unique=True)
    # The account that asked online; empty for a paper or letter request entered at the window.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="disclosure_requests", verbose_name="申请人账户",
    )
    channel = models.CharField("申请方式", max_length=16, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="录入人",
    )
    requester_type = models.CharField("申请人类型", max_length=16, choices=RequesterType.choices)
    requester_subtype = models.CharField(
        "法人或其他组织类型", max_length=16, choices=RequesterSubtype.choices, blank=True, default="",
    )
    requester_name = models.CharField("申请人姓名/名称", max_length=100)
    contact_phone = EncryptedTextField("联系电话", blank=True, default="")
    description = PersonalDataTextField("所需信息的描述")
    purpose = PersonalDataTextField("用途", blank=True)
    form = models.CharField("获取信息的方式", max_length=16, choices=Form.choices, default=Form.ELECTRONIC)
    department = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="受理机关")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    received_on = models.DateField("收到申请日期", db_index=True)
    # The running clock; a correction stops it and the supplied correction starts a new one.
    clock = models.ForeignKey("core.Clock", on_delete=models.PROTECT, related_name="+", verbose_name="答复时限")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="经办人",
    )
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    correction_note = PersonalDataTextField("补正告知内容", blank=True)
    correction_requested_on = models.DateField("告知补正日期", null=True, blank=True)
    corrected_on = models.DateField("补正日期", null=True, blank=True)
    correction_text = PersonalDataTextField("补正内容", blank=True)
    extension = models.CharField("延期", max_length=16, choices=Extension.choices, blank=True, default="")
    extension_reason = PersonalDataCharField("延期理由", max_length=300, blank=True)
    outcome = models.CharField("处理结果", max_length=8, choices=OUTCOME_CHOICES, blank=True, default="")
    reply_text = PersonalDataTextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        indexes = [models.Index(fields=["department", "status"])]
        constraints = [
            # A reply is coded by the report's categories, always.
            models.CheckConstraint(
                condition=~models.Q(status="replied") | (~models.Q(outcome="") & models.Q(replied_on__isnull=False)),
                name="disclosure_requests_replied_has_outcome",
            ),
        ]

    def __str__(self):
        return self.receipt_no

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone or "")

    @property
    def outcome_label(self) -> str:
        outcome = OUTCOME_BY_CODE.get(self.outcome)
        return outcome.full_label if outcome else ""

    @property
    def requester_type_label(self) -> str:
        if self.requester_type == RequesterType.LEGAL and self.requester_subtype:
            return f"{self.get_requester_type_display()}({self.get_requester_subtype_display()})"
        return self.get_requester_type_display()

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.REPLIED


class RequestEvent(models.Model):
    """The request's timeline, one row per action (each also audited)."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", "提交申请"
        REGISTER = "register", "登记受理"
        CORRECTION_REQUEST = "correction_request", "告知补正"
        CORRECTION_SUPPLY = "correction_supply", "提交补正"
        CONSULTATION_START = "consultation_start", "征求第三方意见"
        CONSULTATION_END = "consultation_end", "第三方意见已收到"
        EXTENSION_REQUEST = "extension_request", "申请延期答复"
        EXTENSION_APPROVE = "extension_approve", "批准延期答复"
        EXTENSION_REFUSE = "extension_refuse", "不批准延期"
        REPLY = "reply", "作出答复"

    # Internal steps the requester is not shown (the approval chain inside the office).
    INTERNAL = frozenset({Kind.EXTENSION_REQUEST, Kind.EXTENSION_REFUSE})

    request = models.ForeignKey(DisclosureRequest, on_delete=models.PROTECT, related_name="events", verbose_name="申请")
    kind = models.CharField("动作", max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人",
    )
    note = PersonalDataTextField("说明", blank=True)
    due_on = models.DateField("此后答复期限", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["request", "created_at", "id"]
        verbose_name = "申请办理记录"
        verbose_name_plural = "申请办理记录"

    def __str__(self):
        return f"{self.request_id} {self.get_kind_display()}"

    @property
    def is_internal(self) -> bool:
        return self.kind in self.INTERNAL


class AnnualReport(TimeStampedModel):
    """政府信息公开工作年度报告 of the county for one year.

    The computed tables are recomputed on every view while the report is a draft;
    publishing freezes them into ``figures`` so the published report never changes when
    data is corrected later (CONVENTIONS rule 5).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    year = models.PositiveSmallIntegerField("年度", unique=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    overview = models.TextField("一、总体情况", blank=True)
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField("六、其他需要报告的事项", blank=True)
    # Figures only staff know: 行政处罚/行政强制 decisions, 行政事业性收费 (万元),
    # and the review/litigation counts (see services_report.MANUAL_FIELDS).
    manual = models.JSONField("人工填报数据", default=dict, blank=True)
    figures = models.JSONField("发布时的统计数据", default=dict, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发布人",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "政府信息公开年度报告"
        verbose_name_plural = "政府信息公开年度报告"

    def __str__(self):
        return f"{self.year}年度报告"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
