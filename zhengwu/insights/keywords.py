"""Keyword extraction from a letter's title and body.

Segmentation and the basic stop words are routing's (zhengwu.routing.text), so a word
means the same in both. On top: words that are frequent in every letter and say nothing
about its topic, a minimum length of two characters, no numbers, at most
``KEYWORDS_PER_LETTER`` words ranked by how often the letter uses them (the title counts
double: writers name their matter there).
"""

from __future__ import annotations

from collections import Counter

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


def keywords_extract(*, title: str, body: str) -> list[str]:
    """Return the letter's keywords, most used first; each at most once."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    position = 0
    for weight, text in ((2, title or ""), (1, body or "")):
        for word in terms(text):
            if len(word) < 2 or word.isdigit() or word in LETTER_STOP_WORDS or len(word) > WORD_MAX:
                continue
            counts[word] += weight
            first_seen.setdefault(word, position)
            position += 1
    ranked = sorted(counts, key=lambda w: (-counts[w], first_seen[w]))
    return ranked[:KEYWORDS_PER_LETTER]
