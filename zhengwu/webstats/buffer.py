"""Per-process buffer of page-view counts between two flushes.

Cached portal pages answer in well under a millisecond; a database write per view would
cost more than the page itself. So each process adds to in-memory counters and writes
them in one set-based upsert when ``ZHENGWU_WEBSTATS_FLUSH_HITS`` views (default 500)
have accumulated or ``ZHENGWU_WEBSTATS_FLUSH_SECONDS`` (default 5) have passed, checked
at the end of a request, and at process exit.

The trade-off: a worker that is killed (OOM, SIGKILL, power loss) loses the views of its
last few seconds. Statistics of readership tolerate that; the portal's speed matters more.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

from django.conf import settings
from django.utils import timezone

# Bounds the memory a flood of distinct pages could take before a flush is forced.
MAX_KEYS = 20000


def _read_settings() -> tuple[int, float, frozenset[str]]:
    # Read at each flush, not per view: a missing setting costs an exception on every
    # lookup, which at this request rate is measurable.
    return (
        int(getattr(settings, "ZHENGWU_WEBSTATS_FLUSH_HITS", 500)),
        float(getattr(settings, "ZHENGWU_WEBSTATS_FLUSH_SECONDS", 5)),
        frozenset(h.lower().strip(".") for h in getattr(settings, "ZHENGWU_WEBSTATS_INTERNAL_DOMAINS", ())),
    )


class HitBuffer:
    def __init__(self):
        self._lock = threading.Lock()
        self.pages: Counter = Counter()  # (day, kind, url_name, object_key) → views
        self.referrers: Counter = Counter()  # (day, domain) → views
        self.hits = 0
        self.last_flush = time.monotonic()
        self.flushing = False
        self.flush_hits, self.flush_seconds, self.internal_domains = _read_settings()
        self._day: dt.date | None = None
        self._day_ends = 0.0

    def today(self) -> dt.date:
        """The local date, recomputed only when the cached one's midnight has passed."""
        now = time.time()
        if now >= self._day_ends:
            local = timezone.localtime()
            midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            self._day, self._day_ends = local.date(), midnight.timestamp()
        return self._day

    def add(self, day, kind: str, url_name: str, object_key: str, domain: str | None) -> None:
        with self._lock:
            self.pages[(day, kind, url_name, object_key)] += 1
            if domain:
                self.referrers[(day, domain)] += 1
            self.hits += 1

    def due(self) -> bool:
        if not self.hits or self.flushing:
            return False
        return (
            self.hits >= self.flush_hits
            or len(self.pages) + len(self.referrers) >= MAX_KEYS
            or time.monotonic() - self.last_flush >= self.flush_seconds
        )

    def take(self) -> tuple[Counter, Counter] | None:
        """Hand over the counts to write and start afresh; None if another thread is writing."""
        with self._lock:
            if self.flushing:
                return None
            pages, referrers = self.pages, self.referrers
            self.pages, self.referrers, self.hits = Counter(), Counter(), 0
            self.last_flush = time.monotonic()
            self.flushing = True
            self.flush_hits, self.flush_seconds, self.internal_domains = _read_settings()
            return pages, referrers

    def done(self, failed: tuple[Counter, Counter] | None = None) -> None:
        """End a flush; counts that could not be written go back for the next one."""
        with self._lock:
            self.flushing = False
            if failed is None:
                return
            pages, referrers = failed
            if len(self.pages) + len(pages) < MAX_KEYS:
                self.pages.update(pages)
                self.referrers.update(referrers)
                self.hits += sum(pages.values())

    def clear(self) -> None:
        """Forget the counts and re-read the settings (tests)."""
        with self._lock:
            self.pages, self.referrers, self.hits = Counter(), Counter(), 0
            self.last_flush = time.monotonic()
            self.flushing = False
            self.flush_hits, self.flush_seconds, self.internal_domains = _read_settings()
            self._day_ends = 0.0


HIT_BUFFER = HitBuffer()
