"""Periodic tasks that must run once per period however many consumers run (ADR 0016).

With two application servers each running a Huey consumer, both schedulers enqueue the
same periodic task at the same minute. Tasks whose second run is wasted or wrong (the
supervision sweep that writes warnings and figures, the nightly statistics) claim the
period's slot in the shared cache first (``cache.add`` is atomic in Redis); whoever does
not get it returns at once. With the embedded per-process cache there is one consumer,
and the claim always succeeds.
"""

from __future__ import annotations

import logging
import os
import time
from functools import wraps

from django.core.cache import cache

logger = logging.getLogger("zhengwu.periodic")


def once_per_period(name: str, period_seconds: int):
    def decorate(fn):
        @wraps(fn)
        def inner(*args, **kwargs):
            slot = int(time.time() // period_seconds)
            if not cache.add(f"zhengwu:periodic:{name}:{slot}", os.getpid(), timeout=period_seconds * 2):
                logger.info("periodic %s: slot %s already taken by another consumer", name, slot)
                return None
            return fn(*args, **kwargs)

        return inner

    return decorate
