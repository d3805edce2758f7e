"""Time travel over the 2026 National Day holiday with real cases, the real calendar and the sweep.

Calendar (chinesecalendar package, loaded by ``calendar_seed_from_package``):
Sun 20 Sep is a make-up working day, 25-27 Sep (中秋) and 1-7 Oct (国庆) are holidays,
Sat 10 Oct is a make-up working day. So the working days after Wed 30 Sep are
8, 9, 10 (Sat), 12, 13, 14, 15, 16, 19, 20, 21 ... October.

The item's promised limit is 10 working days, split by the default flowchart into
受理 1 (warning 0) → 审查 4 (warning 1) → 审批 4 (warning 1) → 办结 1; the case clock
warns 3 working days ahead. Every date below is counted by hand from that calendar, not
recomputed with the code under test.

What the services/supervision tests already pin (not repeated here): a bare clock's cards
across the holiday, a correction from 29 Sep to 9 Oct moving the case due date by 3 days,
the review step's colours from ``clock_colour``. These add the sweep over real case and
step clocks, a correction and a suspension each moving both clocks by exactly the stopped
working days, and the cards following the moved dates.
"""

from datetime import date, timedelta

import pytest

from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.services import case_act, case_submit
from zhengwu.cases.services.apply import case_resubmit
from zhengwu.cases.services.staff import case_act_as_staff
from zhengwu.core.models import Clock, ClockEvent
from zhengwu.core.tests.upload_samples import PDF_BYTES, png_bytes, upload
from zhengwu.core.workdays import is_workday, working_days_between
from zhengwu.supervision.models import Alert
from zhengwu.supervision.services import supervision_sweep

from .conftest import moment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"


def act(case, actor, action, *, on, reason="", payload=None):
    case.refresh_from_db()
    with at(moment(on.year, on.month, on.day)):
        return case_act(actor=actor, case=case, action=action, expected_version=case.version, reason=reason, payload=payload)


def submit_on(day, item, citizen):
    with at(moment(day.year, day.month, day.day)):
        return case_submit(actor=citizen, item=item, applicant=citizen, channel="online")


def sweep_days(first: date, last: date) -> None:
    day = first
    while day <= last:
        supervision_sweep(today=day)
        day += timedelta(days=1)


def cards(clock: Clock) -> list[tuple[str, date]]:
    return sorted(Alert.objects.filter(clock=clock).values_list("level", "raised_on"), key=lambda r: r[1])


def fresh(clock: Clock) -> Clock:
    return Clock.objects.get(pk=clock.pk)


def test_the_calendar_is_the_one_these_dates_assume(calendar_2026):
    holidays = [date(2026, 10, d) for d in range(1, 8)] + [date(2026, 9, 25)]
    assert not any(is_workday(d) for d in holidays)
    assert is_workday(date(2026, 10, 10)) and is_workday(date(2026, 9, 20))  # make-up days (调休)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)).days == 4


def test_sweep_raises_the_acceptance_cards_after_the_holiday_not_during_it(item, citizen, staff, calendar_2026):
    # Given a case submitted on Wed 30 Sep that nobody accepts,
    case = submit_on(date(2026, 9, 30), item, citizen)
    # its 1-day 受理 step falls due on Thu 8 Oct, the first working day after 国庆,
    assert (case.step_clock.due_on, case.step_clock.warn_on) == (date(2026, 10, 8), date(2026, 10, 8))
    # and the 10-day case clock on Tue 20 Oct (yellow from Thu 15 Oct).
    assert (case.clock.due_on, case.clock.warn_on) == (date(2026, 10, 20), date(2026, 10, 15))

    # When the supervision sweep runs every calendar day from 30 Sep to 21 Oct,
    sweep_days(date(2026, 9, 30), date(2026, 10, 21))

    # then no card is raised over the holiday; the step is yellow on its due day and red
    # the next working day; the case clock follows its own dates.
    assert cards(case.step_clock) == [("yellow", date(2026, 10, 8)), ("red", date(2026, 10, 9))]
    assert cards(case.clock) == [("yellow", date(2026, 10, 15)), ("red", date(2026, 10, 21))]
    # The step's red card names the post that must act, in the item's department.
    red = Alert.objects.get(clock=case.step_clock, level="red")
    assert (red.unit_id, red.role, red.owner_type) == (item.department_id, "window_clerk", "cases.step")


def test_review_step_turns_yellow_on_the_make_up_saturday(item, citizen, staff, calendar_2026):
    # Given a case accepted on 30 Sep: 审查 (4 days, warning 1) runs 8, 9, 10 (Sat), 12 Oct,
    case = submit_on(date(2026, 9, 30), item, citizen)
    case = act(case, staff["clerk"], "accept", on=date(2026, 9, 30))
    review = case.step_clock
    assert (review.due_on, review.warn_on) == (date(2026, 10, 12), date(2026, 10, 10))

    # when the sweep runs every day through 13 Oct,
    sweep_days(date(2026, 9, 30), date(2026, 10, 13))

    # then the yellow card appears on the make-up Saturday, the red one on Tue 13 Oct.
    assert cards(review) == [("yellow", date(2026, 10, 10)), ("red", date(2026, 10, 13))]


