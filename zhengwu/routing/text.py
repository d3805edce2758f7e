"""Turning Chinese text into the terms the routing model counts.

One segmenter per process (rjieba, with the lexicon's everyday words added so that
"缺斤少两" or "占道经营" stay whole); building it costs ~0.2 s, so it is made lazily and
kept. Insights reuses ``terms`` for keyword extraction, so both speak the same words.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import rjieba

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_PATH = DATA_DIR / "lexicon.json"

# Words that say nothing about which department is meant: administrative boilerplate of
# responsibilities texts, and the politeness and filler of letters.
STOP_WORDS = frozenset(
    """
    负责 全县 本县 县级 管理 工作 有关 相关 以及 及其 其他 等等 组织 实施 统筹 依法 拟订 推进
    服务 事项 事业 行业 综合 监督管理 管理工作 办理 处理 情况 问题 部门 单位 领导 政府 人民政府
    尊敬 您好 你好 请问 谢谢 感谢 希望 恳请 麻烦 反映 反应 投诉 咨询 建议 举报 求助 帮助 解决
    我们 你们 他们 她们 自己 大家 现在 目前 已经 一直 一下 一个 这个 那个 什么 怎么 怎么办 为什么
    如何 哪里 哪些 还是 但是 因为 所以 如果 可以 能否 是否 能不能 需要 应该 没有 不能 不是 就是
    这样 那样 这种 那种 时候 今天 昨天 最近 之前 以后 一些 很多 非常 特别 真的 根本 到底 还有
    多次 几次 好几 上午 下午 晚上 每天 天天 里面 附近 旁边 门口 县里 县城 我家 家里 本人 有人 其中
    """.split()  # noqa: SIM905 - a word list reads best as text
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORDY = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]+$")


@lru_cache(maxsize=1)
def lexicon_groups() -> tuple[dict, ...]:
    """The everyday-language lexicon (data/lexicon.json), read once."""
    with LEXICON_PATH.open(encoding="utf-8") as fh:
        data = json.load(fh)
    groups = []
    for group in data["groups"]:
        groups.append({
            "domain": group["domain"],
            "anchors": tuple(group["anchors"]),
            "words": tuple(dict.fromkeys(group["words"].split())),
        })
    return tuple(groups)


@lru_cache(maxsize=1)
def _kept_short_words() -> frozenset[str]:
    # Single characters and numbers are noise ("的", amounts, dates) except the few the
    # lexicon names on purpose ("猪", "税", "110"): "死猪" or "打110" mean exactly that.
    return frozenset(w.lower() for g in lexicon_groups() for w in g["words"] if len(w) == 1 or w.isdigit())


_segmenter = None
_segmenter_lock = threading.Lock()


def segmenter():
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                seg = rjieba.Jieba()
                for group in lexicon_groups():
                    for word in group["words"]:
                        if len(word) > 1 and _CJK.search(word):
                            seg.add_word(word, None, None)
                _segmenter = seg
    return _segmenter


@lru_cache(maxsize=1)
def _lexicon_prefixes() -> dict[str, tuple[str, ...]]:
    """Multi-character lexicon words by their first two characters, longest first."""
    table: dict[str, list[str]] = {}
    for group in lexicon_groups():
        for word in group["words"]:
            if len(word) > 1 and _CJK.search(word):
                table.setdefault(word[:2], []).append(word)
    return {k: tuple(sorted(set(v), key=len, reverse=True)) for k, v in table.items()}


def _lexicon_words_in(text: str) -> list[str]:
    # The segmenter's statistics sometimes cut across a lexicon word ("路灯不亮" → 路 / 灯不亮)
    # even with the word added; a direct scan finds it anyway.
    prefixes = _lexicon_prefixes()
    found = []
    for i in range(len(text) - 1):
        for word in prefixes.get(text[i:i + 2], ()):
            if text.startswith(word, i):
                found.append(word)
                break
    return found


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to half-width), control characters to spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def terms(text: str, *, for_search: bool = False) -> list[str]:
    """Return the meaningful terms of ``text`` in order (repeats kept).

    ``for_search`` also yields the parts of long words ("人力资源" → "人力", "资源"), which
    suits the short official texts department profiles are built from.
    """
    seg = segmenter()
    text = normalise(text)
    pieces = seg.cut_for_search(text) if for_search else seg.cut(text)
    kept = _kept_short_words()
    out = []
    for piece in pieces:
        word = piece.strip().lower()
        if not word or not _WORDY.match(word) or word in STOP_WORDS:
            continue
        if (len(word) == 1 or word.isdigit()) and word not in kept:
            continue
        out.append(word)
    seen = set(out)
    out.extend(w for w in _lexicon_words_in(text) if w not in seen and not any(w in t for t in seen))
    return out


def has_meaningful_text(text: str) -> bool:
    """Whether ``text`` holds any Chinese character or letter/digit run at all."""
    return bool(re.search(r"[\u4e00-\u9fffA-Za-z0-9]", normalise(text)))
