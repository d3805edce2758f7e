import pytest
from django.core.management import call_command
from django.db import connection, transaction

from zhengwu.core.audit import GENESIS_HASH, audit_chain_verify, audit_record
from zhengwu.core.models import AuditEvent
from zhengwu.core.models.audit import AppendOnlyError

pytestmark = pytest.mark.django_db


def _append(n, action="test.thing"):
    with transaction.atomic():
        return [audit_record(actor=None, action=action, object_type="thing", object_id=i) for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="test.outside")
    assert AuditEvent.objects.count() == 0


def test_rows_are_chained_from_genesis():
    first, second, third = _append(3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_row_records_time_in_shanghai_and_request_context():
    (event,) = _append(1)
    event.refresh_from_db()
    assert event.actor_label == "系统"
    assert len(event.request_id) == 32
    assert event.created_at.utcoffset() is not None


def test_rolled_back_change_leaves_no_audit_row():
    with pytest.raises(ValueError):
        with transaction.atomic():
            audit_record(actor=None, action="test.rolled_back")
            raise ValueError("the change failed")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert audit_chain_verify().ok


def test_intact_chain_verifies():
    _append(5)
    report = audit_chain_verify(batch_size=2)
    assert report.ok
    assert report.checked == 5


def test_model_and_queryset_refuse_update_and_delete():
    (event,) = _append(1)
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


def _raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_audit_verify_reports_first_edited_row(capsys):
    events = _append(4)
    table = AuditEvent._meta.db_table
    _raw_sql(f"UPDATE {table} SET action = %s WHERE id = %s", ["test.forged", events[2].pk])

    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"#{events[2].pk}" in err
    assert "篡改" in err


def test_audit_verify_detects_a_deleted_row():
    events = _append(4)
    _raw_sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == events[2].pk


def test_audit_verify_detects_a_deleted_last_row():
    events = _append(3)
    _raw_sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[2].pk])
    report = audit_chain_verify()
    assert not report.ok


def test_audit_verify_command_succeeds_on_intact_chain(capsys):
    _append(2)
    call_command("audit_verify")
    assert "已校验 2 条" in capsys.readouterr().out
