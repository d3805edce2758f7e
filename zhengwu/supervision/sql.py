"""Set-based SQL building blocks shared by the sweep and the statistics (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db import connection
from django.db.models import CharField, Func


class StepField(Func):
    """``steps[index][key]`` of a process definition's JSON step list, as text, in SQL.

    Django's JSON lookups take literal keys only; the step index is a column here.
    ``key`` comes from code, never from input.
    """

    output_field = CharField()

    def __init__(self, steps, index, *, key: str):
        if not key.isidentifier():
            raise ValueError(key)
        self.key = key
        super().__init__(steps, index)

    def as_sqlite(self, compiler, connection, **extra):
        steps_sql, steps_params = compiler.compile(self.source_expressions[0])
        index_sql, index_params = compiler.compile(self.source_expressions[1])
        return f"json_extract({steps_sql}, '$[' || ({index_sql}) || '].{self.key}')", [*steps_params, *index_params]

    def as_postgresql(self, compiler, connection, **extra):
        steps_sql, steps_params = compiler.compile(self.source_expressions[0])
        index_sql, index_params = compiler.compile(self.source_expressions[1])
        return f"(({steps_sql})::jsonb -> ({index_sql})::int ->> '{self.key}')", [*steps_params, *index_params]

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - other backends
        raise NotImplementedError("StepField supports SQLite and PostgreSQL only")


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
