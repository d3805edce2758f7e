"""bench/bench_cases.py drives real case lives through the services (run on a tiny scale here)."""

import pytest

from bench import bench_cases
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.core.audit import audit_chain_verify
from zhengwu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_bench_world_and_loop_conclude_every_case_with_events_and_audit_rows():
    item, staff, applicants = bench_cases._world()
    audit_before = AuditEvent.objects.count()

    steps = bench_cases._run_cases(3, item, staff, applicants)

    assert steps == 15
    assert Case.objects.filter(item=item, status="concluded").count() == 3
    assert CaseEvent.objects.filter(case__item=item).count() == 15
    assert AuditEvent.objects.count() - audit_before >= 15
    assert audit_chain_verify().ok


def test_query_breakdown_counts_statements_per_step():
    item, staff, applicants = bench_cases._world()

    breakdown = bench_cases._query_breakdown(item, staff, applicants)

    assert breakdown["queries_per_step"] > 0
    assert any(key.startswith("INSERT core_auditevent") for key in breakdown["by_statement"])


def test_sqlite_timer_times_every_statement_and_puts_the_driver_back():
    from django.db import connection

    item, staff, applicants = bench_cases._world()
    connection.ensure_connection()
    raw = connection.connection

    with bench_cases._SqliteTimer(connection) as timer:
        bench_cases._run_cases(2, item, staff, applicants)

    assert connection.connection is raw
    assert Case.objects.filter(item=item, status="concluded").count() == 2
    if connection.vendor != "sqlite":
        assert timer.count == 0  # PostgreSQL runs report no SQLite share
        return
    # fastsql's prepared statements and the ORM's both pass the timer: 10 steps of
    # 10-15 statements each, BEGIN counted apart (the tests run inside one transaction,
    # so the services' atomic blocks are savepoints and no BEGIN is issued).
    assert 100 <= timer.count <= 160
    assert timer.statements > 0
