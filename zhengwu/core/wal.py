"""Background WAL checkpoints for the SQLite database (embedded setup).

SQLite in WAL mode appends every commit to ``<db>-wal``; a *checkpoint* copies those pages
back into the database file and fsyncs it. Left to ``wal_autocheckpoint``, the checkpoint
runs inside whichever COMMIT pushes the WAL past the limit, so one unlucky request (or the
supervision sweep's big commit) pays for everybody's writes. ``WalCheckpointer`` runs them
on a thread of its own with its own stdlib ``sqlite3`` connection instead: a PASSIVE
checkpoint never waits for readers or the writer, and the ``sqlite3`` module releases the
GIL while SQLite copies and syncs, so the thread costs the process almost nothing.

The task worker starts it (``zhengwu.core.tasks``); the app connections keep a much higher
``wal_autocheckpoint`` only as a fallback for when no worker runs (``runserver``).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

logger = logging.getLogger("zhengwu.wal")

WAL_HEADER_BYTES = 32
WAL_FRAME_HEADER_BYTES = 24
# A write this recent may share its mtime with a later one (the file clock ticks in
# jiffies), so a checkpoint taken right after it is confirmed once more on the next tick.
_MTIME_SETTLE_NS = 100_000_000


class WalCheckpointer(threading.Thread):
    """Daemon thread that checkpoints one SQLite database's WAL in the background.

    Every ``interval`` seconds it stats ``<path>-wal`` (no SQL, no locks). Once something
    was written it runs ``PRAGMA wal_checkpoint(PASSIVE)`` when the WAL has grown by
    ``threshold_pages`` since the last checkpoint, or at the latest ``max_age`` seconds
    after the first write not yet checkpointed. Small commits are thereby batched (a hot
    page - the audit chain head, an index tail - is copied once per batch, not once per
    commit) while a big commit is checkpointed on the next tick.

    A writer that never pauses keeps a PASSIVE checkpoint a commit or two behind, and
    SQLite only rewinds the WAL to its start once a checkpoint has caught up with it: the
    WAL would grow until the fallback ``wal_autocheckpoint`` fires inside some COMMIT.
    So once the WAL holds ``rewind_pages`` frames, one ``RESTART`` checkpoint follows
    the PASSIVE one. PASSIVE has just copied nearly everything, so it holds
    the write lock only while it copies the tail (a writer meanwhile waits in its busy
    handler, milliseconds), and the next writer starts the WAL afresh.
    """

    def __init__(self, path: str | os.PathLike, *, interval: float = 0.5, max_age: float = 2.0,
                 threshold_pages: int = 1000, rewind_pages: int = 16384,
                 busy_timeout: float = 0.1) -> None:
        super().__init__(name="zhengwu-wal-checkpointer", daemon=True)
        self.path = Path(path)
        self.wal_path = Path(f"{self.path}-wal")
        self.interval = interval
        # With synchronous=NORMAL a COMMIT only writes the WAL; it is fsynced at checkpoint.
        # A power cut can therefore lose what was committed since the last checkpoint:
        # max_age bounds that window to a couple of seconds whenever anything was written.
        self.max_age = max_age
        self.threshold_pages = threshold_pages
        # 16,384 pages = 64 MB, the app connections' journal_size_limit: the file the
        # writers cut the WAL back to is then reused from its start instead of growing.
        self.rewind_pages = rewind_pages
        self.busy_timeout = busy_timeout
        self.checkpoints = 0  # PASSIVE checkpoints run
        self.rewinds = 0  # RESTART checkpoints that completed (see the class docstring)
        self.last_result: tuple[int, int, int] | None = None  # (busy, log, checkpointed)
        self.checkpoint_seconds = 0.0  # wall time spent inside them
        self.errors = 0  # sqlite3 errors survived
        self._stop_event = threading.Event()
        self._connection: sqlite3.Connection | None = None
        self._frame_bytes: int | None = None
        self._seen: tuple[int, int, int] | None = None  # (inode, size, mtime_ns) of the WAL
        self._pending_since: float | None = None  # monotonic time of the first unchecked write
        self._size_at_checkpoint = 0
        self._failing = False

    # --- thread ---------------------------------------------------------------------

    def run(self) -> None:
        logger.info("WAL checkpointer started for %s (every %.2fs)", self.path, self.interval)
        try:
            while not self._stop_event.wait(self.interval):
                self.tick()
            # Last one on the way out: what the writers committed is then in the database file.
            self.tick(force=True)
        finally:
            self._close()
            logger.info("WAL checkpointer stopped for %s after %d checkpoints", self.path, self.checkpoints)

    def stop(self, timeout: float | None = 5.0) -> None:
        """Ask the thread to finish (after a last checkpoint) and wait for it."""
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)

    # --- one look -------------------------------------------------------------------

    def tick(self, *, force: bool = False) -> bool:
        """Look at the WAL once; checkpoint if due. Return whether a checkpoint ran."""
        now = time.monotonic()
        wall_ns = time.time_ns()
        try:
            st = os.stat(self.wal_path)
        except FileNotFoundError:
            # No WAL (no connection open, or the database is not in WAL mode): nothing to do.
            self._seen = None
            self._pending_since = None
            return False
        except OSError as exc:
            logger.debug("cannot stat %s: %s", self.wal_path, exc)
            return False
        seen = (st.st_ino, st.st_size, st.st_mtime_ns)
        if seen != self._seen:
            self._seen = seen
            if self._pending_since is None:
                self._pending_since = now
        if self._pending_since is None:
            return False
        if not force and now - self._pending_since < self.max_age:
            frame_bytes = self._frame_bytes or 4096 + WAL_FRAME_HEADER_BYTES
            if (st.st_size - self._size_at_checkpoint) // frame_bytes < self.threshold_pages:
                return False
        result = self._checkpoint()
        if result is None:
            return False  # failed: still pending, retried on the next tick
        busy, log, checkpointed = result
        self._size_at_checkpoint = st.st_size
        settled = wall_ns - st.st_mtime_ns > _MTIME_SETTLE_NS
        if not busy and checkpointed >= log and settled:
            self._pending_since = None
        else:
            # Frames left behind (a reader still needs them, or the writer went on), or the
            # last write was too recent to trust the mtime: look again on the next tick.
            self._pending_since = now - self.max_age
        return True

    def _checkpoint(self) -> tuple[int, int, int] | None:
        started = time.perf_counter()
        try:
            connection = self._connect()
            busy, log, checkpointed = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            # ``log`` is the WAL's length when the checkpoint began; the writer may have added
            # more since, so "checkpointed == log" does not mean the WAL could rewind.
            if log >= self.rewind_pages:
                # It waits at most busy_timeout for the write lock and then for readers still
                # in the WAL (holding the write lock meanwhile); busy=1 means it gave up.
                busy, log, checkpointed = connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
                self.rewinds += not busy
        except sqlite3.Error as exc:
            self.errors += 1
            message = str(exc).lower()
            locked = isinstance(exc, sqlite3.OperationalError) and ("locked" in message or "busy" in message)
            if locked:
                logger.debug("WAL checkpoint of %s is busy, retrying: %s", self.path, exc)
            else:
                self._close()  # reconnect next time: the file may have been replaced
                # Once per streak of failures, not every tick.
                logger.log(logging.DEBUG if self._failing else logging.WARNING,
                           "WAL checkpoint of %s failed, retrying: %s", self.path, exc)
            self._failing = not locked
            return None
        elapsed = time.perf_counter() - started
        self._failing = False
        self.checkpoints += 1
        self.checkpoint_seconds += elapsed
        self.last_result = (busy, log, checkpointed)
        logger.debug("WAL checkpoint of %s: busy=%s log=%s checkpointed=%s in %.1f ms",
                     self.path, busy, log, checkpointed, elapsed * 1000)
        return busy, log, checkpointed

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            # Autocommit: the connection must hold no read snapshot between checkpoints, or
            # it would pin the WAL and stop writers from rewinding it.
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                                         check_same_thread=False)
            try:
                page_size = connection.execute("PRAGMA page_size").fetchone()[0]
            except sqlite3.Error:
                connection.close()
                raise
            self._frame_bytes = page_size + WAL_FRAME_HEADER_BYTES
            self._connection = connection
        return self._connection

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except sqlite3.Error:  # pragma: no cover - closing never matters here
                pass
            self._connection = None


_lock = threading.Lock()
_instance: WalCheckpointer | None = None


def _default_sqlite_path() -> str | None:
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"] or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return name


def start_checkpointer(**options) -> WalCheckpointer | None:
    """Start this process's checkpointer for the default database and return it.

    Return the one already running if there is one (huey calls its startup hooks once per
    worker thread), and None when the default database is not an SQLite file or
    ``SQLITE_WAL_CHECKPOINTER`` is off. ``options`` go to ``WalCheckpointer``.
    """
    global _instance
    from django.conf import settings

    if not getattr(settings, "SQLITE_WAL_CHECKPOINTER", True):
        return None
    path = _default_sqlite_path()
    if path is None:
        return None
    with _lock:
        if _instance is not None and _instance.is_alive():
            return _instance
        _instance = WalCheckpointer(path, **options)
        _instance.start()
        return _instance


def stop_checkpointer(timeout: float | None = 5.0) -> None:
    """Stop this process's checkpointer, if one runs, after a last checkpoint."""
    global _instance
    with _lock:
        instance, _instance = _instance, None
    if instance is not None:
        instance.stop(timeout)
