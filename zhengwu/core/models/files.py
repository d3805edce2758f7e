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


class PendingUpload(models.Model):
    """A file chosen in a form that has not been sent yet (uploaded on selection).

    The file is checked and stored at once (a ``StoredFile`` with no object); the form
    carries only ``token``. When the form is accepted the owning service attaches the
    file to its record in the same transaction; otherwise the row expires and the
    periodic clean-up deletes it together with the file. A pending upload belongs to the
    account that chose it, or for visitors without an account to their session (kept as
    a keyed hash, never the session key itself).
    """

    token = models.CharField("令牌", max_length=64, unique=True)
    stored_file = models.OneToOneField(StoredFile, on_delete=models.CASCADE, related_name="+", verbose_name="文件")
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="上传人",
    )
    session_hash = models.CharField("会话标识摘要", max_length=64, blank=True)
    field = models.CharField("表单字段", max_length=64, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", db_index=True)

    class Meta:
        verbose_name = "待提交上传文件"
        verbose_name_plural = "待提交上传文件"
