"""Check the external links of published bodies (run by ``manage.py disclosure_check_links``).

Each link gets one HEAD request (GET when HEAD is refused) with a short timeout, no
retries; the latest result per (record, link) is kept for the site-health page. Results
are written in one audited transaction at the end, so a run that dies half-way leaves
the previous results in place.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record

from ..models import Disclosure, ExternalLinkCheck, Status
from ..richtext import body_links
from .report import internal_path
from .thresholds import EXTERNAL_LINK_MAX_PER_RUN, EXTERNAL_LINK_TIMEOUT_SECONDS

USER_AGENT = "zhengwu-link-check/1.0 (+government site health)"


@dataclass
class LinkResult:
    ok: bool
    status_code: int | None
    error: str


class _FewRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 3


def _opener():
    return urllib.request.build_opener(_FewRedirects())


def check_url(url: str, *, timeout: float = EXTERNAL_LINK_TIMEOUT_SECONDS) -> LinkResult:
    """One request to ``url``: HEAD, falling back to GET on 405/501; never raises."""
    opener = _opener()
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with opener.open(request, timeout=timeout) as response:
                if method == "GET":
                    response.read(1024)  # a taste only: never download a whole file
                return LinkResult(True, response.status, "")
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (405, 501):
                continue
            return LinkResult(exc.code < 400, exc.code, f"HTTP {exc.code}")
        except (urllib.error.URLError, TimeoutError, ConnectionError, ValueError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return LinkResult(False, None, f"无法访问:{reason}"[:300])
    return LinkResult(False, None, "无法访问")


def external_links_of_published(limit: int = EXTERNAL_LINK_MAX_PER_RUN) -> list[tuple[Disclosure, str]]:
    out = []
    for row in Disclosure.objects.filter(status=Status.PUBLISHED, body_html__contains="http").only("id", "body_html"):
        for url in body_links(row.body_html):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc and internal_path(url) is None:
                out.append((row, url[:1000]))
                if len(out) >= limit:
                    return out
    return out


def external_links_check(*, actor=None, timeout: float = EXTERNAL_LINK_TIMEOUT_SECONDS,
                         limit: int = EXTERNAL_LINK_MAX_PER_RUN, progress=None) -> dict:
    """Check every external link of published records and store the results."""
    links = external_links_of_published(limit)
    results = []
    for i, (row, url) in enumerate(links, 1):
        result = check_url(url, timeout=timeout)
        results.append((row, url, result))
        if progress:
            progress(i, len(links), url, result)
    now = timezone.now()
    with transaction.atomic():
        keep = set()
        for row, url, result in results:
            check, _ = ExternalLinkCheck.objects.update_or_create(
                disclosure=row, url=url,
                defaults={"ok": result.ok, "status_code": result.status_code, "error": result.error, "checked_at": now},
            )
            keep.add(check.pk)
        # Links no longer in any published body are forgotten.
        stale = ExternalLinkCheck.objects.exclude(pk__in=keep)
        if len(links) < limit:
            stale.delete()
        failed = sum(1 for *_, r in results if not r.ok)
        audit_record(
            actor=actor, action="disclosure_health.links.check",
            object_type="disclosure.externallinkcheck", details={"checked": len(results), "failed": failed},
        )
    return {"checked": len(results), "failed": failed}
