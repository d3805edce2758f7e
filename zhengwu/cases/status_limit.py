"""Per-IP limit on the public status query, so ID tails (10,000 values) cannot be guessed.

A fixed one-minute window in Django's cache (per process by default, shared through
Redis when CACHE_URL is set). Counting happens before the lookup, so wrong and right
tails cost the same.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from zhengwu.core.middleware import client_ip

DEFAULT_PER_MINUTE = 20
LIMIT_MESSAGE = "查询过于频繁,请一分钟后再试"


def per_minute() -> int:
    return int(getattr(settings, "ZHENGWU_STATUS_QUERY_PER_MINUTE", DEFAULT_PER_MINUTE))


def status_query_allowed(request) -> bool:
    """Count one query from the request's IP; False once it exceeds the per-minute limit."""
    window = int(time.time() // 60)
    key = f"cases:status-query:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the window's first query.
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= per_minute()
