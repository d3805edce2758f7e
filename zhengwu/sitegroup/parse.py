"""Turn fetched feed bytes into plain-text entries, whatever the feed looks like.

feedparser is given the bytes (it never fetches anything itself). It drops entity
declarations other than plain ones before handing XML to expat, so an entity-expansion
("billion laughs") document parses as a small bozo feed; the 2 MB fetch limit bounds the
rest. A bozo feed that still yields entries is accepted (many real government feeds are
not well-formed); a document with no feed in it at all is an error.

Titles and summaries are reduced to plain text (tags dropped, script/style content
removed, entities decoded, control characters and runs of blanks collapsed): the column
and search show text, never someone else's HTML. Links must be absolute http(s) URLs;
an entry without one is skipped.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
import nh3
from django.conf import settings
from django.utils import timezone

from .fetch import ALLOWED_SCHEMES, FetchError

TITLE_MAX = 300
SUMMARY_MAX = 500
GUID_MAX = 500
LINK_MAX = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_BLANKS = re.compile(r"\s+")


def max_entries() -> int:
    return int(getattr(settings, "ZHENGWU_SITEGROUP_MAX_ENTRIES", 100))


@dataclass(frozen=True)
class ParsedEntry:
    guid: str
    link: str
    title: str
    summary: str
    published_at: dt.datetime


def plain_text(value, limit: int) -> str:
    """Reduce feed HTML or text to one line of plain text of at most ``limit`` characters."""
    if not isinstance(value, str) or not value:
        return ""
    value = _CONTROL.sub("", value)
    text = nh3.clean(value, tags=set(), clean_content_tags={"script", "style"}, strip_comments=True)
    text = html.unescape(text)
    text = _BLANKS.sub(" ", _CONTROL.sub("", text)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _absolute_link(raw, base: str) -> str:
    if not isinstance(raw, str):
        return ""
    raw = _CONTROL.sub("", raw).strip()
    if not raw:
        return ""
    try:
        link = urljoin(base, raw)
        parts = urlsplit(link)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname or len(link) > LINK_MAX:
        return ""
    if any(c.isspace() for c in link):
        return ""
    return link


def _published(entry, now: dt.datetime) -> dt.datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                value = dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)
            except (OverflowError, ValueError, OSError, TypeError):
                continue
            # A date in the future would pin the entry to the top of the column for good.
            return min(value, now)
    return now


def _looks_like_html(body: bytes, content_type: str) -> bool:
    if content_type.split(";", 1)[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def parse_feed(body: bytes, *, base_url: str, content_type: str = "") -> list[ParsedEntry]:
    """Parse ``body`` into at most ``ZHENGWU_SITEGROUP_MAX_ENTRIES`` entries; raise FetchError if it is no feed."""
    headers = {"content-type": content_type} if content_type else {}
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True, resolve_relative_uris=False)
    except Exception:  # noqa: BLE001 - a hostile document must not take the worker down
        raise FetchError("订阅源内容无法解析") from None
    if not parsed.get("version") and not parsed.entries:
        if _looks_like_html(body, content_type):
            raise FetchError("该地址不是 RSS/Atom 订阅源(可能是普通网页)")
        if parsed.get("bozo"):
            raise FetchError("订阅源内容不是有效的 RSS/Atom 格式")
        raise FetchError("该地址不是 RSS/Atom 订阅源(可能是普通网页)")
    base = parsed.feed.get("link") if isinstance(parsed.feed.get("link"), str) else ""
    base = base_url if not base or not _absolute_link(base, base_url) else _absolute_link(base, base_url)
    now = timezone.now()
    out: list[ParsedEntry] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        if len(out) >= max_entries():
            break
        link = _absolute_link(entry.get("link"), base)
        if not link:
            continue
        title = plain_text(entry.get("title"), TITLE_MAX) or "(无标题)"
        summary_raw = entry.get("summary") or ""
        if not summary_raw and entry.get("content"):
            first = entry["content"][0]
            summary_raw = first.get("value", "") if isinstance(first, dict) else ""
        guid = entry.get("id") if isinstance(entry.get("id"), str) else ""
        guid = _CONTROL.sub("", guid).strip()[:GUID_MAX] or link[:GUID_MAX]
        if guid in seen:
            continue
        seen.add(guid)
        out.append(ParsedEntry(
            guid=guid, link=link, title=title,
            summary=plain_text(summary_raw, SUMMARY_MAX), published_at=_published(entry, now),
        ))
    return out
