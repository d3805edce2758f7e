"""Fixed-window rate counters shared by every process: one database row per key and window.

Rate limits used to count in Django's cache. In the embedded setup that cache is LocMem,
one per gunicorn worker, so every limit was multiplied by the number of workers. The
database is the store all workers (and every app server of the scale deployment) share,
and one upsert statement counts atomically in it on SQLite (≥ 3.35) and PostgreSQL:

* ``ratelimit_hit(*, key, window_seconds, now=None) -> int``: count one hit under ``key``
  and return the hits of the current window including this one (1 for a fresh window).
  Windows are aligned on the Unix epoch and follow ``django.utils.timezone.now()``, so
  tests that move the clock move the window too.
* ``rate_limit_check(*, key, limit, window_seconds)``: count one attempt under ``key``
  (e.g. ``"letters:user:42"``) and raise ``ValidationFailed`` (code ``rate_limited``,
  Chinese message) once more than ``limit`` attempts fall in the window; the check every
  public form (letters, comments, surveys) shares.
* ``ratelimit_purge(*, now=None) -> int``: delete the rows of windows that have ended.
  The core task worker runs it periodically (``zhengwu.core.tasks``).

Callers build keys from values they control (``"cases:status-query:<ip>"``); a key that is
too long for the column or holds unprintable characters is stored as its SHA-256, so no
client-supplied header can turn a hit into a database error.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache

from django.db import connection, transaction
from django.utils import timezone

from .errors import RateLimited
from .models import RateCounter

_DIGEST_PREFIX = "sha256:"


def _stored_key(key: str) -> str:
    if len(key) <= RateCounter._meta.get_field("key").max_length and key.isprintable():
        return key
    # surrogatepass: a lone surrogate from a badly decoded header must hash, not raise.
    return _DIGEST_PREFIX + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _epoch_seconds(now: datetime | None) -> int:
    return int((now or timezone.now()).timestamp())


@cache
def _upsert_sql() -> str:
    meta = RateCounter._meta
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    key, start, end, count = (qn(meta.get_field(name).column) for name in ("key", "window_start", "window_end", "count"))
    # One statement, so two workers hitting the same key at once can never both read the
    # old count: the database serialises them on the unique (key, start, end) row.
    return (
        f"INSERT INTO {table} ({key}, {start}, {end}, {count}) VALUES (%s, %s, %s, 1) "
        f"ON CONFLICT ({key}, {start}, {end}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {count}"
    )


def ratelimit_hit(*, key: str, window_seconds: int, now: datetime | None = None) -> int:
    """Count one hit under ``key`` in the current fixed window; return the window's count so far."""
    if not isinstance(key, str) or not key or not isinstance(window_seconds, int) or window_seconds < 1:
        raise ValueError("ratelimit_hit needs a non-empty key and a positive whole number of seconds")
    stamp = _epoch_seconds(now)
    start = stamp - stamp % window_seconds
    # Its own short transaction when the caller has none; a savepoint inside the caller's
    # otherwise (a hit in a transaction that rolls back is then not counted, which only
    # ever errs towards letting someone through, never towards refusing them).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [_stored_key(key), start, start + window_seconds])
        (count,) = cursor.fetchone()
    return count


def ratelimit_purge(*, now: datetime | None = None) -> int:
    """Delete the counters of windows that have ended; return how many rows went."""
    # A hit always counts in the window containing "now", so an ended window is never read
    # again. The index on window_end keeps this a range delete however big the table is.
    deleted, _ = RateCounter.objects.filter(window_end__lte=_epoch_seconds(now)).delete()
    return deleted


def _window_text(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} 小时"
    if seconds % 60 == 0:
        return f"{seconds // 60} 分钟"
    return f"{seconds} 秒"


def rate_limit_check(*, key: str, limit: int, window_seconds: int) -> None:
    """Count one attempt under ``key``; raise RateLimited (429) when the window holds more than ``limit``."""
    if not key or limit < 1 or window_seconds < 1:
        raise ValueError("rate_limit_check needs a key, a positive limit and a positive window")
    now = timezone.now()
    count = ratelimit_hit(key=key, window_seconds=window_seconds, now=now)
    if count > limit:
        # 429 with Retry-After (the end of the fixed window), not a 400: the input was
        # fine, the sender only has to wait, and clients and proxies know what 429 means.
        stamp = int(now.timestamp())
        raise RateLimited(
            f"操作过于频繁:每 {_window_text(window_seconds)}最多 {limit} 次,请稍后再试",
            code="rate_limited",
            details={"limit": limit, "window_seconds": window_seconds},
            retry_after=window_seconds - stamp % window_seconds,
        )
