"""Query-planner statistics for the embedded SQLite database.

SQLite plans every query from ``sqlite_stat1``; without it the planner guesses that an
index narrows to about ten rows, whatever the data. PostgreSQL's autovacuum keeps its
own statistics current, but nothing ever fills SQLite's unless someone runs ``ANALYZE``,
and the benches do (``bench/bench_supervision.py``): a production database would
otherwise be planned differently from the one its figures were measured on.

``analysis_limit`` makes ``ANALYZE`` sample about that many rows per index instead of
reading every one (18 ms on a 700 MB database of 1,000,000 cases), so the task worker
can refresh the statistics every night without holding the write lock for long.
"""

from __future__ import annotations

import time

from django.db import connection

ANALYSIS_LIMIT = 1000


def sqlite_statistics_refresh(*, analysis_limit: int = ANALYSIS_LIMIT) -> dict:
    """Refresh SQLite's planner statistics; on PostgreSQL (autovacuum's job) do nothing."""
    if connection.vendor != "sqlite":
        return {"refreshed": False}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {int(analysis_limit)}")
        try:
            cursor.execute("ANALYZE")
        finally:
            cursor.execute("PRAGMA analysis_limit = 0")  # the connection is reused: back to exact
        cursor.execute("SELECT count(*) FROM sqlite_stat1")
        rows = cursor.fetchone()[0]
    return {"refreshed": True, "indexes": rows, "seconds": round(time.perf_counter() - started, 3)}
