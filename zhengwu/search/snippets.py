"""Highlighted snippets: the best window of the text, HTML-escaped, hits in ``<em>``.

Our own highlighter (not the engine's) so both engines give the same snippets, and so
escaping is done in one place: everything outside ``<em>`` is ``html.escape``d, which is
what makes the snippet safe to render as HTML.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

SNIPPET_CHARS = 120
LEAD_CHARS = 20


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _best_start(spans: list[tuple[int, int]], max_chars: int) -> int:
    """Start of the window (a little before some hit) that holds the most hits."""
    best, best_hits, j = 0, -1, 0
    for i, (hit_start, _) in enumerate(spans):
        start = max(0, hit_start - LEAD_CHARS)
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= start + max_chars:
            j += 1
        if j - i > best_hits:
            best, best_hits = start, j - i
    return best


def highlight(text: str, words, max_chars: int = SNIPPET_CHARS) -> str:
    text = " ".join((text or "").split())
    pattern = _pattern(tuple(words))
    spans = [m.span() for m in pattern.finditer(text)] if pattern else []
    start = _best_start(spans, max_chars) if spans and len(text) > max_chars else 0
    end = min(len(text), start + max_chars)
    out = ["…"] if start > 0 else []
    pos = start
    for a, b in spans:
        if a < start:
            continue
        if b > end:
            break
        out.append(html.escape(text[pos:a]))
        out.append("<em>" + html.escape(text[a:b]) + "</em>")
        pos = b
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)
