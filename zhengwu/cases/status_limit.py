"""Per-IP limit on the public status query, so ID tails (10,000 values) cannot be guessed.

A fixed one-minute window counted in the database (``zhengwu.core.ratelimit``), so every
web worker sees the same count; a per-process cache would give each worker its own
allowance. Counting happens before the lookup, so wrong and right tails cost the same.
"""

from __future__ import annotations

from django.conf import settings

from zhengwu.core.middleware import client_ip
from zhengwu.core.ratelimit import ratelimit_hit

DEFAULT_PER_MINUTE = 20
LIMIT_MESSAGE = "查询过于频繁,请一分钟后再试"


def per_minute() -> int:
    return int(getattr(settings, "ZHENGWU_STATUS_QUERY_PER_MINUTE", DEFAULT_PER_MINUTE))


def status_query_allowed(request) -> bool:
    """Count one query from the request's IP; False once it exceeds the per-minute limit."""
    count = ratelimit_hit(key=f"cases:status-query:{client_ip(request) or 'unknown'}", window_seconds=60)
    return count <= per_minute()
