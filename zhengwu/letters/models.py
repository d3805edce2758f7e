"""Letters (信件): county head and department mailboxes, online petitions, consultations,
complaints, suggestions and reports; their hops between offices, replies, ratings and
the masked public version of a reply.

``Letter`` is a contract other apps read (insights groups letters by category,
department, township and month; routing learns from assignments), so its field names
stay put. Writes happen only in ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhengwu.core.encrypted_fields import PersonalDataCharField, PersonalDataTextField
from zhengwu.core.models import TimeStampedModel


class Channel(models.TextChoices):
    COUNTY_HEAD = "county_head", "县长信箱"
    DEPARTMENT = "department", "部门信箱"
    PETITION = "petition", "网上信访"
    CONSULTATION = "consultation", "咨询"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    REPORT = "report", "举报"


class Category(models.TextChoices):
    URBAN_CONSTRUCTION = "urban_construction", "城乡建设"
    LABOUR = "labour", "劳动保障"
    EDUCATION = "education", "教育"
    HEALTH = "health", "医疗卫生"
    ENVIRONMENT = "environment", "环境保护"
    TRANSPORT = "transport", "交通运输"
    MARKET = "market", "市场监管"
    AGRICULTURE = "agriculture", "农业农村"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    PUBLIC_SAFETY = "public_safety", "公共安全"
    GOV_SERVICES = "gov_services", "政务服务"
    OTHER = "other", "其他"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class ChannelPolicy(models.Model):
    """Per-channel rules an administrator may change; copied onto each letter's hops when they start.

    A running hop keeps the limit it started with (CONVENTIONS rule 5): the clock stores it.
    """

    channel = models.CharField("渠道", max_length=16, choices=Channel.choices, unique=True)
    allow_anonymous = models.BooleanField("允许匿名来信", default=False)
    # Working days the letters office has to decide acceptance (信访: 15 days).
    accept_days = models.PositiveSmallIntegerField("受理期限(工作日)", default=3)
    handle_days = models.PositiveSmallIntegerField("办理期限(工作日)", default=15)
    # 0: this channel has no extension.
    extension_days = models.PositiveSmallIntegerField("可延长(工作日)", default=0)
    warn_days = models.PositiveSmallIntegerField("预警阈值(工作日)", default=2)
    publishable = models.BooleanField("答复可公开", default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "信件渠道设置"
        verbose_name_plural = "信件渠道设置"

    def __str__(self):
        return self.get_channel_display()


class Letter(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待分办"
        ACCEPTED = "accepted", "已受理"
        NOT_ACCEPTED = "not_accepted", "不予受理"
        HANDLING = "handling", "办理中"
        REVIEWING = "reviewing", "答复待审核"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    Channel = Channel
    Category = Category
    Satisfaction = Satisfaction

    query_code = models.CharField("查询码", max_length=16, unique=True)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    category = models.CharField("类别", max_length=32, choices=Category.choices, default=Category.OTHER)
    title = PersonalDataCharField("标题", max_length=100)
    body = PersonalDataTextField("内容")
    township = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在乡镇(街道)",
    )
    # The department mailbox the writer chose (部门信箱); the letters office may still route elsewhere.
    addressed_to = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="来信对象",
    )
    # The department currently responsible (the main one in joint handling).
    department = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="承办部门",
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    received_at = models.DateTimeField("来信时间", default=timezone.now)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Set when the reply is approved: whether it came within the handling hop's limit.
    on_time = models.BooleanField("按时答复", null=True, blank=True)
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices, blank=True, default="")
    rating_comment = PersonalDataCharField("评价意见", max_length=500, blank=True, default="")
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    # 0 or 1: an unsatisfied writer may ask once for re-handling.
    rehandle_count = models.PositiveSmallIntegerField("重新办理次数", default=0)
    is_published = models.BooleanField("已公开", default=False)
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="来信人",
    )
    publish_consent = models.BooleanField("同意公开", default=False)
    not_accepted_reason = PersonalDataCharField("不予受理理由", max_length=500, blank=True, default="")
    # sha256 of the normalised body: duplicate detection without reading every text.
    fingerprint = models.CharField("内容指纹", max_length=64, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="疑似重复",
    )
    # Words of the review list found in the letter, shown to the triage clerk.
    moderation_words = models.JSONField("待审词语", default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "信件"
        verbose_name_plural = "信件"
        indexes = [
            models.Index(fields=["received_at"], name="letters_received"),
            models.Index(fields=["category", "received_at"], name="letters_cat_received"),
            models.Index(fields=["department", "received_at"], name="letters_dept_received"),
            models.Index(fields=["township", "received_at"], name="letters_town_received"),
            models.Index(fields=["writer", "received_at"], name="letters_writer_received"),
            # Covering indexes of the monthly statistics (selectors.monthly_stats).
            models.Index(fields=["replied_at", "on_time"], name="letters_replied"),
            models.Index(fields=["rated_at", "satisfaction"], name="letters_rated"),
        ]

    def __str__(self):
        return f"{self.query_code} {self.title}"

    @property
    def is_anonymous(self) -> bool:
        return self.writer_id is None


class Hop(models.Model):
    """One stop of a letter at one office, on its own clock (owner_type "letters.hop")."""

    class Kind(models.TextChoices):
        TRIAGE = "triage", "分办受理"
        HANDLE = "handle", "承办"
        JOINT = "joint", "会办"

    class Outcome(models.TextChoices):
        OPEN = "", "进行中"
        ACCEPTED = "accepted", "已受理"
        NOT_ACCEPTED = "not_accepted", "不予受理"
        ASSIGNED = "assigned", "已交办"
        TRANSFERRED = "transferred", "已转办"
        REPLIED = "replied", "已答复"
        OPINION = "opinion", "已提出会办意见"
        CLOSED = "closed", "已结束"

    class Extension(models.TextChoices):
        NONE = "", "无"
        REQUESTED = "requested", "已申请延期"
        APPROVED = "approved", "延期已批准"
        REFUSED = "refused", "延期未批准"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="hops", verbose_name="信件")
    kind = models.CharField("环节", max_length=8, choices=Kind.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="办理单位")
    reason = PersonalDataCharField("交办/转办理由", max_length=500, blank=True, default="")
    is_rehandling = models.BooleanField("重新办理", default=False)
    clock = models.ForeignKey("core.Clock", on_delete=models.PROTECT, related_name="+", verbose_name="时限")
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, blank=True, default="")
    # 会办意见: written by the co-department, read by the main department.
    opinion = PersonalDataTextField("会办意见", blank=True, default="")
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="会办意见人",
    )
    extension = models.CharField("延期", max_length=16, choices=Extension.choices, blank=True, default="")
    extension_reason = PersonalDataCharField("延期理由", max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="交办人",
    )

    class Meta:
        ordering = ["letter", "id"]
        verbose_name = "信件办理环节"
        verbose_name_plural = "信件办理环节"
        indexes = [
            models.Index(fields=["unit", "ended_at"], name="letters_hop_unit_open"),
            models.Index(fields=["clock"], name="letters_hop_clock"),
        ]

    def __str__(self):
        return f"{self.letter_id} {self.get_kind_display()} {self.unit_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class Reply(TimeStampedModel):
    """A reply drafted by the department's handler and approved (or returned) by its head."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已批准"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="replies", verbose_name="信件")
    hop = models.ForeignKey(Hop, on_delete=models.PROTECT, related_name="replies", verbose_name="承办环节")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="答复单位")
    body = PersonalDataTextField("答复内容")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="拟稿人",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = PersonalDataCharField("退回理由", max_length=500, blank=True, default="")

    class Meta:
        ordering = ["letter", "id"]
        verbose_name = "答复"
        verbose_name_plural = "答复"

    def __str__(self):
        return f"{self.letter_id} {self.get_status_display()}"


