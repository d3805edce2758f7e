"""Uploaded files: one row per stored file, written only by ``zhengwu.core.uploads``."""

import uuid

from django.db import models

from .base import TimeStampedModel


class StoredFile(TimeStampedModel):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        OFD = "ofd", "OFD"
        JPG = "jpg", "JPEG 图片"
        PNG = "png", "PNG 图片"
        DOCX = "docx", "Word 文档"
        XLSX = "xlsx", "Excel 表格"

    # A random UUID, not a sequence: the id appears in download links and must not be guessable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    storage_name = models.CharField("存储文件名", max_length=64, unique=True, editable=False)
    original_name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    size = models.PositiveBigIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    sm3 = models.CharField("SM3", max_length=64)
    owner = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="所有者",
    )
    purpose = models.CharField("用途", max_length=64, db_index=True)
    object_type = models.CharField("关联对象类型", max_length=64, blank=True)
    object_id = models.CharField("关联对象标识", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="上传人",
    )
    # Files are never removed by the service: a case's materials are records to keep.
    is_deleted = models.BooleanField("已删除", default=False)

    class Meta:
        verbose_name = "上传文件"
        verbose_name_plural = "上传文件"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return self.original_name
