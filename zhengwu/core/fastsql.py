"""Lean writes for the hottest append-only rows (audit trail, clock and case events, messages).

A case step writes five such rows; through ``Model.objects.create`` each costs a model
``save()`` with its signal dispatch, field walks and SQL compilation, and every
statement Django runs passes its connection proxy, cursor wrapper and (on SQLite) a
regular expression that rewrites ``%s`` into ``?``. Here the SQL text is built once per
model in the driver's own placeholder style and runs on the driver connection inside
Django's transaction (``wrap_database_errors`` still turns driver errors into Django's
``IntegrityError`` and friends). Values are converted exactly as the ORM converts them:
plain values pass through, dates, datetimes and JSON on SQLite go through the same
formatting Django's SQLite backend applies, anything else through the field's own
``get_db_prep_save``. Works on SQLite (≥ 3.35, for ``RETURNING``) and PostgreSQL.

Only for models without ``save()`` logic that must run (no overridden save side effects,
no signals: the project uses none). Statements run here are not seen by Django's query
logging unless something watches (see ``_execute``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

_MISSING = object()


def _db():
    """The default connection, connected (skips the per-attribute ``connection`` proxy)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.connection is None:
        conn.ensure_connection()
    return conn


def _execute(conn, sql: str, params):
    """Run ``sql`` (``%s`` placeholders) on the driver connection; return the driver cursor.

    When something watches the statements (query logging under DEBUG or
    ``CaptureQueriesContext``, an ``execute_wrapper`` in a test), it runs through Django's
    own cursor instead, so it is seen exactly like an ORM statement.
    """
    if conn.execute_wrappers or conn.queries_logged:
        cursor = conn.cursor()
        cursor.execute(sql, params)
        return cursor
    with conn.wrap_database_errors:
        return conn.connection.execute(_native_sql(sql, conn.vendor), params)


_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.PositiveIntegerField,
          models.BigIntegerField, models.SmallIntegerField, models.PositiveSmallIntegerField,
          models.BooleanField, models.AutoField, models.BigAutoField)


def _sqlite_datetime(value):
    # Django's SQLite backend: aware → naive UTC, then str() ("YYYY-MM-DD HH:MM:SS[.ffffff]").
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value)


def _sqlite_date(value):
    return None if value is None else str(value)


def _converter(field, conn):
    """None when the value is already what the driver takes, else a one-argument converter.

    Exact types only: a subclass (an encrypted field, say) keeps its own conversion.
    """
    target = field.target_field if field.is_relation else field
    if field.is_relation:
        if type(field) is models.ForeignKey and type(target) in _PLAIN:
            return None
    elif type(field) in _PLAIN:
        return None
    if conn.vendor == "sqlite":
        if type(field) is models.DateTimeField:
            return _sqlite_datetime
        if type(field) is models.DateField:
            return _sqlite_date
        if type(field) is models.JSONField:
            encoder = field.encoder
            return lambda v: None if v is None else json.dumps(v, cls=encoder)
    elif type(field) in (models.DateTimeField, models.DateField):
        return None  # psycopg adapts date and aware datetime objects itself
    prep = field.get_db_prep_save
    return lambda v: prep(v, conn)


def _default(field):
    """What the ORM puts in a field the caller left out (``auto_now(_add)`` → now)."""
    if _is_auto_now(field):
        return _now  # looked up at call time, so tests that move the clock move it here too
    return field.get_default


def _is_auto_now(field) -> bool:
    return bool(getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False))


def _now():
    return timezone.now()


@lru_cache(maxsize=32)
def _insert_plan(model, alias: str):
    conn = connections[alias]
    qn = conn.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = qn(model._meta.pk.column)
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 - model metadata
    known = frozenset(f.attname for f in fields) | frozenset(f.name for f in fields)
    plan = tuple((f.attname, f.name if f.is_relation else None, _default(f), _converter(f, conn)) for f in fields)
    return sql, plan, known


@dataclass(frozen=True)
class PreparedInsert:
    """An INSERT with its parameters already converted (see ``insert_prepare``)."""

    sql: str
    params: list


def insert_values(model, values: dict) -> int:
    """INSERT one row of ``model`` from ``values`` (attnames, ``case_id`` style); return its pk.

    Fields left out get the ORM's default (``auto_now_add`` fields the current time); a
    value given for an ``auto_now_add`` field is kept (``Model.save`` would overwrite it).
    A foreign key may also be given as the related instance under the field name.
    """
    return insert_prepared(insert_prepare(model, values))


