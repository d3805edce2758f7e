"""The shared clock: dates across the 2026 National Day holiday, suspensions, extensions, colours."""

from datetime import date

import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.core.clock import (
    clock_colour,
    clock_extend,
    clock_remaining_days,
    clock_resume,
    clock_start,
    clock_stop,
    clock_suspend,
)
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import AuditEvent, Clock, ClockEvent
from zhengwu.core.workdays import calendar_seed_from_package, working_days_between

pytestmark = pytest.mark.django_db

# 2026: 中秋 Sep 25-27, 国庆 Oct 1-7, Oct 10 (Saturday) is a 调休 working day.
# Working days around the holiday: Sep 24, 28, 29, 30, Oct 8, 9, 10, 12, 13 ...


@pytest.fixture
def calendar_2026(db):
    return calendar_seed_from_package(actor=None, years=[2026])


def _start(limit=5, warn=2, on=date(2026, 9, 24), actor=None):
    return clock_start(actor=actor, owner_type="test.thing", owner_id=1, limit_days=limit, warn_days=warn, start_on=on)


def test_due_date_skips_the_national_day_holiday(calendar_2026):
    clock = _start(limit=5, warn=2)
    assert clock.due_on == date(2026, 10, 9)
    assert clock.warn_on == date(2026, 9, 30)
    assert clock.calendar_complete is True
    assert working_days_between(clock.warn_on, clock.due_on).days == 2


def test_yellow_and_red_appear_on_the_right_days_across_the_holiday(calendar_2026):
    # Given a 5-day clock started on Thursday 24 September with a 2-day threshold,
    clock = _start(limit=5, warn=2)
    # then it is normal until the working day with 2 days left, yellow through the
    # holiday and on the due day, and red on the 调休 Saturday after it.
    expected = {
        date(2026, 9, 25): "normal",
        date(2026, 9, 28): "normal",
        date(2026, 9, 29): "normal",
        date(2026, 9, 30): "yellow",
        date(2026, 10, 5): "yellow",
        date(2026, 10, 8): "yellow",
        date(2026, 10, 9): "yellow",
        date(2026, 10, 10): "red",
        date(2026, 10, 12): "red",
    }
    assert {d: clock_colour(clock, d) for d in expected} == expected


def test_yellow_means_at_most_warn_days_remaining(calendar_2026):
    clock = _start(limit=8, warn=3)
    day = date(2026, 9, 24)
    while day <= clock.due_on:
        remaining = clock_remaining_days(clock, day)
        assert (clock_colour(clock, day) == "yellow") == (remaining <= 3), day
        day = date.fromordinal(day.toordinal() + 1)


def test_threshold_not_shorter_than_limit_is_yellow_from_the_start(calendar_2026):
    clock = _start(limit=2, warn=5)
    assert clock.warn_on == date(2026, 9, 24)
    assert clock_colour(clock, date(2026, 9, 24)) == "yellow"


def test_correction_stop_moves_due_date_by_exactly_the_stopped_working_days(calendar_2026):
    # Given a clock due on 9 October,
    clock = _start(limit=5, warn=2)
    # when it is suspended on 29 September and resumed on 9 October,
    clock_suspend(actor=None, clock=clock, on=date(2026, 9, 29), reason="材料不全,一次性告知补正")
    assert clock_colour(clock, date(2026, 10, 12)) == "suspended"
    clock_resume(actor=None, clock=clock, on=date(2026, 10, 9))
    # then the working days after the suspension day up to the resume day (Sep 30,
    # Oct 8, Oct 9) are added: due 13 October, yellow from 10 October.
    assert clock.suspended_days == 3
    assert clock.due_on == date(2026, 10, 13)
    assert clock.warn_on == date(2026, 10, 10)
    # The days left when it stopped are the days left when it restarts.
    assert working_days_between(date(2026, 9, 29), date(2026, 10, 9)).days == 3
    assert working_days_between(date(2026, 10, 9), clock.due_on).days == 3
    clock.refresh_from_db()
    assert (clock.state, clock.due_on) == ("running", date(2026, 10, 13))


def test_suspension_day_counts_as_running_and_resume_day_as_stopped(calendar_2026):
    clock = _start(limit=5, warn=2)
    clock_suspend(actor=None, clock=clock, on=date(2026, 9, 28), reason="补正")
    clock_resume(actor=None, clock=clock, on=date(2026, 9, 28))
    assert clock.due_on == date(2026, 10, 9)  # same day: nothing stopped
    clock_suspend(actor=None, clock=clock, on=date(2026, 9, 28), reason="补正")
    clock_resume(actor=None, clock=clock, on=date(2026, 9, 29))
    assert clock.due_on == date(2026, 10, 10)  # one working day stopped


