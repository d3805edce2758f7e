"""The on-site message centre: one row per message to one person."""

from django.conf import settings
from django.db import models

from zhengwu.core.encrypted_fields import EncryptedTextField, PersonalDataCharField, PersonalDataTextField


class Message(models.Model):
    # The two indexes below start with the recipient, so the column needs no index of its own.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages", verbose_name="接收人",
        db_index=False,
    )
    title = PersonalDataCharField("标题", max_length=200)
    body = PersonalDataTextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        # The header's unread count, the message list (by id) and the workbench's recent
        # notices (by time) all read by recipient first.
        indexes = [
            models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "-id"]),
            models.Index(fields=["recipient", "-created_at"], name="notif_msg_recipient_time"),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboundSms(models.Model):
    """One text message to a phone number (verification codes), in the order sent.

    This table is the SMS outbox: a gateway backend (``send_sms``) delivers each row
    after commit; without a gateway (the demo, an intranet) the rows are where an
    operator reads a code with ``manage.py sms_outbox``. Number and text are encrypted
    like every personal field; rows are removed after ``ZHENGWU_SMS_OUTBOX_DAYS``.
    """

    # Wholly encrypted: the text holds a code that opens an account.
    phone = EncryptedTextField("手机号")
    text = EncryptedTextField("内容")
    purpose = models.CharField("用途", max_length=40)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField("网关发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "短信发件箱"
        verbose_name_plural = "短信发件箱"

    def __str__(self):
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
