"""Delivery of messages through the configured backends, off the request path."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .backends import notify_backends
from .models import Message, OutboundSms

logger = logging.getLogger("zhengwu.notifications")


@db_task()
def message_deliver(message_id: int) -> None:
    message = Message.objects.select_related("recipient").filter(pk=message_id).first()
    if message is None:
        return
    message_deliver_inline(message)


def message_deliver_inline(message) -> None:
    """Run every backend on ``message`` now (inline backends only, or inside the task)."""
    for backend in notify_backends():
        try:
            backend.send(message)
        except Exception:
            # One broken channel (SMS gateway down) must not stop the others.
            logger.exception("notification backend %s failed for message_id=%s", getattr(backend, "name", backend), message.pk)


@db_task()
def sms_deliver(sms_id: int) -> None:
    """Hand one outbox row to every backend that has an SMS gateway (``send_sms``)."""
    from django.utils import timezone

    sms = OutboundSms.objects.filter(pk=sms_id, delivered_at__isnull=True).first()
    if sms is None:
        return
    for backend in notify_backends():
        if not hasattr(backend, "send_sms"):
            continue
        try:
            backend.send_sms(sms)
        except Exception:
            logger.exception("SMS backend %s failed for sms_id=%s", getattr(backend, "name", backend), sms.pk)
            return
    OutboundSms.objects.filter(pk=sms.pk).update(delivered_at=timezone.now())


# Daily: verification codes live minutes; the outbox keeps a few days for support questions.
@db_periodic_task(crontab(hour="4", minute="7"))
def sms_outbox_purge_task():
    from .services import sms_outbox_purge

    return sms_outbox_purge()