def test_correction_over_the_holiday_moves_both_clocks_by_exactly_the_stopped_days(item, citizen, staff, calendar_2026):
    # Given a case submitted and accepted on Mon 28 Sep: 审查 runs 29, 30 Sep, 8, 9 Oct (due
    # Fri 9 Oct); the case runs 29, 30 Sep, 8, 9, 10, 12, 13, 14, 15, 16 Oct (due Fri 16 Oct),
    case = submit_on(date(2026, 9, 28), item, citizen)
    case = act(case, staff["clerk"], "accept", on=date(2026, 9, 28))
    assert (case.step_clock.due_on, case.clock.due_on) == (date(2026, 10, 9), date(2026, 10, 16))

    # when the reviewer asks for correction on Wed 30 Sep and the applicant resubmits on
    # Mon 12 Oct (stopped: 8, 9, 10, 12 Oct = 4 working days; 1-7 Oct are not counted),
    act(case, staff["reviewer"], "request_correction", on=date(2026, 9, 30), payload={"missing": ["四至示意图"]})
    # (the sweep on days the clocks stand still raises nothing, though the old step due date passes)
    sweep_days(date(2026, 9, 30), date(2026, 10, 11))
    assert Alert.objects.filter(clock__in=[case.clock, case.step_clock]).count() == 0
    case.refresh_from_db()
    with at(moment(2026, 10, 12)):
        case = case_resubmit(
            actor=citizen, case=case, expected_version=case.version,
            extras=[upload("四至示意图.png", png_bytes())], note="已补充四至示意图",
        )

    # then both clocks moved by exactly 4 working days: step 9 Oct -> 14 Oct (10, 12, 13, 14),
    # case 16 Oct -> 22 Oct (19, 20, 21, 22), and their warning days with them,
    step, whole = fresh(case.step_clock), fresh(case.clock)
    assert (step.due_on, step.warn_on, step.suspended_days) == (date(2026, 10, 14), date(2026, 10, 13), 4)
    assert (whole.due_on, whole.warn_on, whole.suspended_days) == (date(2026, 10, 22), date(2026, 10, 19), 4)
    assert [(k, d) for k, d in ClockEvent.objects.filter(clock=whole).order_by("pk").values_list("kind", "days")][1:] == [
        ("suspend", 0), ("resume", 4),
    ]
    # and the cards follow the moved dates: yellow on the new warning day, red the day after the due day.
    sweep_days(date(2026, 10, 12), date(2026, 10, 23))
    assert cards(step) == [("yellow", date(2026, 10, 13)), ("red", date(2026, 10, 15))]
    assert cards(whole) == [("yellow", date(2026, 10, 19)), ("red", date(2026, 10, 23))]


def test_correction_resubmitted_the_same_day_stops_nothing(item, citizen, staff, calendar_2026):
    case = submit_on(date(2026, 10, 12), item, citizen)
    case = act(case, staff["clerk"], "accept", on=date(2026, 10, 12))
    due = case.clock.due_on
    act(case, staff["reviewer"], "request_correction", on=date(2026, 10, 13), payload={"missing": ["户口簿"]})
    case.refresh_from_db()
    with at(moment(2026, 10, 13, hour=16)):
        case_resubmit(actor=citizen, case=case, expected_version=case.version, extras=[upload("户口簿.pdf", PDF_BYTES)])
    assert (fresh(case.clock).due_on, fresh(case.clock).suspended_days) == (due, 0)


def test_suspension_for_a_hearing_moves_the_due_dates_by_exactly_the_stopped_days(item, citizen, staff, calendar_2026):
    # Given a case at 审批 since Fri 9 Oct: the step runs 10 (Sat, make-up), 12, 13, 14 Oct
    # (due Wed 14 Oct), the case clock started 30 Sep is due Tue 20 Oct,
    case = submit_on(date(2026, 9, 30), item, citizen)
    case = act(case, staff["clerk"], "accept", on=date(2026, 9, 30))
    case = act(case, staff["reviewer"], "review_pass", on=date(2026, 10, 9))
    assert (case.step_clock.due_on, case.clock.due_on) == (date(2026, 10, 14), date(2026, 10, 20))

    # when the approver suspends for a hearing on Mon 12 Oct, with the hearing notice as
    # evidence, and resumes on Fri 16 Oct (stopped: 13, 14, 15, 16 = 4 working days),
    case.refresh_from_db()
    with at(moment(2026, 10, 12)):
        case = case_act_as_staff(
            actor=staff["approver"], receipt_no=case.receipt_no, action="suspend", expected_version=case.version,
            reason="申请人要求听证", payload={"kind": "hearing"}, evidence=[upload("听证通知书.pdf", PDF_BYTES)],
        )
    assert (fresh(case.clock).state, fresh(case.step_clock).state) == ("suspended", "suspended")
    sweep_days(date(2026, 10, 12), date(2026, 10, 15))
    assert Alert.objects.filter(clock__in=[case.clock, case.step_clock]).count() == 0
    case = act(case, staff["approver"], "resume", on=date(2026, 10, 16))

    # then each clock is due exactly 4 working days later: 14 Oct -> 20 Oct, 20 Oct -> 26 Oct.
    step, whole = fresh(case.step_clock), fresh(case.clock)
    assert (step.due_on, step.suspended_days) == (date(2026, 10, 20), 4)
    assert (whole.due_on, whole.suspended_days) == (date(2026, 10, 26), 4)
    sweep_days(date(2026, 10, 16), date(2026, 10, 27))
    assert cards(step) == [("yellow", date(2026, 10, 19)), ("red", date(2026, 10, 21))]
    assert cards(whole) == [("yellow", date(2026, 10, 21)), ("red", date(2026, 10, 27))]
