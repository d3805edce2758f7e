"""The sensitive-word check every public text goes through, whoever keeps the word list.

The letters office keeps the one word list (``letters.SensitiveWord``); participation's
comments and survey answers are checked against the same list without importing the
letters app: ``LettersConfig.ready`` registers its check here with
``register_word_filter(check)``, and callers ask ``moderation_check(text=...)``.

``check(*, text) -> list[str]`` returns the *blocking* words found, in list order; an
empty list means the text may pass. With no filter registered (the letters app not
installed) nothing is blocked: there is no word list to apply.
"""

from __future__ import annotations

from collections.abc import Callable

_filters: list[Callable[..., list[str]]] = []


def register_word_filter(check: Callable[..., list[str]]) -> None:
    _filters[:] = [check]


def moderation_check(*, text: str) -> list[str]:
    """Return the blocking sensitive words in ``text`` (empty list: the text may pass)."""
    if not _filters:
        return []
    return _filters[0](text=text)
