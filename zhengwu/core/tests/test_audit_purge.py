"""Retention purge: keeps 6 months, records the cut, and the chain still verifies."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from zhengwu.core.audit import (
    MIN_RETENTION_DAYS,
    audit_chain_verify,
    audit_purge,
    audit_record,
    audit_seal,
)
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import AuditEvent, AuditPurge

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _append_at(when, n, action="test.old"):
    with mock.patch("django.utils.timezone.now", return_value=when):
        with transaction.atomic():
            events = [audit_record(actor=None, action=action, object_id=i) for i in range(n)]
    audit_seal()  # as the sealer would within a second
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


def _days_ago(days):
    return NOW - dt.timedelta(days=days)


def _raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def old_and_new_rows():
    old = _append_at(_days_ago(400), 3, "test.old")
    recent = _append_at(_days_ago(10), 2, "test.recent")
    return old, recent


def _cut(days_ago):
    return (timezone.localdate() - dt.timedelta(days=days_ago))


def test_purge_removes_rows_before_the_cut_and_records_the_anchor(old_and_new_rows):
    old, recent = old_and_new_rows

    plan = audit_purge(actor=None, before=_cut(300), operator_label="测试")

    # The old rows are gone, the recent ones stay, and the cut is recorded.
    assert not AuditEvent.objects.filter(action="test.old").exists()
    assert AuditEvent.objects.filter(action="test.recent").count() == 2
    anchor = AuditPurge.objects.get()
    assert anchor.last_purged_id == old[-1].pk
    assert anchor.last_purged_hash == old[-1].hash
    assert anchor.last_purged_seq == old[-1].seq
    assert anchor.removed_count == 3
    assert anchor.operator_label == "测试"
    # The purge is itself audited, in the chain, with the same numbers.
    row = AuditEvent.objects.get(action="audit.purge")
    assert row.pk == plan.event.pk
    assert row.details["removed"] == 3
    assert row.details["last_purged_hash"] == old[-1].hash
    assert row.details["cut_before"].endswith("+08:00")


def test_chain_verifies_after_a_purge_starting_at_the_anchor(old_and_new_rows):
    audit_purge(actor=None, before=_cut(300))
    _append_at(NOW, 1, "test.after")

    report = audit_chain_verify(batch_size=1)

    assert report.ok, report.reason
    assert report.checked == 4  # two recent + purge row + one after
    assert report.anchor is not None


def test_second_purge_starts_from_the_newest_anchor():
    _append_at(_days_ago(400), 2, "test.old")
    middle = _append_at(_days_ago(250), 2, "test.middle")
    _append_at(_days_ago(10), 1, "test.recent")
    audit_purge(actor=None, before=_cut(300))

    audit_purge(actor=None, before=_cut(200))

    assert AuditPurge.objects.order_by("-id").first().last_purged_id == middle[-1].pk
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.recent", "audit.purge", "audit.purge"]
    assert audit_chain_verify().ok


def test_purge_refuses_a_cut_inside_the_retention_period(old_and_new_rows):
    too_recent = _cut(MIN_RETENTION_DAYS - 1)
    with pytest.raises(ValidationFailed) as exc:
        audit_purge(actor=None, before=too_recent)
    assert "至少保存 183 天" in exc.value.message
    assert AuditEvent.objects.count() == 5
    assert not AuditPurge.objects.exists()


def test_retention_setting_below_six_months_is_refused(settings, old_and_new_rows):
    settings.ZHENGWU_AUDIT_RETENTION_DAYS = 90
    with pytest.raises(ImproperlyConfigured):
        audit_purge(actor=None, before=_cut(300))
    assert AuditEvent.objects.count() == 5


def test_longer_retention_setting_moves_the_latest_allowed_cut(settings, old_and_new_rows):
    settings.ZHENGWU_AUDIT_RETENTION_DAYS = 365
    with pytest.raises(ValidationFailed):
        audit_purge(actor=None, before=_cut(300))
    audit_purge(actor=None, before=_cut(366))
    assert not AuditEvent.objects.filter(action="test.old").exists()


def test_purge_refuses_a_broken_chain(old_and_new_rows):
    old, _ = old_and_new_rows
    _raw_sql(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s", ["test.forged", old[1].pk])

    with pytest.raises(Conflict) as exc:
        audit_purge(actor=None, before=_cut(300))

    assert f"#{old[1].pk}" in exc.value.message
    assert AuditEvent.objects.count() == 5
    assert not AuditPurge.objects.exists()


def test_forced_purge_records_the_break(old_and_new_rows):
    old, _ = old_and_new_rows
    _raw_sql(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s", ["test.forged", old[1].pk])

    audit_purge(actor=None, before=_cut(300), force_record_break=True)

    anchor = AuditPurge.objects.get()
    assert anchor.recorded_break["broken_at"] == old[1].pk
    assert AuditEvent.objects.get(action="audit.purge").details["recorded_break"]["broken_at"] == old[1].pk
    assert audit_chain_verify().ok


def test_deleting_old_rows_without_the_command_breaks_verification(old_and_new_rows):
    old, recent = old_and_new_rows
    ids = [e.pk for e in old]
    _raw_sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id IN ({','.join(['%s'] * len(ids))})", ids)

    report = audit_chain_verify()

    assert not report.ok
    assert report.broken_at == recent[0].pk


def test_deleting_rows_after_a_purge_without_the_command_breaks_verification(old_and_new_rows):
    _, recent = old_and_new_rows
    audit_purge(actor=None, before=_cut(300))
    _raw_sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [recent[0].pk])
    assert audit_chain_verify().broken_at == recent[1].pk


def test_forged_purge_record_without_its_chained_row_does_not_verify(old_and_new_rows):
    # An intruder deletes the old rows and adds a purge record by hand to cover it.
    old, _ = old_and_new_rows
    ids = [e.pk for e in old]
    _raw_sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id IN ({','.join(['%s'] * len(ids))})", ids)
    AuditPurge.objects.create(
        created_at=NOW, cut_before=NOW, last_purged_id=old[-1].pk, last_purged_hash=old[-1].hash,
        last_purged_seq=old[-1].seq, removed_count=3, operator_label="伪造",
    )

    report = audit_chain_verify()

    assert not report.ok
    assert "伪造" in report.reason


def test_command_without_yes_only_reports(old_and_new_rows, capsys):
    call_command("audit_purge", "--before", _cut(300).isoformat())
    assert "将清理" in capsys.readouterr().out
    assert AuditEvent.objects.count() == 5
    assert not AuditPurge.objects.exists()


def test_command_with_yes_purges_and_names_the_operator(old_and_new_rows, capsys):
    from zhengwu.accounts.tests.factories import StaffFactory

    staff = StaffFactory(username="auditor1")
    call_command("audit_purge", "--before", _cut(300).isoformat(), "--yes", "--operator", "auditor1")

    assert "已清理审计记录 3 条" in capsys.readouterr().out
    row = AuditEvent.objects.get(action="audit.purge")
    assert row.actor_id == staff.pk
    assert AuditPurge.objects.get().operator_label.startswith(staff.audit_label)
    call_command("audit_verify")
    assert "自清理记录" in capsys.readouterr().out


def test_command_refuses_a_recent_cut_and_a_bad_date(old_and_new_rows):
    with pytest.raises(CommandError, match="至少保存"):
        call_command("audit_purge", "--before", timezone.localdate().isoformat(), "--yes")
    with pytest.raises(CommandError, match="日期格式不对"):
        call_command("audit_purge", "--before", "2025-13-01", "--yes")
    assert AuditEvent.objects.count() == 5


def test_purge_with_nothing_old_changes_nothing(capsys):
    _append_at(_days_ago(5), 2)
    call_command("audit_purge", "--before", _cut(300).isoformat(), "--yes")
    assert "无需清理" in capsys.readouterr().out
    assert AuditEvent.objects.count() == 2
    assert not AuditPurge.objects.exists()
