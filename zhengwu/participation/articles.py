"""Split a draft's whole text into its articles (第一条 …).

Chinese normative documents put every article on a new line starting with 第X条; chapter
and section headings (第X章 / 第X节) stand on their own lines. A text without any
第X条 (an explanation, a plan) is split into its paragraphs, labelled 第N段, so it can
still be commented on piece by piece. Staff edit the result before publishing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"[零〇一二三四五六七八九十百千两\d]+"
_ARTICLE = re.compile(rf"^\s*(第{_NUM}条)[\s\u3000]*(.*)$")
_HEADING = re.compile(rf"^\s*(第{_NUM}[章节](?:[\s\u3000].*)?)$")

MAX_ARTICLES = 500


@dataclass(frozen=True)
class ArticleDraft:
    label: str
    text: str
    heading: str = ""


def articles_split(body: str) -> list[ArticleDraft]:
    """Return the articles of ``body`` in order; text before the first article is the preamble (not returned)."""
    lines = (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(_ARTICLE.match(line) for line in lines):
        return _paragraphs(lines)
    out: list[ArticleDraft] = []
    chapter = section = ""
    label = None
    heading = ""
    parts: list[str] = []

    def flush():
        if label is not None:
            out.append(ArticleDraft(label=label, text="\n".join(p for p in parts if p).strip(), heading=heading))

    for raw in lines:
        line = raw.strip()
        heading_match = _HEADING.match(line)
        if heading_match:
            flush()
            label, parts = None, []
            title = " ".join(heading_match.group(1).split())
            if re.match(rf"第{_NUM}章", title):
                chapter, section = title, ""
            else:
                section = title
            continue
        article_match = _ARTICLE.match(line)
        if article_match:
            flush()
            label = article_match.group(1)
            heading = " ".join(h for h in (chapter, section) if h)
            parts = [article_match.group(2).strip()]
        elif label is not None:
            parts.append(line)
    flush()
    return out[:MAX_ARTICLES]


def _paragraphs(lines: list[str]) -> list[ArticleDraft]:
    paragraphs, current = [], []
    for raw in lines:
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    # One-line-per-paragraph texts (no blank lines) split by line instead.
    if len(paragraphs) == 1 and "\n" in paragraphs[0]:
        paragraphs = paragraphs[0].split("\n")
    return [ArticleDraft(label=f"第{i}段", text=p) for i, p in enumerate(paragraphs[:MAX_ARTICLES], start=1)]
