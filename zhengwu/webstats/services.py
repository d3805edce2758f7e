"""Writes of 访问统计: add buffered page-view counts to the daily counters.

One ``INSERT … ON CONFLICT … DO UPDATE SET views = views + excluded.views`` per table
and batch: set-based, atomic under concurrent workers, and the same SQL on SQLite
(≥ 3.24) and PostgreSQL. (``bulk_create(update_conflicts=True)`` would *replace* the
count with the batch's instead of adding to it.)

Flushing writes anonymous counters only; it is not audited (an audit row every five
seconds per worker would bury the trail and record nothing about anyone's action).
"""

from __future__ import annotations

import logging
from collections import Counter

from django.db import DatabaseError, connection, transaction

from .buffer import HIT_BUFFER, HitBuffer
from .models import PageViewDaily, ReferrerDaily

logger = logging.getLogger(__name__)

BATCH_ROWS = 200


def _upsert(model, key_fields: list[str], rows: list[tuple]) -> None:
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [model._meta.get_field(f).column for f in (*key_fields, "views")]
    views = qn(model._meta.get_field("views").column)
    conflict = ", ".join(qn(c) for c in columns[:-1])
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    names = ", ".join(qn(c) for c in columns)
    update = f"{views} = {table}.{views} + excluded.{views}"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_ROWS):
            batch = rows[start:start + BATCH_ROWS]
            # Identifiers come from the model's meta; every value is a bound parameter.
            values = ", ".join([placeholder] * len(batch))
            sql = f"INSERT INTO {table} ({names}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET {update}"  # nosec B608
            cursor.execute(sql, [value for row in batch for value in row])


def pageviews_add(*, pages: Counter, referrers: Counter) -> None:
    """Add counts to the daily tables in one transaction."""
    day = connection.ops.adapt_datefield_value
    with transaction.atomic():
        if pages:
            _upsert(PageViewDaily, ["day", "kind", "url_name", "object_key"],
                    [(day(d), kind, name, key, n) for (d, kind, name, key), n in sorted(pages.items())])
        if referrers:
            _upsert(ReferrerDaily, ["day", "domain"],
                    [(day(d), domain, n) for (d, domain), n in sorted(referrers.items())])


def webstats_flush(*, buffer: HitBuffer = HIT_BUFFER) -> int:
    """Write the buffered counts; on a database error keep them for the next flush. Return views written."""
    taken = buffer.take()
    if taken is None:
        return 0
    pages, referrers = taken
    try:
        pageviews_add(pages=pages, referrers=referrers)
    except DatabaseError:
        # Busy SQLite or a lost connection: the counts wait for the next flush.
        logger.warning("webstats: flush failed, %d views kept for the next attempt", sum(pages.values()), exc_info=True)
        buffer.done(failed=(pages, referrers))
        return 0
    buffer.done()
    return sum(pages.values())
