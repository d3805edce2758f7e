"""Other apps react to letters through this small registry (no Django signals).

``register_letter_hook(fn)`` from the reacting app's ``AppConfig.ready``; the letters
services call ``fn(letter=letter, event=...)`` after the transaction commits, with
``event`` one of ``LETTER_EVENTS``. A failing hook is logged and never undoes or blocks
the letter's own change (it has already committed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

LETTER_EVENTS = frozenset({"submitted", "assigned", "replied", "rated", "published"})

_hooks: list[Callable] = []


def register_letter_hook(fn: Callable) -> None:
    """Call ``fn(letter=, event=)`` after every committed letter event; registering twice is a no-op."""
    if fn not in _hooks:
        _hooks.append(fn)


def unregister_letter_hook(fn: Callable) -> None:
    if fn in _hooks:
        _hooks.remove(fn)


def letter_hooks_run_later(*, letter, event: str) -> None:
    """Schedule every hook for ``event`` once the current transaction commits."""
    if event not in LETTER_EVENTS:
        raise ValueError(f"unknown letter event {event!r}")
    letter_id = letter.pk

    def run():
        from .models import Letter

        fresh = Letter.objects.filter(pk=letter_id).first()
        if fresh is None:
            return
        for hook in _hooks:
            try:
                hook(letter=fresh, event=event)
            except Exception:
                logger.exception("letter hook %r failed on %s for letter %s", hook, event, letter_id)

    transaction.on_commit(run)
