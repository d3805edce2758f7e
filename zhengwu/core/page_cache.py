"""Cache of rendered public pages for anonymous visitors.

The catalog pages cost 5-30 ms of queries and template rendering each, while the same
bytes go to every anonymous visitor. ``cached_public_page`` keeps the rendered response
under a key holding the public-content version; ``audit_record`` bumps that version in
the same transaction as any change whose action belongs to public content (every write
goes through an audited service, so no write path can forget to invalidate).

Which actions are public is declared by the apps that own them
(``zhengwu.core.registries.public_content.register_public_actions`` in their
``AppConfig.ready``), not listed here. Most bump the site-wide version; a frequent action
whose effect shows on a few pages (a survey answer) bumps a narrower scope that only
those pages add to their key (``cached_public_page(scopes=("participation",))``).

Each process re-reads the version at most every ``ZHENGWU_PAGE_CACHE_RECHECK_SECONDS``
(default 2 s), and at once after a change it committed itself, so other app servers
serve a changed page at most that long after the change. Cache storage is Django's
cache (per-process memory by default; Redis via CACHE_URL for several servers).
"""

from __future__ import annotations

import hashlib
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse

from .models import ContentVersion
from .registries.public_content import SITE, public_scope_of

PUBLIC_SCOPE = SITE

_lock = threading.Lock()
_versions: dict[str, tuple[int, float]] = {}


def _recheck_seconds() -> float:
    return float(getattr(settings, "ZHENGWU_PAGE_CACHE_RECHECK_SECONDS", 2))


def content_version(scope: str = PUBLIC_SCOPE) -> int:
    now = time.monotonic()
    cached = _versions.get(scope)
    if cached is not None and now - cached[1] < _recheck_seconds():
        return cached[0]
    version = ContentVersion.objects.filter(scope=scope).values_list("version", flat=True).first() or 0
    with _lock:
        _versions[scope] = (version, now)
    return version


def forget_versions() -> None:
    with _lock:
        _versions.clear()


def content_changed(action: str) -> None:
    """Bump the version of the pages ``action`` changes, if any (call in the transaction)."""
    scope = public_scope_of(action)
    if scope is None:
        return
    updated = ContentVersion.objects.filter(scope=scope).update(version=F("version") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(scope=scope, defaults={"version": 1})
    transaction.on_commit(forget_versions)


def _cache_key(request, version: str) -> str:
    elderly = request.COOKIES.get("zw_elderly") == "1"
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"zw:page:{version}:{int(elderly)}:{path}"


def cached_public_page(view=None, *, scopes: tuple[str, ...] = ()):
    """Serve anonymous GETs of ``view`` from the page cache (200 responses only).

    Every cached page depends on the site-wide version; ``scopes`` adds narrower ones
    (see ``zhengwu.core.registries.public_content``) for pages that show what frequent
    actions change. Use as ``@cached_public_page`` or ``@cached_public_page(scopes=(...))``.
    """
    if view is None:
        return lambda v: cached_public_page(v, scopes=scopes)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        version = ".".join(str(content_version(s)) for s in (PUBLIC_SCOPE, *scopes))
        key = _cache_key(request, version)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        # Pages that set cookies (CSRF, session) are personal: never shared.
        if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
            cache.set(key, (response.content, response["Content-Type"]), settings.ZHENGWU_PAGE_CACHE_SECONDS)
        return response

    return wrapper
