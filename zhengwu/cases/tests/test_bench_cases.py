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
