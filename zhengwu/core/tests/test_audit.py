import pytest
from django.core.management import call_command
from django.db import connection, transaction

from zhengwu.core.audit import GENESIS_HASH, UNSEALED, audit_chain_verify, audit_record, audit_seal
from zhengwu.core.models import AuditEvent
from zhengwu.core.models.audit import AppendOnlyError

pytestmark = pytest.mark.django_db


def _append(n, action="test.thing", *, seal=True):
    """n rows in one transaction, then (as the sealer would within a second) sealed and re-read."""
    with transaction.atomic():
        events = [audit_record(actor=None, action=action, object_type="thing", object_id=i) for i in range(n)]
    if not seal:
        return events
    audit_seal()
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


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


def test_audit_verify_detects_a_reordered_row():
    """Two sealed rows swap places in the chain: the link of the first moved row breaks."""
    events = _append(4)
    table = AuditEvent._meta.db_table
    a, b = events[1], events[2]
    # Through a free value: seq is unique.
    _raw_sql(f"UPDATE {table} SET seq = %s WHERE id = %s", [-1, a.pk])
    _raw_sql(f"UPDATE {table} SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _raw_sql(f"UPDATE {table} SET seq = %s WHERE id = %s", [b.seq, a.pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == b.pk
    assert "顺序" in report.reason


def test_audit_verify_detects_swapped_contents():
    """The rows keep their places but trade their contents (ids and hashes stay)."""
    events = _append(3)
    table = AuditEvent._meta.db_table
    _raw_sql(f"UPDATE {table} SET object_id = %s WHERE id = %s", ["2", events[1].pk])
    _raw_sql(f"UPDATE {table} SET object_id = %s WHERE id = %s", ["1", events[2].pk])
    report = audit_chain_verify()
    assert report.broken_at == events[1].pk
    assert "篡改" in report.reason


def test_audit_verify_detects_a_deleted_last_row():
    events = _append(3)
    _raw_sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[2].pk])
    report = audit_chain_verify()
    assert not report.ok


def test_audit_verify_command_succeeds_on_intact_chain(capsys):
    _append(2)
    call_command("audit_verify")
    assert "已校验 2 条" in capsys.readouterr().out


# --- sealing -----------------------------------------------------------------------


def test_a_row_is_written_unsealed_and_the_seal_chains_it():
    (event,) = _append(1, seal=False)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (None, UNSEALED, UNSEALED)
    report = audit_seal()
    assert report.sealed == 1 and report.late == 0
    stored.refresh_from_db()
    assert stored.seq == 1
    assert stored.prev_hash == GENESIS_HASH and len(stored.hash) == 64
    assert audit_seal().sealed == 0  # nothing twice


def test_chain_follows_the_order_of_sealing_not_of_ids():
    """A row that commits late (a long transaction on PostgreSQL) joins the chain when sealed."""
    first = _append(1)[0]
    late = _append(1, seal=False)[0]
    # Simulate "committed after the next row was sealed": hide it from one seal by
    # sealing the rows after it only, then let the sealer find it.
    table = AuditEvent._meta.db_table
    _raw_sql(f"UPDATE {table} SET seq = %s WHERE id = %s", [-5, late.pk])
    after = _append(1)[0]
    _raw_sql(f"UPDATE {table} SET seq = NULL WHERE id = %s", [late.pk])
    audit_seal()
    late.refresh_from_db()
    assert first.seq < after.seq < late.seq
    assert late.prev_hash == after.hash
    assert audit_chain_verify().ok


def test_verify_seals_first_and_walks_every_committed_row():
    _append(3, seal=False)
    report = audit_chain_verify()
    assert report.ok and report.checked == 3
    assert report.sealed_now.sealed == 3
    assert report.unsealed == 0


def test_verify_without_sealing_reports_rows_waiting_past_the_window():
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    _append(2)
    old = timezone.now() - dt.timedelta(seconds=5)
    # The fresh row first: a write after the overdue one would seal it (writers seal an
    # overdue backlog themselves), so the overdue row is the last write, as when the
    # sealer has stopped and nothing has been written since.
    _append(1, seal=False)
    with mock.patch("django.utils.timezone.now", return_value=old):
        _append(1, seal=False)
    report = audit_chain_verify(seal=False)
    assert report.ok and report.checked == 2
    assert (report.unsealed, report.overdue) == (2, 1)
    # Sealing them counts the one that waited past the window as late.
    sealed = audit_seal()
    assert (sealed.sealed, sealed.late) == (2, 1)
    assert sealed.max_wait_seconds >= 5


def test_an_edit_inside_the_window_is_sealed_over_but_one_after_is_found():
    """What the window means: before sealing a row has no hash to contradict; after, it has."""
    (event,) = _append(1, seal=False)
    table = AuditEvent._meta.db_table
    _raw_sql(f"UPDATE {table} SET action = %s WHERE id = %s", ["test.inside", event.pk])
    assert audit_chain_verify().ok
    _raw_sql(f"UPDATE {table} SET action = %s WHERE id = %s", ["test.after", event.pk])
    assert audit_chain_verify().broken_at == event.pk


def test_audit_verify_command_warns_about_rows_sealed_late(capsys):
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - dt.timedelta(seconds=3)):
        _append(1, seal=False)
    call_command("audit_verify")
    captured = capsys.readouterr()
    assert "已校验 1 条" in captured.out
    assert "超过 1 秒仍未封存" in captured.err


def test_an_audited_write_touches_no_shared_row():
    """What stops writers queueing: the row is inserted, the chain head is not read or locked."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        audit_record(actor=None, action="test.thing", object_type="thing", object_id=1)
    statements = [q["sql"] for q in ctx.captured_queries]
    assert any("core_auditevent" in sql for sql in statements)
    assert not any("core_auditchainhead" in sql for sql in statements)
