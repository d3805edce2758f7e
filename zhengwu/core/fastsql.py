"""Lean writes for the hottest append-only rows (audit trail, clock and case events, messages).

A case step writes five such rows; through ``Model.objects.create`` each costs a model
``save()`` with its signal dispatch, field walks and SQL compilation. ``insert_row``
runs one prepared ``INSERT … RETURNING`` per row instead: the SQL text is built once
per model, values go through each field's own ``get_db_prep_save`` (so JSON, dates and
foreign keys are stored exactly as the ORM stores them), and the returned primary key
is set on the instance. Works on SQLite (≥ 3.35) and PostgreSQL.

Only for models without ``save()`` logic that must run (no overridden save side effects,
no signals: the project uses none). The instance must be complete; ``auto_now_add``
fields are filled here like the ORM would.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection
from django.utils import timezone


def _pass_through_types():
    from django.db import models

    return (models.CharField, models.TextField, models.IntegerField, models.PositiveIntegerField,
            models.BigIntegerField, models.SmallIntegerField, models.PositiveSmallIntegerField,
            models.BooleanField, models.AutoField, models.BigAutoField)


def _preparer(field):
    """None when the attribute value is already what the driver takes, else the field's prep.

    Only Django's own plain field classes (exact type: a subclass such as an encrypted
    field keeps its conversion) and foreign keys to them pass through unconverted.
    """
    plain = _pass_through_types()
    target = field.target_field if field.is_relation else field
    if type(target) in plain and (not field.is_relation or type(field).__name__ == "ForeignKey"):
        return None
    return field.get_db_prep_save


@lru_cache(maxsize=32)
def _insert_plan(model, vendor: str):
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = qn(model._meta.pk.column)
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 - model metadata
    now_fields = tuple(f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False))
    prepared = tuple((f.attname, _preparer(f)) for f in fields)
    return sql, prepared, now_fields


def insert_row(instance):
    """INSERT ``instance`` (pk unset) in one statement and set its pk; return the instance."""
    model = type(instance)
    sql, prepared, now_fields = _insert_plan(model, connection.vendor)
    if now_fields:
        now = timezone.now()
        for f in now_fields:
            if getattr(instance, f.attname) is None:
                setattr(instance, f.attname, now)
    values = instance.__dict__
    params = [values[name] if prep is None else prep(values[name], connection) for name, prep in prepared]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


class Add:
    """``update_rows`` value meaning "column + n" (an optimistic version bump)."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n


@lru_cache(maxsize=64)
def _update_plan(model, vendor: str, set_names: tuple, adds: tuple, where_names: tuple, not_names: tuple):
    qn = connection.ops.quote_name
    meta = model._meta
    col = {name: qn(meta.get_field(name).column) for name in set_names + where_names + not_names}
    assigns = ", ".join(f"{col[n]} = {col[n]} + %s" if n in adds else f"{col[n]} = %s" for n in set_names)
    conds = [f"{col[n]} = %s" for n in where_names] + [f"NOT ({col[n]} = %s)" for n in not_names]
    sql = f"UPDATE {qn(meta.db_table)} SET {assigns} WHERE {' AND '.join(conds)}"  # noqa: S608 - model metadata
    fields = tuple(meta.get_field(n) for n in set_names + where_names + not_names)
    return sql, fields


def update_rows(model, *, where: dict, values: dict, where_not: dict | None = None) -> int:
    """``UPDATE model SET values WHERE where AND NOT where_not`` (equality only); return rows changed.

    Keys are field names (``case`` or ``case_id`` style both work for foreign keys through
    ``get_field``); an ``Add(n)`` value adds to the column. Values are prepared by the
    fields themselves, as the ORM would.
    """
    where_not = where_not or {}
    set_names = tuple(values)
    adds = tuple(n for n, v in values.items() if isinstance(v, Add))
    sql, fields = _update_plan(model, connection.vendor, set_names, adds, tuple(where), tuple(where_not))
    raw = [v.n if isinstance(v, Add) else v for v in values.values()] + list(where.values()) + list(where_not.values())
    params = []
    for i, (f, v) in enumerate(zip(fields, raw, strict=True)):
        is_add = i < len(set_names) and set_names[i] in adds
        params.append(v if is_add else f.get_db_prep_save(v, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
