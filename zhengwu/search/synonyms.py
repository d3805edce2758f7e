"""The synonym and abbreviation dictionary (同义词词典), read side.

Staff keep groups of words that mean the same to a citizen (``SearchSynonym``: a
canonical word and its everyday variants, 最低生活保障 = 低保 低保金). This module is the
one published way to use them, for search and for apps above it (letter routing):

* ``expand(parsed)``: query expansion, both directions. A query term, or a run of query
  terms that spells a dictionary word ("最低" "生活保障"), is satisfied by any word of its
  group; a multi-word alternative must match all its words.
* ``equivalents(word)`` and ``words_in(text)``: the group of a word; the dictionary words
  a text contains, each with its equivalents (routing adds those to a letter's terms).
* ``dictionary_words()``: every word, for pinyin and typo suggestions.

The groups are read from the database once and kept; at most every ``CHECK_SECONDS`` a
cheap query (row count and last change) tells whether to reload, so an edit on one app
server is seen by the others within seconds (and at once on the one that made it).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from django.db import DatabaseError

from .text import ParsedQuery, words

# Words in the variants field are separated by spaces or Chinese/ASCII list punctuation.
_SEPARATORS = re.compile(r"[\s、,，;；/|]+")
# A dictionary word spans at most this many query terms ("最低 生活 保障").
MAX_RUN = 4
MAX_ALTERNATIVES = 8  # per clause: a long group must not turn one term into a huge query


def split_words(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in _SEPARATORS.split(text or "") if w))


@dataclass(frozen=True)
class Dictionary:
    stamp: tuple
    groups: tuple[tuple[str, ...], ...]  # canonical first
    group_of: dict[str, int]  # lower-cased word -> group index
    segmented: dict[str, tuple[str, ...]]  # word -> its query words (rjieba)

    def equivalents(self, word: str) -> tuple[str, ...]:
        """The other words of ``word``'s group (canonical first), or () if it has none."""
        index = self.group_of.get(word.lower())
        if index is None:
            return ()
        return tuple(w for w in self.groups[index] if w.lower() != word.lower())

    def alternatives(self, word: str) -> list[list[str]]:
        """Every word of the group as query words, ``word`` itself first."""
        index = self.group_of.get(word.lower())
        if index is None:
            return [[word]]
        out = [[word]]
        for other in self.groups[index]:
            seg = list(self.segmented.get(other, ()))
            if seg and seg not in out:
                out.append(seg)
        return out[:MAX_ALTERNATIVES]


_EMPTY = Dictionary(stamp=(), groups=(), group_of={}, segmented={})
_lock = threading.Lock()
_current: Dictionary = _EMPTY
_checked = 0.0
# The table is asked whether it changed at most this often per process: an edit made
# on another app server is used there within this many seconds (at once on this one).
CHECK_SECONDS = 2.0


def _stamp() -> tuple:
    from django.db.models import Count, Max

    from .models import SearchSynonym

    row = SearchSynonym.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (row["n"], str(row["last"]))


def _load(stamp: tuple) -> Dictionary:
    from .models import SearchSynonym

    groups, group_of, segmented = [], {}, {}
    for canonical, variants in SearchSynonym.objects.filter(is_active=True).order_by("id").values_list(
        "canonical", "variants"
    ):
        members = tuple(dict.fromkeys([canonical.strip(), *split_words(variants)]))
        members = tuple(m for m in members if m)
        if len(members) < 2:
            continue
        index = len(groups)
        groups.append(members)
        for member in members:
            # A word in two groups keeps its first: the older entry wins, predictably.
            group_of.setdefault(member.lower(), index)
            segmented[member] = tuple(words(member))
    return Dictionary(stamp=stamp, groups=tuple(groups), group_of=group_of, segmented=segmented)


def dictionary() -> Dictionary:
    """The current dictionary (reloaded when the table changed)."""
    global _current, _checked
    now = time.monotonic()
    current = _current
    if current is not _EMPTY and now - _checked < CHECK_SECONDS:
        return current
    try:
        stamp = _stamp()
    except DatabaseError:  # no table yet (before migrate): search without synonyms
        return _EMPTY
    with _lock:
        if _current.stamp != stamp or _current is _EMPTY:
            _current = _load(stamp)
        _checked = now
        return _current


def forget() -> None:
    """Drop the kept dictionary (after an edit in this process; tests)."""
    global _current, _checked
    with _lock:
        _current, _checked = _EMPTY, 0.0


def equivalents(word: str) -> tuple[str, ...]:
    return dictionary().equivalents(word)


def dictionary_words() -> dict[str, int]:
    """Every word of the dictionary with the size of its group (for suggestions)."""
    d = dictionary()
    return {w: len(group) for group in d.groups for w in group}


def words_in(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Dictionary words found in ``text`` (longest first at each position), with equivalents."""
    d = dictionary()
    if not d.group_of or not text:
        return []
    lowered = text.lower()
    by_start: dict[str, list[str]] = {}
    for word in d.group_of:
        if len(word) > 1:
            by_start.setdefault(word[:2], []).append(word)
    found: dict[str, tuple[str, ...]] = {}
    i = 0
    while i < len(lowered) - 1:
        candidates = sorted(by_start.get(lowered[i:i + 2], ()), key=len, reverse=True)
        match = next((w for w in candidates if lowered.startswith(w, i)), None)
        if match:
            found.setdefault(match, d.equivalents(match))
            i += len(match)
        else:
            i += 1
    return list(found.items())


def expand(parsed: ParsedQuery) -> ParsedQuery:
    """``parsed`` with its terms grouped into clauses of alternatives from the dictionary."""
    d = dictionary()
    if not d.group_of or not parsed.terms:
        return parsed
    terms = parsed.terms
    clauses: list[list[list[str]]] = []
    changed = False
    i = 0
    while i < len(terms):
        run = 1
        # The longest run of consecutive terms that is a dictionary word.
        for size in range(min(MAX_RUN, len(terms) - i), 1, -1):
            if "".join(terms[i:i + size]).lower() in d.group_of:
                run = size
                break
        if run > 1:
            joined = "".join(terms[i:i + run])
            alternatives = [list(terms[i:i + run])]
            for alt in d.alternatives(joined)[1:]:
                if alt not in alternatives:
                    alternatives.append(alt)
            clauses.append(alternatives[:MAX_ALTERNATIVES])
            changed = True
        else:
            alternatives = d.alternatives(terms[i])
            changed = changed or len(alternatives) > 1
            clauses.append(alternatives)
        i += run
    if not changed:
        return parsed
    return ParsedQuery(text=parsed.text, terms=parsed.terms, phrases=parsed.phrases,
                       dropped_stop_words=parsed.dropped_stop_words, expanded=clauses)
