"""core 0012: rows chained under the old head lock keep verifying, and new rows chain on after them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from zhengwu.core.audit import GENESIS_HASH, _canonical_values, audit_chain_verify, audit_record, sm3_hex

BEFORE = [("core", "0011_ratecounter")]
AFTER = [("core", "0012_audit_sealed_chain")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_old_chain_migrates_and_new_rows_chain_after_it():
    _migrate(BEFORE)
    # Three rows as the old code wrote them: hashed in id order, the head on the last.
    prev, ids = GENESIS_HASH, []
    with connection.cursor() as cursor:
        for n in range(3):
            values = {"created_at": timezone.localtime(), "actor_id": None, "actor_label": "系统", "role": "",
                      "ip": None, "action": "test.old", "object_type": "thing", "object_id": str(n),
                      "result": "success", "request_id": "r", "details": {}}
            digest = sm3_hex(prev.encode() + _canonical_values(values))
            cursor.execute(
                "INSERT INTO core_auditevent (created_at, actor_label, role, action, object_type, object_id, result,"
                " request_id, details, prev_hash, hash) VALUES (%s, %s, '', %s, %s, %s, %s, %s, %s, %s, %s)",
                [values["created_at"], "系统", "test.old", "thing", str(n), "success", "r", "{}", prev, digest],
            )
            cursor.execute("SELECT MAX(id) FROM core_auditevent")
            ids.append(cursor.fetchone()[0])
            prev = digest
        cursor.execute("INSERT INTO core_auditchainhead (id, last_hash, last_event_id) VALUES (1, %s, %s)",
                       [prev, ids[-1]])
    try:
        _migrate(AFTER)
        from zhengwu.core.models import AuditChainHead, AuditEvent

        assert list(AuditEvent.objects.order_by("id").values_list("seq", flat=True)) == ids
        assert AuditChainHead.objects.get().last_seq == ids[-1]
        report = audit_chain_verify()
        assert report.ok and report.checked == 3

        from django.db import transaction

        with transaction.atomic():
            new = audit_record(actor=None, action="test.new")
        report = audit_chain_verify()
        assert report.ok and report.checked == 4
        new = AuditEvent.objects.get(pk=new.pk)
        assert new.seq == ids[-1] + 1 and new.prev_hash == prev
    finally:
        # Back to every app's latest migration, not only core's: going back to core 0011
        # also unapplied the migrations of other apps that depend on later core ones
        # (cases 0005, for one), and the rest of the session needs their tables.
        _migrate(leaf_nodes())


def leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
