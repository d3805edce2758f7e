"""Which requests count as a page view, and under which kind and key.

A request counts when it is a GET answered 200 by a *public* view (``@access(PUBLIC)``)
outside the back office, the admin, the API, accounts, static files, downloads and
feeds, from something that looks like a browser. The page is named by its resolved URL
name plus one object key taken from the URL kwargs (never from the query string), so
this module needs no other app's models: B2's disclosure pages are counted by their URL
names too. Apps may declare a page explicitly with ``register_counted_page``; otherwise
the kwarg names decide (``department…`` → department, ``code``/``item_code`` → item,
the disclosure namespace → disclosure, no kwargs → column).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from zhengwu.core.access import PUBLIC, rule_of

from .models import PageKind

EXCLUDED_PATH_PREFIXES = ("/office/", "/admin/", "/api/", "/static/", "/files/", "/accounts/", "/media/", "/feeds/")
EXCLUDED_NAMESPACES = frozenset({"admin", "api", "accounts", "core"})
# Obvious robots and scripts; the user agent only decides, it is never stored.
BOT_MARKERS = ("bot", "spider", "crawl", "slurp", "curl/", "wget/", "python-", "go-http-client", "headless", "httpclient")
KEY_MAX = 100
IP_REFERRER = "(IP 地址)"  # an address could be a person's own machine: not stored as such

_DEPARTMENT_KWARGS = ("department", "department_code", "dept", "dept_code", "unit", "unit_code")
_ITEM_KWARGS = ("item_code", "code")
_COLUMN_KWARGS = ("column", "column_type", "channel")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST_OK = re.compile(r"[\w.-]{1,253}")


@dataclass(frozen=True)
class CountedPage:
    kind: str
    url_name: str
    object_key: str


# url name → (kind, kwarg naming the object or "")
_declared: dict[str, tuple[str, str]] = {
    "portal:home": (PageKind.COLUMN, ""),
    "portal:disclosure": (PageKind.COLUMN, ""),
    "portal:services": (PageKind.COLUMN, ""),
    "portal:participation": (PageKind.COLUMN, ""),
    "portal:catalog": (PageKind.COLUMN, ""),
    "portal:departments": (PageKind.COLUMN, ""),
    "portal:item": (PageKind.ITEM, "code"),
    "portal:elderly": ("", ""),  # a switch, not a page
    # 政务公开 pages (disclosure app): counted by URL name, without importing that app.
    "disclosure:detail": (PageKind.DISCLOSURE, "pk"),
    "disclosure:item": (PageKind.ITEM, "code"),  # the disclosure page of a catalog item
    "disclosure:department": (PageKind.DEPARTMENT, "code"),
    "disclosure:column": (PageKind.COLUMN, "column"),
    "disclosure:attachment": ("", ""),  # a download, not a page
}


def register_counted_page(url_name: str, kind: str, kwarg: str = "") -> None:
    """Declare how a public page is counted (``kind`` "" means: not at all)."""
    if kind and kind not in PageKind.values:
        raise ValueError(f"unknown page kind {kind!r}")
    _declared[url_name] = (kind, kwarg)


def _key(value) -> str:
    return _CONTROL.sub("", str(value))[:KEY_MAX]


def classify(url_name: str, namespace: str, kwargs: dict) -> CountedPage | None:
    declared = _declared.get(url_name)
    if declared is not None:
        kind, kwarg = declared
        if not kind:
            return None
        return CountedPage(kind, url_name, _key(kwargs.get(kwarg, "")) if kwarg else "")
    for names, kind in ((_DEPARTMENT_KWARGS, PageKind.DEPARTMENT), (_COLUMN_KWARGS, PageKind.COLUMN)):
        hit = next((n for n in names if n in kwargs), None)
        if hit:
            return CountedPage(kind, url_name, _key(kwargs[hit]))
    if namespace == "disclosure" and kwargs:
        return CountedPage(PageKind.DISCLOSURE, url_name, _key(kwargs[min(kwargs)]))
    hit = next((n for n in _ITEM_KWARGS if n in kwargs), None)
    if hit:
        return CountedPage(PageKind.ITEM, url_name, _key(kwargs[hit]))
    if not kwargs:
        return CountedPage(PageKind.COLUMN, url_name, "")
    return CountedPage(PageKind.PAGE, url_name, _key(kwargs[min(kwargs)]))


@lru_cache(maxsize=1024)
def is_bot(user_agent: str) -> bool:
    if not user_agent:
        return True  # browsers always send one; scripts often send none
    ua = user_agent.lower()
    return any(marker in ua for marker in BOT_MARKERS)


def counted_page(request, response) -> CountedPage | None:
    """The page a finished request viewed, or None when it does not count."""
    if request.method != "GET" or response.status_code != 200 or getattr(response, "streaming", False):
        return None
    if request.path.startswith(EXCLUDED_PATH_PREFIXES):
        return None
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return None
    namespace = match.namespaces[0] if match.namespaces else ""
    if namespace in EXCLUDED_NAMESPACES:
        return None
    rule = rule_of(match.func)
    if rule is None or rule.audience != PUBLIC:
        return None
    if is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return None
    return classify(match.view_name, namespace, match.kwargs)


@lru_cache(maxsize=256)
def _host_of(raw_host: str) -> str:
    try:
        return (urlsplit("//" + raw_host).hostname or "").rstrip(".")
    except ValueError:
        return ""


@lru_cache(maxsize=4096)
def _external_host(origin: str) -> str | None:
    """Normalise ``scheme://host[:port]`` to a storable host name (or IP_REFERRER); None if unusable."""
    try:
        parts = urlsplit(origin)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.rstrip(".")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return IP_REFERRER
    if not _HOST_OK.fullmatch(host) or "." not in host:
        return None
    return host


def referrer_domain(request, internal_domains: frozenset[str] = frozenset()) -> str | None:
    """The external site's host name from the Referer header; None for none or our own site.

    Only ``scheme://host`` of the header is looked at (and cached), never its path or query.
    """
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or len(referer) > 4096:
        return None
    origin = "/".join(referer.split("/", 3)[:3])
    host = _external_host(origin)
    if host is None or host in internal_domains:
        return None
    if host == _host_of(request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME") or ""):
        return None
    return host
