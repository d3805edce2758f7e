"""Turning text into index terms, and a user's query into terms we search for.

Chinese has no spaces, so both sides are segmented with rjieba before tantivy (or
PostgreSQL) sees them; the engines then only split on whitespace and lowercase. Both
sides use the same segmentation (dictionary only, no HMM): HMM invents words such as
"卡补换" that differ between a document and a short query, while dictionary-only
segmentation falls back to single characters that still match.

The query is never parsed as a query language: quotes, ``*``, brackets, ``AND``/``OR``/
``NEAR`` and control characters are stripped, and the remaining words are looked up as
plain terms. Text in double quotes becomes a phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rjieba

from zhengwu.core.errors import ValidationFailed

MAX_QUERY_CHARS = 100
MAX_QUERY_TERMS = 12
# tantivy drops longer tokens (remove_long filter); the query side drops them too.
MAX_TOKEN_BYTES = 60

# Words that carry no meaning in a citizen's question ("如何办理社保"): dropped from the
# query unless nothing else is left, so "all words must match" does not fail on them.
STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "在", "是", "有", "把", "被", "吗", "呢", "吧", "啊", "呀", "么", "我", "我们", "你", "您", "他", "她", "它", "要", "想", "请", "请问", "怎么", "怎样", "怎么样", "如何", "什么", "哪里", "哪儿", "哪个", "哪些", "多少", "为什么", "能", "能否", "可以", "可否", "是否", "需要", "一下", "一个", "这个", "那个", "这", "那", "就", "都", "也", "还", "又", "对", "从", "向", "到", "给", "用", "以及", "关于"]
)
# Operators other engines understand; here they are ignored as words (case-sensitive:
# a lower-case "and" stays an ordinary word).
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')
# Everything that is query syntax somewhere: replaced by a space.
_SYNTAX = re.compile(r"""[*?()\[\]{}<>:^~+\-!\\/|&"'“”‘’「」『』=@#$%;,.，。、；：？！（）【】《》…·]""")


# Control and format characters, surrogates, private use, line/paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                      "\ufeff\ufff9-\ufffb\ud800-\udfff\ue000-\uf8ff]")
# Not part of any word: punctuation, symbols. Replaced by a space before segmentation.
_NON_WORD = re.compile(r"[^\w]+")


# Full-width ASCII (ＡＢＣ１２３) and the ideographic space to their ASCII forms. Cheaper
# than NFKC over every indexed document, and the same on both sides.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_HAS_WIDE = re.compile("[\uff01-\uff5e\u3000]")
# Only full-width letters and digits matter when indexing: full-width punctuation
# ("，（）") becomes a space like any other punctuation.
_HAS_WIDE_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def _clean(text: str) -> str:
    """Full-width letters and digits to ASCII, no control characters."""
    return _CONTROL.sub(" ", _narrow(text))


def _narrow(text: str) -> str:
    # str.translate looks every character up in a dict (~40 us for 300 Chinese
    # characters); a regex scan is ~20x faster and most documents have nothing to map.
    return text.translate(_WIDTH) if _HAS_WIDE.search(text) else text


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token) and len(token.encode()) <= MAX_TOKEN_BYTES


def words(text: str) -> list[str]:
    """Precise segmentation: the words of the text in order, lower-cased, no punctuation."""
    if not text:
        return []
    return [t for t in rjieba.cut(_NON_WORD.sub(" ", _clean(text).lower()), False) if _is_word(t.strip())]


def _sub_words(word: str) -> tuple[str, ...]:
    return tuple(s for s in rjieba.cut_for_search(word, False) if s != word and len(s) > 1)


# The sub-words of each distinct word, joined by spaces ("" when none), computed once
# per word (a plain dict: cheaper per lookup than lru_cache in the indexing loop).
_SUBS: dict[str, str] = {}


def _prepare(text: str) -> str:
    """Lower-cased, full-width letters and digits narrowed, punctuation to spaces."""
    # _NON_WORD turns control and format characters into spaces too, so only the
    # width mapping of _clean is needed here.
    if _HAS_WIDE_ALNUM.search(text):
        text = text.translate(_WIDTH)
    return _NON_WORD.sub(" ", text.lower())


def _extra(tokens: list[str]) -> str:
    """The sub-words of the distinct words among ``tokens``, joined by spaces."""
    subs = _SUBS
    if len(subs) > 500_000:
        subs.clear()  # bounded memory on a huge vocabulary; refilled as words recur
    # Each distinct word once, with set operations and map (C loops): a Python loop
    # over ~150 tokens per document cost more than the segmentation itself.
    distinct = set(tokens)
    for word in distinct.difference(subs):
        subs[word] = " ".join(_sub_words(word)) if len(word) > 2 else ""
    return " ".join(filter(None, map(subs.__getitem__, distinct)))


