"""Writes of the message centre: send a message, mark messages read.

What a message says about a case is written by the cases app (``cases/notices.py``); this
app only stores and delivers messages, for every app.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.fastsql import insert_values
from zhengwu.org.roles import Role

from .backends import notify_backends, notify_backends_deferred
from .models import Message, OutboundSms

TITLE_MAX = Message._meta.get_field("title").max_length
LINK_MAX = Message._meta.get_field("link").max_length


def notify(*, recipient, title: str, body: str, link: str = "", audit: bool = True) -> Message:
    """Write a message to ``recipient``'s message centre and deliver it by e-mail/SMS after commit.

    Delivery happens after commit, so a rolled-back change never tells anybody anything.
    Backends that talk to a gateway (e-mail, SMS) run in a huey task, so a slow gateway
    never slows the request; when only inline backends are configured (the default log
    backend) they run right after commit instead of paying a queue write per message.

    ``audit=False`` is for callers whose own audited action this message is part of
    (a case action notifies the applicant inside the case's audited transaction).
    """
    values = message_append(recipient=recipient, title=title, body=body, link=link, audit=audit)
    return _message_instance(values, recipient)


def notify_audit_admins(*, title: str, body: str, link: str = "") -> int:
    """Send a security alert to every active audit administrator (三员: they watch the others)."""
    recipients = get_user_model().objects.filter(
        assignments__role=Role.AUDIT_ADMIN, is_active=True
    ).distinct().order_by("pk")
    count = 0
    for recipient in recipients:
        notify(recipient=recipient, title=title, body=body, link=link)
        count += 1
    return count


def _message_instance(values: dict, recipient) -> Message:
    message = Message(**values)
    message.recipient = recipient
    message._state.adding = False
    return message


def message_append(*, recipient, title: str, body: str, link: str, audit: bool) -> dict:
    """Check, write and schedule delivery of one message; return its field values with ``id``.

    ``notify`` without the model instance: one prepared INSERT, for callers on a hot path
    (every case step sends one).
    """
    from .tasks import message_deliver, message_deliver_inline

    title = (title or "").strip()
    if not title:
        raise ValidationFailed("消息标题不能为空", code="message_title_required")
    if recipient is None or not getattr(recipient, "pk", None):
        raise ValidationFailed("消息必须指定接收人", code="message_recipient_required")
    link = (link or "").strip()
    # Only site-relative links: a message must never send anyone off the platform.
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValidationFailed("消息链接只能指向本站页面", code="message_link_invalid")
    values = {
        "recipient_id": recipient.pk, "title": title[:TITLE_MAX], "body": body or "", "link": link[:LINK_MAX],
        "read_at": None, "created_at": timezone.now(),
    }
    # No savepoint: everything was checked above, nothing inside raises but the database.
    with transaction.atomic(savepoint=False):
        values["id"] = pk = insert_values(Message, values)
        if audit:
            audit_record(
                actor=None, action="notifications.message.create",
                object_type=Message._meta.label_lower, object_id=pk, details={"recipient_id": recipient.pk},
            )
        if notify_backends_deferred():
            transaction.on_commit(lambda: message_deliver(pk))
        else:
            # The instance is built after commit, off the write transaction.
            transaction.on_commit(lambda: message_deliver_inline(_message_instance(values, recipient)))
    return values


def message_mark_read(*, actor, message_id) -> Message:
    """Mark one of the actor's own messages read; another person's message is NotFound."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id, recipient_id=getattr(actor, "pk", None)).first()
        if message is None:
            raise NotFound("消息不存在", code="message_not_found")
        if message.read_at is None:
            message.read_at = timezone.now()
            message.save(update_fields=["read_at"])
            audit_record(actor=actor, action="notifications.message.read", obj=message)
    return message


def messages_mark_all_read(*, actor) -> int:
    """Mark every unread message of the actor read; return how many changed."""
    with transaction.atomic():
        n = Message.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())
        if n:
            audit_record(
                actor=actor, action="notifications.message.read_all",
                object_type="accounts.user", object_id=actor.pk, details={"count": n},
            )
    return n


# --- text messages (SMS) ---------------------------------------------------------------

SMS_TEXT_MAX = 300


def sms_send(*, phone: str, text: str, purpose: str) -> OutboundSms:
    """Queue one text message in the outbox; gateway backends deliver it after commit.

    Called by accounts (through ``core.registries.sms``) for verification codes. The
    audit row names the purpose only, never the number or the text (a code is a secret).
    """
    phone = (phone or "").strip()
    text = (text or "").strip()
    if not phone or not text:
        raise ValidationFailed("短信的手机号和内容不能为空", code="sms_invalid")
    if len(text) > SMS_TEXT_MAX:
        raise ValidationFailed(f"短信内容不能超过 {SMS_TEXT_MAX} 个字", code="sms_too_long")
    with transaction.atomic():
        row = OutboundSms.objects.create(phone=phone, text=text, purpose=(purpose or "")[:40])
        audit_record(actor=None, action="notifications.sms.queue", obj=row, details={"purpose": row.purpose})
        if any(hasattr(backend, "send_sms") for backend in notify_backends()):
            from .tasks import sms_deliver

            transaction.on_commit(lambda: sms_deliver(row.pk))
    return row


def sms_outbox_purge(*, now=None) -> int:
    """Delete outbox rows older than ``ZHENGWU_SMS_OUTBOX_DAYS`` (their codes expired long ago)."""
    days = int(getattr(settings, "ZHENGWU_SMS_OUTBOX_DAYS", 7))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        deleted, _ = OutboundSms.objects.filter(created_at__lt=cutoff).delete()
        if deleted:
            audit_record(actor=None, action="notifications.sms.purge", object_type="notifications.outboundsms",
                         details={"deleted": deleted})
    return deleted
