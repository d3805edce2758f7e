"""Run what other apps do after a letter changes (core's ``LETTER_CHANGED`` hooks; no signals).

A reacting app registers ``register_hook(LETTER_CHANGED, fn)`` (``zhengwu.core.registries.hooks``)
from its ``AppConfig.ready``; the letters services call ``fn(letter=letter, event=...)``
after the transaction commits, with ``event`` one of ``LETTER_EVENTS``. A failing hook is
logged and never undoes or blocks the letter's own change (it has already committed).
"""

from __future__ import annotations

import logging
from django.db import transaction

from zhengwu.core.registries.hooks import LETTER_CHANGED, hooks_for

logger = logging.getLogger(__name__)

LETTER_EVENTS = frozenset({"submitted", "assigned", "replied", "rated", "published"})

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
        for hook in hooks_for(LETTER_CHANGED):
            try:
                hook(letter=fresh, event=event)
            except Exception:
                logger.exception("letter hook %r failed on %s for letter %s", hook, event, letter_id)

    transaction.on_commit(run)
