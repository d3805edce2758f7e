"""The audit sealer thread: chains committed audit rows within a second (ADR 0005).

The task worker starts it (``zhengwu.core.tasks``), beside the WAL checkpointer: the
worker is the one process that always runs beside the web workers. Huey's periodic tasks
tick once a minute, too coarse for the one-second window, hence a thread. Several worker
processes may each run one: ``audit_seal`` holds the chain head while it seals, so they
take turns and the chain stays linear. Under a steady stream of writers the thread may not
get SQLite's write lock in time; then the writers seal the overdue backlog themselves
(``audit._seal_overdue_in_writer``), so the window does not depend on this thread alone.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection

from .audit import SEAL_WINDOW_SECONDS, audit_seal

logger = logging.getLogger("zhengwu.audit")

DEFAULT_INTERVAL = 0.2


def seal_interval() -> float:
    """Seconds between two looks; refused above the window, which it would break."""
    interval = float(getattr(settings, "ZHENGWU_AUDIT_SEAL_INTERVAL", DEFAULT_INTERVAL))
    if not 0 < interval <= SEAL_WINDOW_SECONDS / 2:
        # Half the window: a row written just after a look waits one interval, plus the
        # seal itself, which at a few thousand rows takes tens of milliseconds.
        raise ImproperlyConfigured(
            f"ZHENGWU_AUDIT_SEAL_INTERVAL={interval} 须大于 0 且不超过 {SEAL_WINDOW_SECONDS / 2} 秒(审计记录须在 1 秒内封存)"
        )
    return interval


class AuditSealer(threading.Thread):
    """Daemon thread calling ``audit_seal`` every ``interval`` seconds, and once more on stop."""

    def __init__(self, *, interval: float | None = None) -> None:
        super().__init__(name="zhengwu-audit-sealer", daemon=True)
        self.interval = seal_interval() if interval is None else interval
        self.passes = 0
        self.sealed = 0
        self.late = 0  # rows sealed after the window (the worker was down or behind)
        self.max_wait = 0.0  # seconds: the longest any row waited to be sealed
        self.errors = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        logger.info("audit sealer started (every %.2fs)", self.interval)
        try:
            while not self._stop_event.wait(self.interval):
                self.tick()
            self.tick()  # what committed before the stop is sealed before the worker exits
        finally:
            connection.close()  # this thread's own connection
            logger.info("audit sealer stopped after sealing %d rows", self.sealed)

    def tick(self) -> int:
        try:
            close_old_connections()
            report = audit_seal()
        except Exception:  # a locked or restarting database: try again next tick
            self.errors += 1
            logger.warning("audit seal failed, retrying", exc_info=True)
            connection.close()
            return 0
        self.passes += 1
        self.sealed += report.sealed
        self.max_wait = max(self.max_wait, report.max_wait_seconds)
        if report.late:
            self.late += report.late
            logger.warning("sealed %d audit rows later than %.0f s after they were written", report.late,
                           SEAL_WINDOW_SECONDS)
        return report.sealed

    def stop(self, timeout: float | None = 5.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)


_lock = threading.Lock()
_instance: AuditSealer | None = None


def start_sealer(**options) -> AuditSealer | None:
    """Start this process's sealer (once: huey calls startup hooks per worker thread)."""
    global _instance
    if not getattr(settings, "ZHENGWU_AUDIT_SEALER", True):
        return None
    with _lock:
        if _instance is not None and _instance.is_alive():
            return _instance
        _instance = AuditSealer(**options)
        _instance.start()
        return _instance


def stop_sealer(timeout: float | None = 5.0) -> None:
    global _instance
    with _lock:
        instance, _instance = _instance, None
    if instance is not None:
        instance.stop(timeout)
