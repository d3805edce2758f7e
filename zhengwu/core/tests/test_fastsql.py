"""The lean write path stores exactly what the ORM stores, on SQLite and PostgreSQL."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.core.fastsql import Add, execute, fetch_one, insert_row, insert_values, update_rows
from zhengwu.core.models import AuditEvent, Clock, ClockEvent

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2026, 10, 9, 23, 30, 15, 123456, tzinfo=SHANGHAI)  # stored as 15:30:15.123456 UTC


def _clock(**extra) -> Clock:
    values = dict(owner_type="test.thing", owner_id="1", limit_days=5, warn_days=2, started_on=dt.date(2026, 9, 24),
                  due_on=dt.date(2026, 10, 9), warn_on=dt.date(2026, 9, 30), calendar_complete=True)
    values.update(extra)
    return Clock.objects.create(**values)


def _row(model, pk, exclude=("id",)):
    return {k: v for k, v in model.objects.filter(pk=pk).values()[0].items() if k not in exclude}


def test_insert_values_stores_the_same_row_as_the_orm():
    actor = StaffFactory()
    clock = _clock()
    fields = dict(kind=ClockEvent.Kind.SUSPEND, on_date=dt.date(2026, 10, 8), days=3, due_on=dt.date(2026, 10, 14),
                  reason="听证“中文”\n第二行")

    orm = ClockEvent.objects.create(clock=clock, actor=actor, **fields)
    # created_at is auto_now_add: the ORM stamped it; a value given here is kept as given.
    lean = insert_values(ClockEvent, {"clock_id": clock.pk, "actor_id": actor.pk, "created_at": orm.created_at, **fields})

    assert lean != orm.pk
    assert _row(ClockEvent, lean) == _row(ClockEvent, orm.pk)
    # Stored in the same form, so lookups by value find both rows.
    found = ClockEvent.objects.filter(created_at=orm.created_at, on_date=dt.date(2026, 10, 8))
    assert set(found.values_list("pk", flat=True)) == {orm.pk, lean}


def test_json_and_ip_columns_match_the_orm():
    details = {"理由": "补正材料", "nested": [1, 2.5, None, True], "quote": "\"'"}
    common = dict(created_at=AT, actor_label="系统", role="", action="test.fastsql", object_type="x", object_id="7",
                  result=AuditEvent.Result.SUCCESS, request_id="r1", details=details, prev_hash="0" * 64)

    orm = AuditEvent.objects.create(ip="", hash="a" * 64, **common)
    lean = insert_values(AuditEvent, {"ip": "", "hash": "b" * 64, **common})

    assert AuditEvent.objects.filter(created_at=AT).count() == 2  # microseconds and UTC as the ORM stores them
    assert _row(AuditEvent, lean, exclude=("id", "hash")) == _row(AuditEvent, orm.pk, exclude=("id", "hash"))
    assert AuditEvent.objects.get(pk=lean).details == details
    assert AuditEvent.objects.get(pk=lean).ip is None  # "" is stored as NULL, as the ORM does


def test_left_out_fields_get_the_orm_defaults_and_now():
    clock = _clock()
    before = dt.datetime.now(dt.UTC)

    pk = insert_values(ClockEvent, {"clock_id": clock.pk, "kind": ClockEvent.Kind.STOP, "on_date": dt.date(2026, 10, 1),
                                    "due_on": clock.due_on})

    event = ClockEvent.objects.get(pk=pk)
    assert (event.days, event.reason, event.actor_id) == (0, "", None)
    assert before <= event.created_at <= dt.datetime.now(dt.UTC)


def test_a_foreign_key_may_be_given_as_the_instance():
    actor = StaffFactory()
    clock = _clock()

    pk = insert_values(ClockEvent, {"clock": clock, "actor": actor, "kind": ClockEvent.Kind.START,
                                    "on_date": dt.date(2026, 9, 24), "due_on": clock.due_on})

    assert ClockEvent.objects.filter(pk=pk, clock=clock, actor=actor).exists()


def test_unknown_fields_are_refused_before_any_sql():
    with pytest.raises(TypeError, match="no field"):
        insert_values(ClockEvent, {"clock_id": 1, "colour": "red"})


def test_insert_row_sets_the_pk_and_fills_auto_now_fields():
    clock = insert_row(Clock(owner_type="test.thing", owner_id="2", limit_days=1, warn_days=0,
                             started_on=dt.date(2026, 9, 24), due_on=dt.date(2026, 9, 28), warn_on=dt.date(2026, 9, 28)))

    assert clock.pk is not None and clock.created_at is not None and not clock._state.adding
    assert Clock.objects.get(pk=clock.pk).created_at == clock.created_at


def test_update_rows_is_conditional_and_counts_rows():
    clock = _clock()

    assert update_rows(Clock, where={"id": clock.pk}, where_not={"state": Clock.State.STOPPED},
                       values={"state": Clock.State.STOPPED, "stopped_on": dt.date(2026, 10, 8)}) == 1
    # A second stop matches nothing: the same statement is the lock and the state check.
    assert update_rows(Clock, where={"id": clock.pk}, where_not={"state": Clock.State.STOPPED},
                       values={"state": Clock.State.STOPPED, "stopped_on": dt.date(2026, 10, 9)}) == 0
    clock.refresh_from_db()
    assert (clock.state, clock.stopped_on) == (Clock.State.STOPPED, dt.date(2026, 10, 8))


def test_update_rows_adds_to_a_column():
    clock = _clock(extended_days=2)

    assert update_rows(Clock, where={"id": clock.pk}, values={"extended_days": Add(3)}) == 1

    clock.refresh_from_db()
    assert clock.extended_days == 5


def test_database_errors_are_djangos_and_roll_back_with_the_transaction():
    clock = _clock()
    row = dict(created_at=AT, actor_label="系统", action="test.fastsql", object_type="x", object_id="1",
               result=AuditEvent.Result.SUCCESS, request_id="r", seq=7, prev_hash="0" * 64, hash="c" * 64)
    before = (ClockEvent.objects.count(), AuditEvent.objects.count())

    with pytest.raises(IntegrityError):  # Django's class, not the driver's
        with transaction.atomic():
            insert_values(ClockEvent, {"clock_id": clock.pk, "kind": "start", "on_date": dt.date(2026, 9, 24),
                                       "due_on": clock.due_on})
            insert_values(AuditEvent, row)
            insert_values(AuditEvent, row)  # the place in the chain is unique

    assert (ClockEvent.objects.count(), AuditEvent.objects.count()) == before


def test_fetch_one_and_execute_take_pyformat_placeholders():
    clock = _clock()
    table = connection.ops.quote_name(Clock._meta.db_table)

    assert fetch_one(f"SELECT owner_id FROM {table} WHERE id = %s", [clock.pk]) == ("1",)  # noqa: S608
    assert fetch_one(f"SELECT owner_id FROM {table} WHERE id = %s", [clock.pk + 1]) is None  # noqa: S608
    assert execute(f"UPDATE {table} SET warn_days = %s WHERE id = %s", [4, clock.pk]) == 1  # noqa: S608
    assert Clock.objects.get(pk=clock.pk).warn_days == 4


def test_statements_are_visible_to_query_capture():
    clock = _clock()

    with CaptureQueriesContext(connection) as ctx:
        insert_values(ClockEvent, {"clock_id": clock.pk, "kind": "stop", "on_date": dt.date(2026, 10, 1),
                                   "due_on": clock.due_on})
        update_rows(Clock, where={"id": clock.pk}, values={"warn_days": 1})

    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 2
    assert sqls[0].startswith("INSERT INTO") and sqls[1].startswith("UPDATE")
