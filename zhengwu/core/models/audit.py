"""Append-only audit trail with an SM3 hash chain, sealed in the background.

A row is inserted in its action's transaction without a hash (``seq`` NULL). The sealer
(``zhengwu.core.audit.audit_seal``, run every 0.2 s by the task worker) gives each
committed row its place ``seq`` in the chain and ``hash = SM3(prev_hash || canonical(row))``;
``audit_verify`` walks the chain in ``seq`` order and reports the first row whose content
or link no longer matches (ADR 0005). There is no update or delete path for callers: the
model, its queryset and the admin all refuse; only the sealer fills the three chain columns.
"""

from django.db import models
from django.utils import timezone

from zhengwu.core.encrypted_fields import PersonalDataJSONField


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计记录只能追加,不能修改")

    def delete(self):
        raise AppendOnlyError("审计记录只能追加,不能删除")


class AuditEvent(models.Model):
    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        DENIED = "denied", "拒绝"

    created_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="操作人", db_constraint=False,
    )
    actor_label = models.CharField("操作人标识", max_length=150, blank=True)
    role = models.CharField("角色", max_length=64, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    result = models.CharField("结果", max_length=16, choices=Result.choices, default=Result.SUCCESS)
    request_id = models.CharField("请求编号", max_length=32, blank=True)
    # Reasons and notes copied from letters and requests land here; their ID and phone
    # numbers are stored encrypted in place. The hash chain covers the plain content.
    details = PersonalDataJSONField("详情", default=dict, blank=True)
    # The chain columns, filled by the sealer: empty (and seq NULL) until then.
    seq = models.BigIntegerField("链上序号", null=True, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64, blank=True, default="")
    hash = models.CharField("本条哈希", max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The sealer's queue: small, since a row leaves it within a second.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="core_audit_unsealed"),
        ]
        constraints = [
            # The chain order; partial, so an unsealed row's insert does not touch it.
            models.UniqueConstraint(fields=["seq"], condition=models.Q(seq__isnull=False), name="core_audit_seq"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计记录只能追加,不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录只能追加,不能删除")

    @property
    def time_display(self) -> str:
        """The time as shown and exported: ISO 8601 in Beijing time, always with +08:00."""
        return timezone.localtime(self.created_at).isoformat(timespec="seconds")

    def __str__(self):
        return f"{self.time_display} {self.actor_label} {self.action}"


class AuditChainHead(models.Model):
    """One row holding the newest sealed hash and place; locked only by the sealer and purge.

    The writers no longer touch it (ADR 0005): they insert unsealed rows, so audited
    transactions do not queue behind this one row.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "审计链头"


class AuditPurge(models.Model):
    """One retention purge: where the chain now starts and what was cut.

    ``audit_chain_verify`` starts from the newest purge instead of the genesis hash:
    the first kept row (after ``last_purged_seq``) must link to ``last_purged_hash``. Each purge also writes an
    "audit.purge" row into the chain carrying the same numbers, so a purge row forged
    with raw SQL (to hide deleted rows) has no matching chained row and fails verification.
    """

    created_at = models.DateTimeField("执行时间")
    cut_before = models.DateTimeField("清理截止时间(不含)")
    last_purged_id = models.BigIntegerField("最后一条被清理记录的编号")
    last_purged_hash = models.CharField("最后一条被清理记录的哈希", max_length=64)
    last_purged_seq = models.BigIntegerField("最后一条被清理记录的链上序号", default=0)
    removed_count = models.PositiveIntegerField("清理条数")
    operator_label = models.CharField("执行人", max_length=150)
    recorded_break = models.JSONField("清理前记录的断链", default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "审计记录清理"
        verbose_name_plural = "审计记录清理"

    def __str__(self):
        return f"{timezone.localtime(self.created_at).isoformat(timespec='seconds')} 清理至 #{self.last_purged_id}"
