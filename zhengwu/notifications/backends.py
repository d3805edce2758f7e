"""Delivery channels behind one interface: email, SMS and the default log backend.

A backend is a class with ``send(message) -> None``; ``ZHENGWU_NOTIFY_BACKENDS`` lists
dotted paths. A real SMS gateway or mail relay is added by writing such a class; the
platform itself only ships the log backend (an intranet has no gateway by default) and
a Django-mail backend for sites that configure EMAIL_*.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("zhengwu.notifications")

DEFAULT_BACKENDS = ("zhengwu.notifications.backends.LogBackend",)


class NotifyBackend(Protocol):
    name: str

    def send(self, message) -> None: ...


class LogBackend:
    """Write the delivery event to the log (inline: no gateway, nothing to wait for).

    Only ids go in: no title, body, name, phone or e-mail, because titles carry receipt
    numbers and item names, and logs are kept and shipped with less care than the database.
    """

    name = "log"
    # Cheap and local: delivered right after commit instead of through the task queue.
    inline = True

    def send(self, message) -> None:
        logger.info("notification delivered channel=log message_id=%s recipient_id=%s", message.pk, message.recipient_id)


class EmailBackend:
    """Send through Django's mail framework to the recipient's e-mail address, if any."""

    name = "email"

    def send(self, message) -> None:
        from django.core.mail import send_mail

        address = getattr(message.recipient, "email", "")
        if not address:
            return
        send_mail(message.title, message.body, None, [address], fail_silently=False)


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple:
    return tuple(import_string(p)() for p in paths)


def notify_backends() -> tuple:
    paths = tuple(getattr(settings, "ZHENGWU_NOTIFY_BACKENDS", None) or DEFAULT_BACKENDS)
    return _load(paths)


def notify_backends_deferred() -> bool:
    """True when some backend talks to a gateway and must run in the task queue.

    A backend is inline only if it says so (``inline = True``); unknown ones are deferred.
    """
    return any(not getattr(backend, "inline", False) for backend in notify_backends())
