"""Count public page views on the way out; flush the counts in batches.

Settings: add ``"zhengwu.webstats.middleware.PageViewMiddleware"`` after WhiteNoise (so
static files never reach it). The per-view cost is a few dictionary operations; the
database sees one upsert per table every few seconds per worker (see buffer.py).
Nothing about the visitor is kept: the user agent only screens out robots, the referrer
is reduced to its host name, and the session is never touched.
"""

from __future__ import annotations

import atexit
import logging

from .buffer import HIT_BUFFER
from .pages import counted_page, referrer_domain
from .services import webstats_flush

logger = logging.getLogger(__name__)


def _flush_at_exit() -> None:
    try:
        webstats_flush()
    except Exception:
        logger.warning("webstats: final flush failed", exc_info=True)


atexit.register(_flush_at_exit)


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            page = counted_page(request, response)
            if page is not None:
                domain = referrer_domain(request, HIT_BUFFER.internal_domains)
                HIT_BUFFER.add(HIT_BUFFER.today(), page.kind, page.url_name, page.object_key, domain)
            if HIT_BUFFER.due():
                webstats_flush()
        except Exception:
            logger.exception("webstats: counting a page view failed")
        return response
