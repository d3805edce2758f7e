"""Background work of the core app: the audit sealer, the WAL checkpointer, the rate-counter
purge, SQLite's planner statistics and the provisional calendar of unpublished years.

``run_huey`` imports every installed app's ``tasks`` module; the hooks below run only in
the consumer (once per worker thread, hence the guard in ``start_checkpointer``), never in
the web processes or the test runner.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_shutdown, on_startup

from .audit_sealer import start_sealer, stop_sealer
from .dbstats import sqlite_statistics_refresh
from .periodic import once_per_period
from .ratelimit import ratelimit_purge
from .wal import start_checkpointer, stop_checkpointer
from .workdays import PROVISIONAL_YEARS_AHEAD, calendar_fill_provisional


@on_startup()
def wal_checkpointer_start():
    # The worker is the one process that always runs beside the web workers, so it takes
    # the checkpoints off their COMMITs (no-op on PostgreSQL or when switched off).
    start_checkpointer()


@on_shutdown()
def wal_checkpointer_stop():
    stop_checkpointer()


@on_startup()
def audit_sealer_start():
    # Audited transactions insert unsealed rows; this chains them within a second (ADR 0005).
    start_sealer()


@on_shutdown()
def audit_sealer_stop():
    stop_sealer()


# Purged here rather than inside ratelimit_hit: the hit sits on the request path of public
# pages and stays one statement (on SQLite every write holds the database's one write
# lock), and ended windows are never read again, so leaving them a few minutes only costs
# rows. Should the worker be down, the table grows by one row per key and window and
# shrinks at the first run after it is back.
@db_periodic_task(crontab(minute="*/10"))
def ratelimit_purge_task():
    return ratelimit_purge()


# Nightly, when the county's offices are closed (a full ANALYZE: ~2 s at 1,000,000 cases).
@db_periodic_task(crontab(hour="3", minute="17"))
@once_per_period("sqlite_statistics", 3600)
def sqlite_statistics_task():
    return sqlite_statistics_refresh()


# Nightly: keep the calendar running two years ahead on the statutory holiday rules, so
# a clock started in December never counts 元旦 as a working day while the State
# Council's notice for next year is still out. Idempotent; official years are untouched.
@db_periodic_task(crontab(hour="2", minute="41"))
def calendar_provisional_task():
    return calendar_fill_provisional(actor=None, through_year=timezone.localdate().year + PROVISIONAL_YEARS_AHEAD)


# Hourly: files chosen in forms that were never sent expire after
# ZHENGWU_PENDING_UPLOAD_HOURS and are deleted with their rows (issue 16).
@db_periodic_task(crontab(minute="23"))
def pending_uploads_purge_task():
    from .uploads.pending import pending_uploads_purge

    return pending_uploads_purge()


# Index updates that could not be queued while Redis was down (zhengwu.core.deferred):
# queued again within a minute of the consumer (and so the queue) being back.
@db_periodic_task(crontab(minute="*"))
def deferred_replay_task():
    from .deferred import deferred_replay

    return deferred_replay()


# Bytes without a row: a process killed between moving an upload into place and its
# commit (a crash, a SIGKILL) leaves one. Hourly, sparing anything younger than an hour.
@db_periodic_task(crontab(minute="47"))
def files_sweep_orphans_task():
    from .uploads import files_sweep_orphans

    return len(files_sweep_orphans())