def test_suspension_over_only_rest_days_moves_nothing(calendar_2026):
    clock = _start(limit=5, warn=2)
    clock_suspend(actor=None, clock=clock, on=date(2026, 9, 30), reason="听证")
    clock_resume(actor=None, clock=clock, on=date(2026, 10, 7))
    assert clock.due_on == date(2026, 10, 9)


def test_every_change_leaves_an_event_and_an_audit_row(calendar_2026):
    staff = StaffFactory()
    clock = _start(actor=staff)
    clock_suspend(actor=staff, clock=clock, on=date(2026, 9, 28), reason="专家评审")
    clock_resume(actor=staff, clock=clock, on=date(2026, 9, 30))
    clock_extend(actor=staff, clock=clock, days=2, reason="经批准延期")
    clock_stop(actor=staff, clock=clock, on=date(2026, 10, 13))
    kinds = list(ClockEvent.objects.filter(clock=clock).values_list("kind", "days"))
    assert kinds == [("start", 5), ("suspend", 0), ("resume", 2), ("extend", 2), ("stop", 0)]
    actions = list(
        AuditEvent.objects.filter(object_type="core.clock", object_id=str(clock.pk)).values_list("action", flat=True)
    )
    assert actions == ["core.clock.start", "core.clock.suspend", "core.clock.resume", "core.clock.extend", "core.clock.stop"]
    assert clock_colour(clock, date(2026, 12, 1)) == "stopped"


def test_extend_moves_due_and_warning_dates(calendar_2026):
    clock = _start(limit=5, warn=2)
    clock_extend(actor=None, clock=clock, days=3, reason="经批准延期")
    assert (clock.due_on, clock.warn_on, clock.extended_days) == (date(2026, 10, 13), date(2026, 10, 10), 3)


@pytest.mark.parametrize("days", [0, -1, "2", True])
def test_extend_refuses_non_positive_days(calendar_2026, days):
    clock = _start()
    with pytest.raises(ValidationFailed):
        clock_extend(actor=None, clock=clock, days=days, reason="延期")


def test_suspend_requires_reason(calendar_2026):
    clock = _start()
    with pytest.raises(ValidationFailed, match="原因"):
        clock_suspend(actor=None, clock=clock, on=date(2026, 9, 28), reason="  ")
    clock.refresh_from_db()
    assert clock.state == "running"
    assert not ClockEvent.objects.filter(clock=clock, kind="suspend").exists()


def test_state_rules_are_enforced(calendar_2026):
    clock = _start()
    with pytest.raises(Conflict):
        clock_resume(actor=None, clock=clock, on=date(2026, 9, 28))
    clock_suspend(actor=None, clock=clock, on=date(2026, 9, 28), reason="检测")
    with pytest.raises(Conflict):
        clock_suspend(actor=None, clock=clock, on=date(2026, 9, 29), reason="检测")
    with pytest.raises(ValidationFailed):
        clock_resume(actor=None, clock=clock, on=date(2026, 9, 25))
    clock_stop(actor=None, clock=clock, on=date(2026, 9, 29))
    with pytest.raises(Conflict):
        clock_extend(actor=None, clock=clock, days=1, reason="延期")


def test_stale_instance_cannot_suspend_twice(calendar_2026):
    clock = _start()
    other = Clock.objects.get(pk=clock.pk)
    clock_suspend(actor=None, clock=clock, on=date(2026, 9, 28), reason="补正")
    with pytest.raises(Conflict):
        clock_suspend(actor=None, clock=other, on=date(2026, 9, 28), reason="补正")


@pytest.mark.parametrize("limit,warn", [(-1, 0), (3, -2), (2.5, 1)])
def test_start_refuses_bad_numbers(calendar_2026, limit, warn):
    with pytest.raises(ValidationFailed):
        _start(limit=limit, warn=warn)
    assert not Clock.objects.exists()


def test_unloaded_year_marks_clock_incomplete(calendar_2026):
    # Given only 2026 loaded, a clock running into 2027 is a weekday guess.
    clock = _start(limit=30, warn=3, on=date(2026, 12, 20))
    assert clock.calendar_complete is False
    inside = _start(limit=3, warn=1)
    assert inside.calendar_complete is True
    clock_extend(actor=None, clock=inside, days=80, reason="延期")
    assert inside.calendar_complete is False


def test_resume_into_unloaded_year_propagates_incomplete_flag(calendar_2026):
    clock = _start(limit=3, warn=1, on=date(2026, 12, 1))
    assert clock.calendar_complete is True
    clock_suspend(actor=None, clock=clock, on=date(2026, 12, 2), reason="补正")
    clock_resume(actor=None, clock=clock, on=date(2027, 1, 15))
    assert clock.calendar_complete is False
