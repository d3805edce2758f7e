"""公开信息: what a department publishes proactively, with its workflow and validity.

A disclosure is written by the department's 信息员 (editor), reviewed and published by
its 审核员 (publisher), and may later be withdrawn. Its 索引号 is given once, at first
publication, and its 首次发布日期 never changes afterwards (the national inspection
rules treat a moved first-publish date as falsifying the record).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from zhengwu.core.models import TimeStampedModel


class Column(models.TextChoices):
    """栏目: the portal columns a disclosure appears under (also its feed and site-health row)."""

    NEWS = "news", "新闻动态"
    NOTICE = "notice", "通知公告"
    POLICY = "policy", "政策文件"
    INTERPRETATION = "interpretation", "政策解读"
    PERSONNEL = "personnel", "人事信息"
    PLAN = "plan", "规划计划"
    BUDGET = "budget", "财政预决算"
    OTHER = "other", "其他"


class DocumentKind(models.TextChoices):
    """文件类型 of a policy file; the yearly report counts 规章 and 行政规范性文件 separately."""

    RULE = "rule", "规章"
    NORMATIVE = "normative", "行政规范性文件"
    OTHER = "other", "其他文件"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    SCHEDULED = "scheduled", "定时发布"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Disclosure(TimeStampedModel):
    department = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="disclosures", verbose_name="发布部门",
    )
    column = models.CharField("栏目", max_length=16, choices=Column.choices, db_index=True)
    document_kind = models.CharField("文件类型", max_length=16, choices=DocumentKind.choices, blank=True)
    catalog_item = models.ForeignKey(
        "catalog.Item", null=True, blank=True, on_delete=models.PROTECT,
        related_name="disclosures", verbose_name="公开目录事项",
    )
    # An interpretation (政策解读) points at the policy file it explains; the policy
    # lists its interpretations through the reverse relation.
    interprets = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT,
        related_name="interpretations", verbose_name="解读的政策文件",
    )
    title = models.CharField("标题", max_length=200)
    body_html = models.TextField("正文", blank=True)  # sanitised (nh3) before it is stored
    body_text = models.TextField("正文纯文本", blank=True)  # for search, feeds and summaries
    document_number = models.CharField("文号", max_length=100, blank=True)
    index_number = models.CharField("索引号", max_length=64, unique=True, null=True, blank=True)
    issuing_body = models.CharField("发布机构", max_length=100)
    written_on = models.DateField("成文日期", null=True, blank=True)

    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    scheduled_at = models.DateTimeField("定时发布时间", null=True, blank=True)
    first_published_at = models.DateTimeField("首次发布日期", null=True, blank=True, db_index=True)
    # 更新日期: the last change of a published record's content (not of its workflow).
    revised_at = models.DateTimeField("更新日期", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=500, blank=True)
    reject_reason = models.CharField("退回原因", max_length=500, blank=True)

    validity = models.CharField("有效性", max_length=16, choices=Validity.choices, default=Validity.VALID)
    validity_changed_on = models.DateField("有效性变更日期", null=True, blank=True)
    validity_note = models.CharField("有效性说明", max_length=300, blank=True)

    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="撰稿人",
    )
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发布人",
    )

    class Meta:
        ordering = ["-first_published_at", "-id"]
        verbose_name = "公开信息"
        verbose_name_plural = "公开信息"
        indexes = [
            models.Index(fields=["status", "column", "first_published_at"]),
            models.Index(fields=["status", "department", "first_published_at"]),
            models.Index(fields=["status", "catalog_item", "first_published_at"]),
            models.Index(fields=["status", "scheduled_at"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_policy(self) -> bool:
        return self.column == Column.POLICY

    def get_absolute_url(self) -> str:
        return reverse("disclosure:detail", kwargs={"pk": self.pk})


class Attachment(models.Model):
    """An attachment of a disclosure.

    ``file`` becomes NULL if the stored-file row ever disappears, so site health can
    report the attachment as missing instead of the row vanishing with it.
    """

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="attachments", verbose_name="公开信息")
    file = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="文件",
    )
    name = models.CharField("附件名称", max_length=200)
    seq = models.PositiveSmallIntegerField("序号", default=1)
    added_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        ordering = ["disclosure", "seq", "id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self):
        return self.name


class IndexSequence(models.Model):
    """The last 索引号 sequence used per department and year (locked while numbering)."""

    department = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="部门")
    year = models.PositiveSmallIntegerField("年份")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "索引号序列"
        verbose_name_plural = "索引号序列"
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="disclosure_index_seq_unique")]


class ExternalLinkCheck(models.Model):
    """The latest result of checking one external link found in a published body."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="+", verbose_name="公开信息")
    url = models.URLField("链接", max_length=1000)
    ok = models.BooleanField("可访问")
    status_code = models.PositiveSmallIntegerField("状态码", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    checked_at = models.DateTimeField("检查时间")

    class Meta:
        verbose_name = "外部链接检查"
        verbose_name_plural = "外部链接检查"
        constraints = [models.UniqueConstraint(fields=["disclosure", "url"], name="disclosure_extlink_unique")]
