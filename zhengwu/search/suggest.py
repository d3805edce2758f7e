"""Query suggestions from a vocabulary of the words of indexed titles.

* pinyin: "shebao" / "she bao" -> 社保 (full pinyin of a vocabulary word, no tones);
* did you mean: for a query without results, each unknown word is replaced by a
  vocabulary word with the same pinyin (同音错字 "社宝" -> "社保") or, failing that, one
  at edit distance 1 (deletion neighbourhoods, so no scan of the vocabulary).

The vocabulary is rebuilt when the index generation changed, at most every
``REFRESH_SECONDS`` (pinyin of a word is cached for the life of the process).
"""

from __future__ import annotations

import re
import threading
import time
from functools import lru_cache

import rjieba
from pypinyin import Style, lazy_pinyin

from . import synonyms
from .backends import search_backend

REFRESH_SECONDS = 60
MAX_SUGGESTIONS = 5
_ASCII_QUERY = re.compile(r"^[a-z' ]{2,60}$")
_CJK = re.compile(r"^[\u3400-\u9fff]{2,8}$")
_CJK_RUN = re.compile(r"^[\u3400-\u9fff]{3,40}$")


@lru_cache(maxsize=200_000)
def word_pinyin(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


# Dictionary words count like words in this many titles: 低保 is what people type, so
# its pinyin "dibao" should suggest it even if no title says 低保.
DICTIONARY_WEIGHT = 1000


class Vocabulary:
    def __init__(self, counts: dict[str, int], dictionary_words: dict[str, int] | None = None):
        self.counts = {}
        for word in dictionary_words or {}:
            if _CJK.match(word):
                self.counts[word] = self.counts.get(word, 0) + DICTIONARY_WEIGHT
        for word, count in counts.items():
            # Sub-words too: titles say "社保卡", people type "社保".
            parts = [word, *rjieba.cut_for_search(word, False)] if len(word) > 2 else [word]
            for part in dict.fromkeys(parts):
                if _CJK.match(part):
                    self.counts[part] = self.counts.get(part, 0) + count
        self.by_pinyin: dict[str, list[str]] = {}
        self.deletes: dict[str, list[str]] = {}
        for word in sorted(self.counts, key=lambda w: -self.counts[w]):
            self.by_pinyin.setdefault(word_pinyin(word), []).append(word)
            for variant in _deletes(word):
                self.deletes.setdefault(variant, []).append(word)

    def from_pinyin(self, letters: str) -> list[str]:
        return self.by_pinyin.get(letters, [])[:MAX_SUGGESTIONS]

    def correct(self, word: str) -> str | None:
        if word in self.counts or not _CJK.match(word):
            return None
        same_sound = [w for w in self.by_pinyin.get(word_pinyin(word), []) if w != word]
        if same_sound:
            return same_sound[0]
        if len(word) < 3:
            return None  # one changed character of two is another word, not a typo
        candidates = []
        for variant in {word, *_deletes(word)}:
            for cand in self.deletes.get(variant, []):
                if cand != word and _edit_distance_at_most_one(word, cand):
                    candidates.append(cand)
            if variant in self.counts and variant != word:
                candidates.append(variant)
        if not candidates:
            return None
        # A changed character is the likeliest typo, then the most frequent word.
        return max(candidates, key=lambda w: (len(w) == len(word), self.counts.get(w, 0), w))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))} if len(word) > 1 else set()


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


_lock = threading.Lock()
_cache: dict = {"key": None, "checked": 0.0, "vocab": None}


def vocabulary(force: bool = False) -> Vocabulary:
    backend = search_backend()
    now = time.monotonic()
    with _lock:
        fresh_enough = _cache["vocab"] is not None and now - _cache["checked"] < REFRESH_SECONDS
        if fresh_enough and not force and _cache["backend"] is backend:
            return _cache["vocab"]
        dictionary = synonyms.dictionary()
        key = (id(backend), backend.generation(), dictionary.stamp)
        if _cache["key"] != key or force:
            _cache["vocab"] = Vocabulary(backend.vocabulary(), synonyms.dictionary_words())
            _cache["key"] = key
        _cache["checked"] = now
        _cache["backend"] = backend
        return _cache["vocab"]


def vocabulary_forget() -> None:
    with _lock:
        _cache.update(key=None, checked=0.0, vocab=None, backend=None)


def pinyin_suggestions(query_text: str) -> list[str]:
    letters = query_text.lower()
    if not _ASCII_QUERY.match(letters):
        return []
    letters = letters.replace(" ", "").replace("'", "")
    return vocabulary().from_pinyin(letters)


def did_you_mean(chunks: list[str]) -> str | None:
    """A corrected query for the whitespace-separated chunks of one, or None.

    A whole chunk is corrected first ("社宝" -> "社保"); otherwise a wrong word inside
    a longer chunk: each 4- and 3-character window that is no known word is tried for a
    same-length correction ("不动厂登记" -> "不动产登记").
    """
    if not chunks:
        return None
    vocab = vocabulary()
    if not vocab.counts:
        return None
    corrected, changed = [], False
    for chunk in chunks[:10]:
        better = vocab.correct(chunk) if _CJK.match(chunk) else None
        if better is None and len(chunk) >= 3 and _CJK_RUN.match(chunk):
            better = _correct_inside(vocab, chunk)
        corrected.append(better or chunk)
        changed = changed or better is not None
    return " ".join(corrected) if changed else None


def _correct_inside(vocab: Vocabulary, chunk: str) -> str | None:
    for size in (4, 3):
        for i in range(len(chunk) - size + 1):
            window = chunk[i:i + size]
            if window in vocab.counts:
                continue
            better = vocab.correct(window)
            if better and len(better) == size:
                return chunk[:i] + better + chunk[i + size:]
    return None
