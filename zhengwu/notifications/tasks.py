"""Delivery of messages through the configured backends, off the request path."""

import logging

from huey.contrib.djhuey import db_task

from .backends import notify_backends
from .models import Message

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
