"""Set-based SQL building blocks shared by the sweep and the statistics (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db import connection

# The dynamic-index JSON read lives with the case models it reads (the staff inbox uses
# it too); re-exported here for the sweep's queries.
from zhengwu.cases.selectors_staff import StepField

__all__ = ["StepField", "insert_from"]


def insert_from(model, columns: list[str], queryset) -> int:
    """Run ``INSERT INTO model (columns) SELECT …`` with the ORM-built SELECT; return rows written.

    The queryset must select exactly ``columns`` in that order (annotations only, so
    Django does not reorder them). One statement: no row passes through Python.
    """
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    cols = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} ({cols}) {sql}", params)
        return cursor.rowcount
