"""The department figures the sweep keeps (ADR 0005): what each sweep adds equals a rebuild."""

from datetime import date

import pytest

from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.services import case_act, case_submit
from zhengwu.supervision.models import DepartmentMonth, DepartmentOpen, SweepRun
from zhengwu.supervision.selectors import PERIODS, department_statistics, period_bounds
from zhengwu.supervision.services import supervision_sweep

from .conftest import moment

pytestmark = pytest.mark.django_db

STEPS = (("clerk", "accept"), ("reviewer", "review_pass"), ("approver", "approve"), ("handler", "conclude"))


def _conclude(case, staff, on):
    for who, action in STEPS:
        with at(moment(*on)):
            case = case_act(actor=staff[who], case=case, action=action, expected_version=case.version)
    return case


def _stored():
    months = sorted(DepartmentMonth.objects.values_list(
        "unit_id", "month", "concluded", "on_time", "handling_days", "timed", "red_alerts", "yellow_alerts"))
    return months, sorted(DepartmentOpen.objects.values_list("unit_id", "overdue_open"))


def _every_period(today):
    return {period: department_statistics(today=today, period=period) for period in PERIODS}


@pytest.fixture
def open_cases(item, citizen, calendar_2026):
    cases = []
    for _ in range(4):
        with at(moment(2026, 9, 24)):
            cases.append(case_submit(actor=citizen, item=item, applicant=citizen, channel="online"))
    return cases


def test_each_sweep_adds_what_is_new_and_equals_a_full_rebuild(open_cases, staff, dept):
    _conclude(open_cases[0], staff, (2026, 9, 24))
    supervision_sweep(today=date(2026, 10, 9))  # first sweep: built from everything
    first = _stored()
    assert first[0] and first[1] == []  # nothing overdue yet (due 12 October)

    _conclude(open_cases[1], staff, (2026, 10, 16))
    with at(moment(2026, 10, 16)):
        case_act(actor=staff["clerk"], case=open_cases[2], action="refuse", expected_version=open_cases[2].version,
                 reason="不属于本机关职权")
    supervision_sweep(today=date(2026, 10, 20))  # adds one concluded case and the new alerts
    supervision_sweep(today=date(2026, 10, 20))  # a repeat adds nothing
    added = _stored()
    shown = _every_period(date(2026, 10, 20))

    supervision_sweep(today=date(2026, 10, 20), full=True)
    assert _stored() == added
    assert _every_period(date(2026, 10, 20)) == shown
    [year] = shown["year"]
    assert (year["unit_id"], year["concluded"], year["on_time"], year["avg_days"]) == (dept.pk, 2, 1, 5.5)
    # The refused case is not counted as concluded; the fourth is open and past its date.
    assert year["overdue_open"] == 1
    assert year["red_alerts"] >= 1


def test_a_sweep_after_incomplete_figures_rebuilds_them(open_cases, staff):
    _conclude(open_cases[0], staff, (2026, 9, 24))
    supervision_sweep(today=date(2026, 10, 9))
    expected = _stored()
    # As after the migration that added the tables: runs exist, figures do not.
    DepartmentMonth.objects.all().delete()
    SweepRun.objects.update(figures_complete=False)
    supervision_sweep(today=date(2026, 10, 9))
    assert _stored() == expected


@pytest.mark.parametrize(("period", "first", "last"), [
    ("month", date(2026, 10, 1), date(2026, 11, 1)),
    ("last_month", date(2026, 9, 1), date(2026, 10, 1)),
    ("quarter", date(2026, 10, 1), date(2027, 1, 1)),
    ("year", date(2026, 1, 1), date(2027, 1, 1)),
    ("last12", date(2025, 11, 1), date(2026, 11, 1)),
    ("no-such-period", date(2026, 10, 1), date(2026, 11, 1)),
])
def test_period_bounds(period, first, last):
    assert period_bounds(period, date(2026, 10, 20)) == (first, last)


def test_last_month_in_january_is_december():
    assert period_bounds("last_month", date(2027, 1, 5)) == (date(2026, 12, 1), date(2027, 1, 1))
