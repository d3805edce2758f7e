"""Sending a text message (SMS) to a phone number, for apps below notifications.

Accounts sends verification codes (password recovery, the phone check at registration)
but sits below the notifications app, which owns the outbox and the delivery channels.
Notifications registers its sender here from ``AppConfig.ready``; accounts calls
``sms_send``. Without a registered sender nothing can be sent and the call says so.
"""

from __future__ import annotations

from collections.abc import Callable

_senders: list[Callable[..., None]] = []


def register_sms_sender(fn: Callable[..., None]) -> None:
    """``fn(*, phone, text, purpose)`` queues one message; the last registered wins."""
    _senders[:] = [fn]


def sms_send(*, phone: str, text: str, purpose: str) -> None:
    if not _senders:
        raise RuntimeError("no SMS sender registered (is zhengwu.notifications installed?)")
    _senders[0](phone=phone, text=text, purpose=purpose)
