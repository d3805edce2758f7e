"""Moderation shared by every place the public writes: sensitive words and rate limits.

Contract (participation imports these too):

* ``moderation_check(*, text) -> list[str]``: the *blocking* sensitive words found in
  ``text`` (abuse, illegal advertising …), in list order. A caller refuses the text and
  names the words, so the writer can rephrase; nothing is ever dropped silently.
  Words of the *review* level (self-harm, threats of violence) are not returned here:
  such a letter must reach a person, not be refused; ``moderation_review_words`` finds them.
* ``rate_limit_check(*, key, limit, window_seconds)``: count one attempt under ``key``
  (e.g. ``"letters:user:42"``, ``"letters:ip:10.0.0.1"``) in a fixed window and raise
  ``RateLimited`` (429, code ``rate_limited``, Chinese message, ``retry_after``) once more than ``limit``
  attempts fall in the window. Counts in the database (``zhengwu.core.ratelimit``), which
  every web worker shares; a per-process cache would have given each worker its own allowance.

The word list is the ``SensitiveWord`` table (edited by the letters office and the
system administrator through ``services``); each process keeps it for
``WORDS_CACHE_SECONDS`` and drops its copy at once after a change it made.
"""

from __future__ import annotations

import time
import unicodedata

from django.utils import timezone

from zhengwu.core.errors import RateLimited
from zhengwu.core.ratelimit import ratelimit_hit

WORDS_CACHE_SECONDS = 30
_words: tuple[float, list[tuple[str, str]]] | None = None

# Characters people put between the characters of a word to slip past a filter (法*轮, 代 开 票).
_SEPARATORS = frozenset(" \t\r\n\u3000*·.,,。、_-—~!!??#@|/\\'\"“”‘’()()【】[]")


def words_forget() -> None:
    global _words
    _words = None


def _active_words() -> list[tuple[str, str]]:
    global _words
    now = time.monotonic()
    if _words is not None and now - _words[0] < WORDS_CACHE_SECONDS:
        return _words[1]
    from .models import SensitiveWord

    rows = list(SensitiveWord.objects.filter(is_active=True).order_by("word").values_list("word", "level"))
    prepared = [(_normalise(w), level) for w, level in rows if _normalise(w)]
    _words = (now, prepared)
    return prepared


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if ch not in _SEPARATORS)


def _found(text: str, level: str) -> list[str]:
    if not text:
        return []
    flat = _normalise(text)
    seen: list[str] = []
    for word, word_level in _active_words():
        if word_level == level and word in flat and word not in seen:
            seen.append(word)
    return seen


def moderation_check(*, text: str) -> list[str]:
    """Return the blocking sensitive words in ``text`` (empty list: the text may pass)."""
    from .models import SensitiveWord

    return _found(text if isinstance(text, str) else str(text or ""), SensitiveWord.Level.BLOCK)


def moderation_review_words(*, text: str) -> list[str]:
    """Return the words of ``text`` that a person must look at before it is handled."""
    from .models import SensitiveWord

    return _found(text if isinstance(text, str) else str(text or ""), SensitiveWord.Level.REVIEW)


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
