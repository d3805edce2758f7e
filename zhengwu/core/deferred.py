"""Enqueue after commit, or remember the call when the queue is unreachable (ADR 0017).

A submission commits first and queues its follow-up work (the search index update) in
``transaction.on_commit``. If Redis is down at that moment, raising would answer the
person with an error although their submission is saved, and the follow-up would be
gone. Instead the call is written to ``DeferredTask`` (the database is up: it just
committed) and ``deferred_replay`` runs it again from the task consumer once the queue
answers. Only infrastructure faults are deferred; a bug still raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from .faults import infrastructure_fault

logger = logging.getLogger("zhengwu.deferred")

_callers: dict[str, Callable[..., None]] = {}


def deferrable_register(kind: str, call: Callable[..., None]) -> None:
    """Name a queueing function so a remembered call can be replayed later."""
    _callers[kind] = call


def call_or_defer(kind: str, *args) -> bool:
    """Run the registered enqueue; on an infrastructure fault remember it. True if queued now."""
    from .models import DeferredTask

    try:
        _callers[kind](*args)
        return True
    except Exception as exc:
        if infrastructure_fault(exc) is None:
            raise
        logger.warning("queue unreachable, %s%s deferred: %s", kind, list(args), exc)
        try:
            DeferredTask.objects.create(kind=kind, args=list(args), last_error=f"{type(exc).__name__}: {exc}"[:300])
        except Exception:  # the database went too: the data is saved, only this follow-up is lost
            logger.exception("could not record deferred %s%s; run search_rebuild after the fault", kind, list(args))
        return False


def deferred_replay(*, limit: int = 5000) -> dict[str, int]:
    """Queue the remembered calls again, oldest first; stop at the first that still fails."""
    from .models import DeferredTask

    done = failed = 0
    for row in DeferredTask.objects.all()[:limit]:
        call = _callers.get(row.kind)
        if call is None:
            logger.error("deferred task of unknown kind %s dropped", row.kind)
            row.delete()
            continue
        try:
            call(*row.args)
        except Exception as exc:
            if infrastructure_fault(exc) is None:
                raise
            DeferredTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1,
                                                         last_error=f"{type(exc).__name__}: {exc}"[:300])
            failed += 1
            break
        row.delete()
        done += 1
    return {"replayed": done, "failed": failed, "waiting": DeferredTask.objects.count()}
