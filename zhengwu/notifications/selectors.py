"""Reads of the message centre."""

from __future__ import annotations

from .models import Message

MESSAGE_PAGE_SIZE = 50


def message_list(*, user, before_id: int | None = None, limit: int = MESSAGE_PAGE_SIZE) -> list[Message]:
    """The user's messages, newest first, paged by id (no OFFSET)."""
    qs = Message.objects.filter(recipient_id=user.pk).order_by("-id")
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    return list(qs[:limit])


def message_recent(*, user, limit: int = 5) -> list[Message]:
    """The user's latest messages by their own time, newest first (the workbench's 最近通知).

    Not by id: a message may be written with an earlier time than rows already stored
    (the demo year back-dates its history), and the newest must still come first."""
    return list(Message.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")[:limit])


def message_unread_count(*, user) -> int:
    return Message.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
