"""Working-day arithmetic (行政许可法 art. 82) over the loaded calendar."""

import logging
import random
from datetime import date, timedelta

import pytest

from zhengwu.core.workdays import (
    add_working_days,
    calendar_coverage,
    calendar_missing_years,
    is_workday,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = date


def _brute_force_due(start: date, n: int) -> date:
    """The definition, walked one day at a time: the reference for the fast path."""
    day = start
    if n == 0:
        while not is_workday(day):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 2026-09-30 Wed; 10-01..10-07 National Day; 10-08 Thu is day 1.
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 2, D(2026, 10, 9)),
        # Saturday 2026-10-10 is a make-up working day: day 3.
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        # Sunday 10-11 rests again, Monday 10-12 is day 4.
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        # Sunday 2026-09-20 is a make-up working day right after Friday 09-18.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        # 09-25 Mid-autumn + weekend, then 09-28 .. 09-30 and the holiday week.
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 9, 24), 4, D(2026, 10, 8)),
        # 20 working days from 2026-09-15 (Tue): 16,17,18,20(调休),21,22,23,24,28,29,30,
        # 10-08,09,10(调休),12,13,14,15,16,19.
        (D(2026, 9, 15), 20, D(2026, 10, 19)),
    ],
)
def test_deadline_across_2026_national_day_counts_make_up_days(calendar_2025_2026, start, n, due):
    result = add_working_days(start, n)
    assert result.due == due
    assert result.calendar_complete is True


def test_start_on_a_rest_day_makes_the_next_working_day_day_one(calendar_2025_2026):
    assert add_working_days(D(2026, 10, 3), 1).due == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 3), 3).due == D(2026, 10, 10)
    # Saturday 2026-10-17 (ordinary weekend) -> Monday 10-19.
    assert add_working_days(D(2026, 10, 17), 1).due == D(2026, 10, 19)


def test_start_on_a_make_up_workday_is_not_counted(calendar_2025_2026):
    assert add_working_days(D(2026, 10, 10), 1).due == D(2026, 10, 12)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Friday 2026-02-13 -> Saturday 02-14 is 调休 (day 1); 02-15..02-23 holiday.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        # 02-24..02-27 are days 1-4, Saturday 02-28 is 调休 (day 5).
        (D(2026, 2, 23), 5, D(2026, 2, 28)),
        (D(2026, 2, 23), 6, D(2026, 3, 2)),
    ],
)
def test_deadline_across_2026_spring_festival(calendar_2025_2026, start, n, due):
    assert add_working_days(start, n).due == due


def test_zero_working_days_is_the_start_if_working_else_the_next_working_day(calendar_2025_2026):
    assert add_working_days(D(2026, 9, 30), 0).due == D(2026, 9, 30)
    assert add_working_days(D(2026, 10, 10), 0).due == D(2026, 10, 10)
    assert add_working_days(D(2026, 10, 1), 0).due == D(2026, 10, 8)


def test_is_workday_follows_holidays_and_make_up_days(calendar_2025_2026):
    assert is_workday(D(2026, 9, 20)) is True  # Sunday, 调休
    assert is_workday(D(2026, 10, 10)) is True  # Saturday, 调休
    assert is_workday(D(2026, 10, 5)) is False  # Monday, National Day
    assert is_workday(D(2026, 10, 11)) is False  # ordinary Sunday
    assert is_workday(D(2026, 10, 12)) is True  # ordinary Monday


def test_working_days_between_counts_after_start_up_to_and_including_end(calendar_2025_2026):
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)).days == 3
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 7)).days == 0
    assert working_days_between(D(2026, 9, 30), D(2026, 9, 30)).days == 0


def test_working_days_between_is_negative_when_end_is_before_start(calendar_2025_2026):
    forward = working_days_between(D(2026, 9, 30), D(2026, 10, 12))
    backward = working_days_between(D(2026, 10, 12), D(2026, 9, 30))
    assert forward.days == 4
    assert backward.days == -4


def test_fast_deadlines_match_the_day_by_day_definition_through_2025_and_2026(calendar_2025_2026):
    rng = random.Random(82)
    for _ in range(400):
        start = D(2025, 1, 1) + timedelta(days=rng.randrange(0, 640))
        n = rng.randrange(0, 61)
        result = add_working_days(start, n)
        assert result.due == _brute_force_due(start, n), (start, n)
        if n:
            assert working_days_between(start, result.due).days == n
            # The day before the due date is still short of n.
            assert working_days_between(start, result.due - timedelta(days=1)).days == n - 1


def test_year_without_loaded_arrangement_is_flagged_and_logged(calendar_2025_2026, caplog):
    with caplog.at_level(logging.WARNING, logger="zhengwu.calendar"):
        result = add_working_days(D(2027, 3, 1), 5)
    assert result.calendar_complete is False
    # Plain weekday rule: Monday 2027-03-01 + 5 -> Monday 03-08.
    assert result.due == D(2027, 3, 8)
    assert "工作日计算涉及未载入节假日安排的年份: 2027" in caplog.text


def test_span_from_2026_into_2027_is_flagged(calendar_2025_2026):
    inside = add_working_days(D(2026, 12, 1), 10)
    crossing = add_working_days(D(2026, 12, 28), 5)
    assert inside.calendar_complete is True
    assert crossing.calendar_complete is False
    # Without 2027's arrangement New Year's Day counts as a weekday.
    assert crossing.due == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 1), D(2027, 1, 5)).calendar_complete is False


def test_span_before_the_first_loaded_year_is_flagged(calendar_2025_2026):
    result = working_days_between(D(2024, 12, 30), D(2025, 1, 3))
    assert result.calendar_complete is False
    # 12-31 (weekday rule), 2025-01-02, 01-03 (01-01 is New Year's Day).
    assert result.days == 3


def test_empty_calendar_uses_weekday_rule_and_flags_everything(db):
    result = add_working_days(D(2026, 9, 30), 1)
    assert result == (D(2026, 10, 1), False)
    assert calendar_coverage() is None
    assert calendar_missing_years(around=D(2026, 5, 1)) == [2026, 2027]


def test_coverage_and_missing_years_reflect_loaded_years(calendar_2025_2026):
    assert calendar_coverage() == (2025, 2026)
    assert calendar_missing_years(around=D(2026, 11, 1)) == [2027]
    assert calendar_missing_years(around=D(2025, 3, 1)) == []


def test_deadline_lookups_run_no_query_once_loaded(calendar_2025_2026, django_assert_num_queries):
    add_working_days(D(2026, 1, 5), 1)  # loads the table
    with django_assert_num_queries(0):
        for day in range(1, 28):
            add_working_days(D(2026, 2, day), 10)
            working_days_between(D(2026, 2, day), D(2026, 10, 1))
            is_workday(D(2026, 3, day))
