"""The sensitive-word list every place the public writes is checked against (kept by the letters office).

Contract:

* ``moderation_check(*, text) -> list[str]``: the *blocking* sensitive words found in
  ``text`` (abuse, illegal advertising …), in list order. A caller refuses the text and
  names the words, so the writer can rephrase; nothing is ever dropped silently.
  Words of the *review* level (self-harm, threats of violence) are not returned here:
  such a letter must reach a person, not be refused; ``moderation_review_words`` finds them.

Other apps (participation) reach the word list through core's registry
(``zhengwu.core.registries.moderation``), which ``LettersConfig.ready`` fills; the rate
limit every public form shares is ``zhengwu.core.ratelimit.rate_limit_check``.

The word list is the ``SensitiveWord`` table (edited by the letters office and the
system administrator through ``services``); each process keeps it for
``WORDS_CACHE_SECONDS`` and drops its copy at once after a change it made.
"""

from __future__ import annotations

import time
import unicodedata

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
