"""网站群: other government sites' RSS/Atom feeds registered by staff, and the entries pulled from them."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from zhengwu.core.models import TimeStampedModel


def url_hash(value: str) -> str:
    """A fixed-width key for long URLs/guids, so uniqueness works on any database."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


class FeedSource(TimeStampedModel):
    class Status(models.TextChoices):
        NEVER = "never", "尚未抓取"
        OK = "ok", "正常"
        NOT_MODIFIED = "not_modified", "无更新"
        ERROR = "error", "抓取失败"

    name = models.CharField("名称", max_length=100)
    url = models.URLField("订阅地址", max_length=500)
    url_hash = models.CharField(max_length=64, unique=True, editable=False)
    site_name = models.CharField("所属网站", max_length=100, blank=True)
    department = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属部门",
    )
    enabled = models.BooleanField("启用", default=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="登记人",
    )
    # What the last pull found; the error is a Chinese sentence staff can act on.
    last_status = models.CharField("最近抓取状态", max_length=16, choices=Status.choices, default=Status.NEVER)
    last_fetched_at = models.DateTimeField("最近抓取时间", null=True, blank=True)
    last_success_at = models.DateTimeField("最近成功时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    failure_count = models.PositiveIntegerField("连续失败次数", default=0)
    # Conditional GET validators echoed back on the next pull.
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "网站群订阅源"
        verbose_name_plural = "网站群订阅源"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.url_hash = url_hash(self.url)
        if kwargs.get("update_fields") is not None and "url" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "url_hash"}
        super().save(*args, **kwargs)


class FeedEntry(models.Model):
    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="entries", verbose_name="订阅源")
    # sha256 of the entry's guid (or of its link when it has none): unique per source, so
    # pulling the same feed twice stores nothing new.
    key_hash = models.CharField(max_length=64, editable=False)
    guid = models.CharField("唯一标识", max_length=500)
    link = models.URLField("链接", max_length=1000)
    # sha256 of the link: the same article syndicated by two sources is shown once.
    link_hash = models.CharField(max_length=64, db_index=True, editable=False)
    title = models.CharField("标题", max_length=300)
    summary = models.TextField("摘要", blank=True)  # plain text, never HTML
    published_at = models.DateTimeField("发布时间", db_index=True)
    fetched_at = models.DateTimeField("抓取时间", auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "网站群信息"
        verbose_name_plural = "网站群信息"
        constraints = [
            models.UniqueConstraint(fields=["source", "key_hash"], name="sitegroup_entry_once_per_source"),
        ]
        indexes = [models.Index(fields=["source", "-published_at"])]

    def __str__(self):
        return self.title
