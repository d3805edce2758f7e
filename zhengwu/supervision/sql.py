"""Set-based SQL building blocks shared by the sweep and the statistics (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db import connection

# The dynamic-index JSON read lives with the case models it reads (the staff inbox uses
# it too); re-exported here for the sweep's queries.
from zhengwu.cases.selectors.staff import StepField

__all__ = ["StepField", "insert_from"]


def insert_from(model, columns: list[str], queryset, *, ignore_conflicts: bool = False) -> int:
    """Run ``INSERT INTO model (columns) SELECT …`` with the ORM-built SELECT; return rows written.

    The queryset must select exactly ``columns`` in that order (annotations only, so
    Django does not reorder them). One statement: no row passes through Python.
    ``ignore_conflicts`` adds ``ON CONFLICT DO NOTHING`` (SQLite ≥ 3.24, PostgreSQL): rows a
    unique constraint already holds are skipped, and only inserted rows are counted.
    """
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    cols = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        # The SELECT always ends in WHERE/ORDER BY here, so SQLite cannot read the ON of
        # ON CONFLICT as a join constraint (the parsing ambiguity its manual warns about).
        conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
        cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} ({cols}) {sql}{conflict}", params)
        return cursor.rowcount