def insert_prepared(prepared: PreparedInsert) -> int:
    """Run an INSERT built by ``insert_prepare``; return the new row's pk."""
    return _execute(_db(), prepared.sql, prepared.params).fetchone()[0]


def insert_prepare(model, values: dict) -> PreparedInsert:
    """Build ``insert_values``'s statement and convert its values, without running it.

    For writers that hold a lock while they write (SQLite's one write lock): the
    conversions (dates, JSON, personal-data protection) run before the transaction, and
    only the driver call runs inside it (ADR 0004, "prepare outside the lock").
    """
    conn = _db()
    sql, plan, known = _insert_plan(model, conn.alias)
    unknown = values.keys() - known
    if unknown:
        raise TypeError(f"{model.__name__} has no field(s) {', '.join(sorted(unknown))}")
    params = []
    for attname, name, default, convert in plan:
        value = values.get(attname, _MISSING)
        if value is _MISSING and name is not None and name in values:
            related = values[name]
            value = None if related is None else related.pk
        if value is _MISSING:
            value = default()
        params.append(value if convert is None else convert(value))
    return PreparedInsert(sql, params)


def insert_row(instance):
    """INSERT ``instance`` (pk unset) in one statement and set its pk; return the instance."""
    model = type(instance)
    _sql, plan, _known = _insert_plan(model, _db().alias)
    values = {}
    for attname, _name, default, _convert in plan:
        value = instance.__dict__[attname]
        if value is None and default is _now:  # auto_now(_add) left unset
            value = default()
            setattr(instance, attname, value)
        values[attname] = value
    instance.pk = insert_values(model, values)
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    return instance


class Add:
    """``update_rows`` value meaning "column + n" (an optimistic version bump)."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n


@lru_cache(maxsize=64)
def _update_plan(model, alias: str, set_names: tuple, adds: tuple, where_names: tuple, not_names: tuple):
    conn = connections[alias]
    qn = conn.ops.quote_name
    mark = "%s"
    meta = model._meta
    col = {name: qn(meta.get_field(name).column) for name in set_names + where_names + not_names}
    assigns = ", ".join(f"{col[n]} = {col[n]} + {mark}" if n in adds else f"{col[n]} = {mark}" for n in set_names)
    conds = [f"{col[n]} = {mark}" for n in where_names] + [f"NOT ({col[n]} = {mark})" for n in not_names]
    sql = f"UPDATE {qn(meta.db_table)} SET {assigns} WHERE {' AND '.join(conds)}"  # noqa: S608 - model metadata
    names = set_names + where_names + not_names
    converters = tuple(
        None if i < len(set_names) and n in adds else _converter(meta.get_field(n), conn)
        for i, n in enumerate(names)
    )
    return sql, converters


def update_rows(model, *, where: dict, values: dict, where_not: dict | None = None) -> int:
    """``UPDATE model SET values WHERE where AND NOT where_not`` (equality only); return rows changed.

    Keys are field names (``case`` or ``case_id`` style both work for foreign keys through
    ``get_field``); an ``Add(n)`` value adds to the column. Values are converted as the
    ORM converts them.
    """
    conn = _db()
    where_not = where_not or {}
    set_names = tuple(values)
    adds = tuple(n for n, v in values.items() if isinstance(v, Add))
    sql, converters = _update_plan(model, conn.alias, set_names, adds, tuple(where), tuple(where_not))
    raw = [v.n if isinstance(v, Add) else v for v in values.values()] + list(where.values()) + list(where_not.values())
    params = [v if convert is None else convert(v) for convert, v in zip(converters, raw, strict=True)]
    return _execute(conn, sql, params).rowcount


def fetch_one(sql: str, params=()):
    """Run one SELECT written with ``%s`` placeholders on the driver connection; first row or None."""
    conn = _db()
    return _execute(conn, sql, params).fetchone()


def execute(sql: str, params=()) -> int:
    """Run one write statement written with ``%s`` placeholders; return the rows it changed."""
    conn = _db()
    return _execute(conn, sql, params).rowcount


@lru_cache(maxsize=128)
def _native_sql(sql: str, vendor: str) -> str:
    # Our own SQL only (no literal "%s" inside strings), so a plain replace is exact.
    return sql.replace("%s", "?") if vendor == "sqlite" else sql
