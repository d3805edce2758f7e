"""Keyword extraction from a letter's title and body.

Segmentation and the basic stop words are routing's (zhengwu.routing.text), so a word
means the same in both. On top: words that are frequent in every letter and say nothing
about its topic, a minimum length of two characters, no numbers, at most
``KEYWORDS_PER_LETTER`` words ranked by how often the letter uses them (the title counts
double: writers name their matter there).

Two more filters keep the hot topics about matters (issue 17): ``FILLER_WORDS``, the
quantifiers, degree words and verbs of everyday writing that the segmenter keeps as
words (一家, 只有, 很大), and the county's own place and unit names (城关镇, 柳树村,
县住建局 ...), read from the organisation tree, since a township says where a letter is
from, not what it is about (the township dimension already counts that).
"""

from __future__ import annotations

import re
import time
from collections import Counter

from zhengwu.org.models import Unit
from zhengwu.routing.text import terms

KEYWORDS_PER_LETTER = 10
WORD_MAX = 32

LETTER_STOP_WORDS = frozenset(
    """
    老百姓 群众 市民 居民 村民 百姓 领导 同志 县长 书记 主任 相关部门 有关部门 部门 工作人员 政府部门
    信件 来信 回复 答复 处理 落实 调查 核实 关注 重视 及时 尽快 立即 严肃 严重 长期 多年 经常 一年
    两年 三年 几年 几天 好几天 一个月 个月 年前 月份 今年 去年 明年 时间 地方 东西 事情 情况 问题 现象
    要求 意见 办法 方面 影响 造成 导致 出现 发生 进行 没人 无人 不管 管管 管理 解决 希望 谢谢 您好
    楼下 楼上 隔壁 对面 周边 周围 这边 那边 当地 本地
    """.split()  # noqa: SIM905 - a word list reads best as text
)


FILLER_WORDS = frozenset(
    """
    一家 一户 一位 一名 一条 一处 一块 一辆 一次 一点 一些 一样 一起 一定 一般 一直 一切 只有 只是 只能
    只要 不仅 而且 并且 或者 还是 而是 于是 然后 然而 虽然 但是 不过 很大 很多 很少 很小 很高 很低 很长
    很久 很差 很难 街道 太大 太多 太少 太小 比较 更加 越来越 十分 极其 相当 特别 非常 实在 确实 其实 甚至
    多年 多次 好多 有些 有的 每个 每次 各种 各个 整个 所有 全部 许多 不少 大量 一直 经过 通过 按照 根据
    关于 对于 由于 为了 以来 以上 以下 之后 之间 当时 当中 其中 这里 那里 这些 那些 这次 那次 知道 觉得
    认为 看到 听说 发现 表示 告诉 说明 得到 带来 存在 属于 成为 作为 变成 不会 不让 不用 不想 不要
    社区 小区 方便 材料 申请 增加 家住 持续 依法 依法处理 查处 监管部门 就近 上门 附近 办理 本人 家里
    没法 无法 只好 只得 终于 结果 后来 原来 本来 已经 还要 还有 还在 正在 开始 继续 出来 起来 下来
    """.split()  # noqa: SIM905 - a word list reads best as text
)

# 示例县 → 示例; 城关镇 → 城关; 柳树村 → 柳树: a letter names a place with or without its
# suffix, and the segmenter may cut either way. Departments only by their whole name
# (县教育局, 教育局): 教育 or 公安 alone is a topic, not a place.
_PLACE_SUFFIX = re.compile(r"(人民政府|便民服务中心|街道|社区|乡|镇|村|县|区)$")
_PLACE_KINDS = (Unit.Kind.COUNTY, Unit.Kind.TOWNSHIP, Unit.Kind.STREET, Unit.Kind.VILLAGE, Unit.Kind.COMMUNITY,
                Unit.Kind.SERVICE_POINT)
_PLACE_TTL_SECONDS = 60
_place_cache: dict[str, object] = {"at": 0.0, "words": frozenset()}


def place_words() -> frozenset[str]:
    """The county's place and unit names, whole and without their suffix (one query a minute)."""
    now = time.monotonic()
    if now - float(_place_cache["at"]) < _PLACE_TTL_SECONDS and _place_cache["words"]:
        return _place_cache["words"]  # type: ignore[return-value]
    words: set[str] = set()
    for name, kind in Unit.objects.values_list("name", "kind"):
        name = re.sub(r"[((].*?[))]", "", name).strip()
        variants = [name, name.removeprefix("县")]
        if kind in _PLACE_KINDS:
            variants.append(_PLACE_SUFFIX.sub("", name))
        words.update(v for v in variants if len(v) >= 2)
    _place_cache.update(at=now, words=frozenset(words))
    return _place_cache["words"]  # type: ignore[return-value]


def place_words_forget() -> None:
    """Drop the cached place names (tests, and after the organisation tree changed)."""
    _place_cache.update(at=0.0, words=frozenset())


def keywords_extract(*, title: str, body: str) -> list[str]:
    """Return the letter's keywords, most used first; each at most once."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    position = 0
    places = place_words()
    for weight, text in ((2, title or ""), (1, body or "")):
        for word in terms(text):
            if len(word) < 2 or word.isdigit() or word in LETTER_STOP_WORDS or len(word) > WORD_MAX:
                continue
            if word in FILLER_WORDS or word in places:
                continue
            counts[word] += weight
            first_seen.setdefault(word, position)
            position += 1
    ranked = sorted(counts, key=lambda w: (-counts[w], first_seen[w]))
    return ranked[:KEYWORDS_PER_LETTER]
