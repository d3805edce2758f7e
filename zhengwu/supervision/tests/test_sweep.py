"""The sweep: yellow and red cards on the right working days, each raised once."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.services import case_act, case_submit
from zhengwu.core.clock import clock_start, clock_stop
from zhengwu.core.models import AuditEvent, Clock
from zhengwu.org.roles import Role
from zhengwu.supervision.models import Alert
from zhengwu.supervision.services import supervision_sweep

from .conftest import moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock_over_national_day(calendar_2026):
    # Started Wed 30 Sep 2026; 1-7 Oct are holidays and Sat 10 Oct is a make-up working
    # day, so the 5 working days are 8, 9, 10, 12, 13 Oct: due 13 Oct, and with 2 days'
    # warning the card turns yellow on the make-up Saturday.
    return clock_start(actor=None, owner_type="test.thing", owner_id="1", limit_days=5, warn_days=2, start_on=date(2026, 9, 30))


def _levels():
    return sorted(Alert.objects.values_list("level", "raised_on"))


def test_no_card_during_the_holiday_or_before_the_warning_day(clock_over_national_day):
    for day in (date(2026, 10, 1), date(2026, 10, 7), date(2026, 10, 9)):
        result = supervision_sweep(today=day)
        assert (result.yellow, result.red, result.normal) == (0, 0, 1)
    assert _levels() == []


def test_yellow_card_appears_on_the_make_up_saturday(clock_over_national_day):
    supervision_sweep(today=date(2026, 10, 9))
    result = supervision_sweep(today=date(2026, 10, 10))
    assert (result.yellow, result.new_yellow) == (1, 1)
    assert _levels() == [("yellow", date(2026, 10, 10))]


def test_red_card_appears_the_day_after_the_due_date(clock_over_national_day):
    supervision_sweep(today=date(2026, 10, 10))
    on_due_day = supervision_sweep(today=date(2026, 10, 13))
    day_after = supervision_sweep(today=date(2026, 10, 14))
    assert (on_due_day.red, on_due_day.new_red) == (0, 0)
    assert (day_after.red, day_after.new_red) == (1, 1)
    assert _levels() == [("red", date(2026, 10, 14)), ("yellow", date(2026, 10, 10))]


def test_a_second_sweep_raises_nothing_new(clock_over_national_day):
    first = supervision_sweep(today=date(2026, 10, 14))
    second = supervision_sweep(today=date(2026, 10, 15))
    assert (first.new_red, second.new_red, second.new_yellow) == (1, 0, 0)
    assert Alert.objects.count() == 1


def test_a_clock_first_seen_overdue_gets_only_the_red_card(clock_over_national_day):
    supervision_sweep(today=date(2026, 10, 20))
    assert _levels() == [("red", date(2026, 10, 20))]


def test_stopped_clocks_raise_nothing(clock_over_national_day):
    clock_stop(actor=None, clock=clock_over_national_day, on=date(2026, 10, 9))
    result = supervision_sweep(today=date(2026, 10, 20))
    assert (result.running, result.new_red) == (0, 0)


def test_sweep_leaves_one_audit_row_with_the_counts(clock_over_national_day):
    supervision_sweep(today=date(2026, 10, 10))
    row = AuditEvent.objects.filter(action="supervision.sweep").get()
    assert (row.details["yellow"], row.details["new_yellow"]) == (1, 1)


def test_case_alert_names_the_department_and_the_step_post(item, citizen, staff, dept, calendar_2026):
    with at(moment(2026, 9, 24)):
        case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    supervision_sweep(today=date(2026, 11, 30))
    step_alert = Alert.objects.get(clock=case.step_clock)
    case_alert = Alert.objects.get(clock=case.clock)
    assert (step_alert.level, step_alert.unit_id, step_alert.role) == ("red", dept.pk, Role.WINDOW_CLERK)
    assert (case_alert.unit_id, case_alert.role, case_alert.handler_id) == (dept.pk, Role.WINDOW_CLERK, None)


def test_case_alerts_name_the_person_a_step_was_transferred_to(item, citizen, staff, dept, calendar_2026):
    with at(moment(2026, 9, 24)):
        case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
        other = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
        for c in (case, other):
            case_act(actor=staff["clerk"], case=c, action="accept", expected_version=c.version)
        # The reviewer hands the step to a colleague: its clock now names that person.
        person = staff["reviewer2"]
        case_act(actor=staff["reviewer"], case=case, action="transfer", expected_version=case.version,
                 reason="同事熟悉此类申请", payload={"to_user_id": person.pk})
    assert Clock.objects.get(pk=case.step_clock_id).handler_id == person.pk

    supervision_sweep(today=date(2026, 11, 30))

    assert set(Alert.objects.filter(clock__in=[case.step_clock, case.clock]).values_list("handler_id", flat=True)) == {
        person.pk}
    assert set(Alert.objects.filter(clock__in=[other.step_clock, other.clock]).values_list("handler_id", flat=True)) == {
        None}
    assert set(Alert.objects.filter(clock=case.step_clock).values_list("unit_id", "role")) == {(dept.pk, Role.REVIEWER)}
    assert not Alert.objects.filter(unit__isnull=True).exists()  # every case alert names its department


def test_sweep_query_count_does_not_grow_with_clocks(calendar_2026):
    def add(prefix, n):
        for i in range(n):
            clock_start(actor=None, owner_type="test.thing", owner_id=f"{prefix}{i}", limit_days=1, warn_days=0,
                        start_on=date(2026, 9, 1))

    supervision_sweep(today=date(2026, 10, 19))
    add("a", 2)
    with CaptureQueriesContext(connection) as few:
        first = supervision_sweep(today=date(2026, 10, 20))
    add("b", 12)
    with CaptureQueriesContext(connection) as many:
        second = supervision_sweep(today=date(2026, 10, 21))
    assert (first.new_red, second.new_red) == (2, 12)
    assert len(few) == len(many)


def test_management_command_prints_the_counts(clock_over_national_day):
    out = StringIO()
    call_command("supervision_sweep", "--today", "2026-10-14", stdout=out)
    assert "红牌 1" in out.getvalue() and "新增红牌 1" in out.getvalue()


def test_periodic_task_runs_the_sweep(clock_over_national_day):
    from zhengwu.supervision.tasks import supervision_sweep_task

    with at(moment(2026, 10, 14)):
        result = supervision_sweep_task.call_local()
    assert (result.red, Alert.objects.filter(level="red").count()) == (1, 1)


def test_a_clock_started_back_dated_after_the_last_sweep_is_still_caught(calendar_2026):
    supervision_sweep(today=date(2026, 10, 20))
    late = clock_start(actor=None, owner_type="test.thing", owner_id="late", limit_days=1, warn_days=0,
                       start_on=date(2026, 9, 1))
    result = supervision_sweep(today=date(2026, 10, 21))
    assert result.new_red == 1 and Alert.objects.get().clock == late


def test_a_full_sweep_finds_nothing_an_incremental_one_missed(clock_over_national_day):
    for day in (9, 10, 12, 13, 14, 15):
        supervision_sweep(today=date(2026, 10, day))
    full = supervision_sweep(today=date(2026, 10, 15), full=True)
    assert (full.new_yellow, full.new_red) == (0, 0)
    assert _levels() == [("red", date(2026, 10, 14)), ("yellow", date(2026, 10, 10))]


def test_sweep_command_takes_full_and_reports_its_phase_timings(capsys):
    """`supervision_sweep --full` runs a whole sweep; each run keeps its per-phase seconds."""
    from django.core.management import call_command

    from zhengwu.supervision.models import SweepRun

    call_command("supervision_sweep", "--today", "2026-06-15")
    call_command("supervision_sweep", "--today", "2026-06-15", "--full")
    out = capsys.readouterr().out
    assert out.count("计时中") == 2 and "用时" in out
    runs = list(SweepRun.objects.order_by("pk"))
    assert len(runs) == 2 and set(runs[1].details["seconds"]) == {"counts", "alerts", "faults", "statistics"}


def test_alerts_on_any_owners_clock_carry_the_unit_post_and_handler_it_names(calendar_2026, dept, staff):
    # Letters and disclosure requests name them when they start or hand over a clock,
    # as cases do; the sweep copies them, no owner fills its alerts in afterwards.
    clock_start(actor=None, owner_type="test.thing", owner_id="1", limit_days=5, warn_days=2,
                start_on=date(2026, 9, 30), unit_id=dept.pk, role=Role.HANDLER, handler_id=staff["reviewer"].pk)
    supervision_sweep(today=date(2026, 10, 10))
    supervision_sweep(today=date(2026, 10, 14))
    assert sorted(Alert.objects.values_list("level", "unit_id", "role", "handler_id")) == [
        ("red", dept.pk, Role.HANDLER, staff["reviewer"].pk), ("yellow", dept.pk, Role.HANDLER, staff["reviewer"].pk),
    ]


def test_deleting_a_clock_still_deletes_its_alerts(clock_over_national_day):
    # Alerts never outlive their clock.
    supervision_sweep(today=date(2026, 10, 14))
    assert Alert.objects.count() == 1
    clock_over_national_day.delete()
    assert Alert.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plans; PostgreSQL plans by statistics")
def test_sweep_reads_running_clocks_through_the_partial_indexes_alone():
    """The alert insert reads only the covering "running" index (no clock rows), and the
    counts use the partial indexes: a bound parameter for the state would make SQLite
    scan the whole clock table, stopped clocks included."""
    from zhengwu.supervision.services import _alert_insert_sql

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + _alert_insert_sql().format(window="", hint="INDEXED BY core_clock_running_warn"),
                       ["2026-06-15", "2026-06-15", "2026-06-15 01:00:00", "2026-06-15"])
        plan = " | ".join(row[-1] for row in cursor.fetchall())
        assert "COVERING INDEX core_clock_running_warn" in plan, plan
        cursor.execute("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM core_clock WHERE state = 'running' AND due_on < ?",
                       ["2026-06-15"])
        assert "core_clock_running_due" in " ".join(row[-1] for row in cursor.fetchall())