def index_terms(text: str) -> tuple[str, str]:
    """(precise words, extra sub-words) of a document field, each joined by spaces.

    The precise words keep their positions (phrase queries work on them); the sub-words
    that search-engine mode adds ("社会保障" also gives "社会", "保障") go to a separate
    field so that a query "保障" finds "社会保障" without breaking phrase positions.
    This runs for every indexed document, so it stays in C as much as possible:
    punctuation becomes spaces before segmentation and the engines split on whitespace
    (extra spaces are harmless; over-long tokens are dropped by the engine's analyzer).
    """
    if not text:
        return "", ""
    tokens = rjieba.cut(_prepare(text), False)
    return " ".join(tokens), _extra(tokens)


def document_terms(title: str, body: str) -> tuple[str, str, str, str]:
    """``index_terms`` of a title and a body with one segmentation call:
    (title words, title sub-words, body words, body sub-words), the same words.

    The two cleaned texts are cut as one, separated by a line break: segmentation never
    joins characters across whitespace, and the cleaned texts hold none but spaces, so
    the one "\n" token marks where the body begins.
    """
    tokens = rjieba.cut(f"{_prepare(title or '')}\n{_prepare(body or '')}", False)
    split = tokens.index("\n")
    title_tokens, body_tokens = tokens[:split], tokens[split + 1:]
    return " ".join(title_tokens), _extra(title_tokens), " ".join(body_tokens), _extra(body_tokens)


@dataclass
class ParsedQuery:
    text: str = ""  # the query as shown back to the user (cleaned)
    terms: list[str] = field(default_factory=list)  # each must match (see search)
    phrases: list[list[str]] = field(default_factory=list)  # each must match as a phrase
    dropped_stop_words: bool = False
    # Synonym expansion (zhengwu.search.synonyms): a term (or a run of terms that
    # spells a dictionary word) is satisfied by any of its alternatives, each a list of
    # words that must all occur. Empty until expanded: then every term stands alone.
    expanded: list[list[list[str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases

    @property
    def clauses(self) -> list[list[list[str]]]:
        """What must match, one entry per clause: alternatives, each a list of words."""
        return self.expanded or [[[t]] for t in self.terms]

    def highlight_words(self) -> list[str]:
        out = list(self.terms)
        for clause in self.expanded:
            for alternative in clause[1:]:
                # The synonym as a whole only: its parts ("城乡" of 城乡低保, "办" of 办执照)
                # would light up words that are not what the citizen asked for.
                out.append("".join(alternative) if all(_is_cjk(w) for w in alternative) else " ".join(alternative))
        for phrase in self.phrases:
            out.append("".join(phrase) if all(_is_cjk(w) for w in phrase) else " ".join(phrase))
            out.extend(phrase)
        return list(dict.fromkeys(w for w in out if w))


def _is_cjk(word: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in word)


def query_normalise(raw) -> str:
    """The query as one line of cleaned text (used for display and hot words)."""
    if not isinstance(raw, str):
        return ""
    text = _clean(raw).replace("\x00", " ")
    return " ".join(text.split())


def query_parse(raw) -> ParsedQuery:
    """Words and phrases of a user's query; raises ValidationFailed when too long."""
    text = query_normalise(raw)
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationFailed(
            f"搜索词不能超过{MAX_QUERY_CHARS}个字,请精简后再搜索", code="query_too_long",
            details={"field": "q", "max_length": MAX_QUERY_CHARS},
        )
    parsed = ParsedQuery(text=text)
    if not text:
        return parsed

    phrases: list[list[str]] = []

    def take_phrase(match):
        inner = next(g for g in match.groups() if g is not None)
        ws = [w for w in words(_SYNTAX.sub(" ", inner)) if w not in OPERATOR_WORDS]
        if len(ws) > 1:
            phrases.append(ws)
            return " "
        return f" {inner} "  # one word in quotes is just that word

    rest = _QUOTED.sub(take_phrase, text)
    rest = _SYNTAX.sub(" ", rest)
    chunks = [c for c in rest.split() if c not in OPERATOR_WORDS]
    terms = []
    for chunk in chunks:
        terms.extend(words(chunk))
    terms = list(dict.fromkeys(terms))
    meaningful = [t for t in terms if t not in STOP_WORDS]
    if meaningful and len(meaningful) < len(terms):
        parsed.dropped_stop_words = True
        terms = meaningful
    phrase_words = {w for p in phrases for w in p}
    parsed.terms = [t for t in terms if t not in phrase_words][:MAX_QUERY_TERMS]
    parsed.phrases = phrases[:3]
    return parsed
