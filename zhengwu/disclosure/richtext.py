"""Rich text of a disclosure body: the one allowlist, and the plain text derived from it.

Editors paste from Word and other sites, so the body is cleaned with nh3 (ammonia) to a
short list of structural tags before it is stored; what the public page prints with
``|safe`` is therefore always this module's output. Script, style, event handlers and
``javascript:`` URLs never survive; ``style=`` would also break the strict CSP.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

from zhengwu.core.sanitise import strip_unsafe_chars

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span",
    "h2", "h3", "h4", "h5", "blockquote", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a", "img",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Drop these with everything inside them (nh3 would otherwise keep their text).
CONTENT_DROPPED = frozenset({"script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "math"})

BODY_MAX_CHARS = 200_000
_SPACES = re.compile(r"[ \t\r\f\v\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def strip_control(text: str) -> str:
    """Remove control, zero-width and bidi characters (keep tab and newlines); see core.sanitise."""
    return strip_unsafe_chars(text)


def text_to_html(text: str) -> str:
    """Plain text typed into the form: blank lines separate paragraphs, newlines are kept."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def sanitize_html(raw: str) -> str:
    """Return the body reduced to the allowlist; safe to print unescaped.

    Text without any tag is taken as plain text and turned into paragraphs.
    """
    raw = strip_control(raw)
    if "<" not in raw:
        raw = text_to_html(raw)
    return nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CONTENT_DROPPED),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class _TextCollector(HTMLParser):
    BLOCKS = frozenset({"p", "br", "li", "tr", "h2", "h3", "h4", "h5", "blockquote", "pre", "dt", "dd", "hr", "table"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(clean_html: str) -> str:
    """Plain text of sanitised HTML: paragraphs kept as lines, entities decoded."""
    collector = _TextCollector()
    collector.feed(clean_html or "")
    collector.close()
    text = html.unescape("".join(collector.parts))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_excerpt(text: str, length: int = 160) -> str:
    one_line = " ".join((text or "").split())
    return one_line if len(one_line) <= length else one_line[:length].rstrip() + "…"


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        wanted = {"a": "href", "img": "src"}.get(tag)
        if not wanted:
            return
        for name, value in attrs:
            if name == wanted and value:
                self.links.append(value.strip())


def body_links(clean_html: str) -> list[str]:
    """Every href/src in the body, in order, duplicates removed."""
    collector = _LinkCollector()
    collector.feed(clean_html or "")
    collector.close()
    return list(dict.fromkeys(collector.links))