class Event(models.Model):
    """The letter's own timeline; ``public`` rows are the reduced one the writer sees."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events", verbose_name="信件")
    action = models.CharField("动作", max_length=32)
    label = models.CharField("说明", max_length=100)
    note = PersonalDataTextField("备注", blank=True, default="")
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="单位",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="操作人",
    )
    public = models.BooleanField("来信人可见", default=False)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["letter", "created_at", "id"]
        verbose_name = "信件办理记录"
        verbose_name_plural = "信件办理记录"

    def __str__(self):
        return f"{self.letter_id} {self.label}"


class Publication(TimeStampedModel):
    """The masked public version of a letter and its reply, reviewed by staff before it goes out."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        PUBLISHED = "published", "已公开"
        WITHDRAWN = "withdrawn", "已撤回"

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="publication", verbose_name="信件")
    title = models.CharField("公开标题", max_length=100)
    body = models.TextField("公开来信内容(已遮蔽)")
    reply = models.TextField("公开答复内容(已遮蔽)")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # What the automatic masking found, for the reviewer: [{"kind": "phone", "text": "138…"}].
    findings = models.JSONField("自动识别的个人信息", default=list, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="整理人",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="公开人",
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "信件公开"
        verbose_name_plural = "信件公开"

    def __str__(self):
        return self.title


class SensitiveWord(TimeStampedModel):
    """One entry of the moderation list.

    ``block``: a text containing it is refused and the words are named to the writer
    (nothing is dropped silently). ``review``: accepted, but the words are shown to
    the triage clerk, who decides.
    """

    class Level(models.TextChoices):
        BLOCK = "block", "拒绝提交"
        REVIEW = "review", "提交后人工审核"

    word = models.CharField("词语", max_length=50, unique=True)
    level = models.CharField("处理方式", max_length=8, choices=Level.choices, default=Level.BLOCK)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["word"]
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"

    def __str__(self):
        return self.word
