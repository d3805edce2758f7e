"""Years without a State Council notice: statutory holidays from the lunar calendar, flagged
provisional, replaced by the official arrangement with a report of the clocks that moved."""

from datetime import date, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.management import call_command

from zhengwu.core.clock import clock_extend, clock_resume, clock_start, clock_suspend
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditEvent, CalendarDay, CalendarYear, Clock, ClockEvent
from zhengwu.core.workdays import (
    add_working_days,
    calendar_cache_clear,
    calendar_day_set,
    calendar_fill_provisional,
    calendar_import_year,
    calendar_missing_years,
    calendar_provisional_years,
    calendar_seed_from_package,
    is_workday,
    statutory_holidays,
    working_days_between,
)

D = date

# Published lunar calendar (紫金山天文台《中国天文年历》 as printed in every wall calendar):
# 除夕, 春节 (正月初一), 清明, 端午 (五月初五), 中秋 (八月十五).
PUBLISHED = {
    2027: (D(2027, 2, 5), D(2027, 2, 6), D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15)),
    2028: (D(2028, 1, 25), D(2028, 1, 26), D(2028, 4, 4), D(2028, 5, 28), D(2028, 10, 3)),
    2029: (D(2029, 2, 12), D(2029, 2, 13), D(2029, 4, 4), D(2029, 6, 16), D(2029, 9, 22)),
    2030: (D(2030, 2, 2), D(2030, 2, 3), D(2030, 4, 5), D(2030, 6, 5), D(2030, 9, 12)),
}


def _names(year):
    out: dict[str, list[date]] = {}
    for day, name in statutory_holidays(year):
        for part in name.split("、"):
            out.setdefault(part, []).append(day)
    return out


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_lunar_holidays_match_the_published_calendar(year):
    eve, new_year, qingming, duanwu, zhongqiu = PUBLISHED[year]
    names = _names(year)
    assert names["春节"] == [eve, new_year, new_year + timedelta(days=1), new_year + timedelta(days=2)]
    assert names["清明节"] == [qingming]
    assert names["端午节"] == [duanwu]
    assert names["中秋节"] == [zhongqiu]
    assert names["元旦"] == [D(year, 1, 1)]
    assert names["劳动节"] == [D(year, 5, 1), D(year, 5, 2)]
    assert names["国庆节"] == [D(year, 10, 1), D(year, 10, 2), D(year, 10, 3)]


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_a_holiday_in_the_published_notices(year):
    # The real notices (in the chinesecalendar package) rest on every statutory day the
    # rules derive: the rules never invent a rest day the State Council did not give.
    official = {d for d in chinese_calendar.holidays if d.year == year}
    statutory = [d for d, name in statutory_holidays(year) if "补假" not in name]
    assert statutory and set(statutory) <= official


def test_a_statutory_day_on_a_weekend_is_given_back_on_the_next_free_weekday():
    days = dict(statutory_holidays(2027))
    # 春节 2027: 除夕 Fri 5 Feb, 初一 Sat 6, 初二 Sun 7, 初三 Mon 8 -> two days given back.
    assert D(2027, 2, 6).weekday() == 5 and D(2027, 2, 7).weekday() == 6
    assert days[D(2027, 2, 9)] == "春节补假"
    assert days[D(2027, 2, 10)] == "春节补假"
    assert D(2027, 2, 11) not in days
    # 劳动节 2027 falls on Saturday and Sunday: Monday and Tuesday are given back.
    assert days[D(2027, 5, 3)] == "劳动节补假" and days[D(2027, 5, 4)] == "劳动节补假"


def test_mid_autumn_on_national_day_is_one_rest_day_for_both():
    days = dict(statutory_holidays(2028))
    assert days[D(2028, 10, 3)] == "中秋节、国庆节"
    assert sum(1 for d in days if d.month == 10 and "国庆" in days[d] and "补假" not in days[d]) == 3


@pytest.fixture
def seeded_2026(db):
    calendar_seed_from_package(actor=None, years=[2026])
    calendar_cache_clear()


@pytest.mark.django_db
def test_provisional_years_follow_the_loaded_run_and_are_flagged(seeded_2026):
    assert calendar_fill_provisional(actor=None, through_year=2028) == [2027, 2028]
    assert set(CalendarYear.objects.filter(source=CalendarYear.Source.PROVISIONAL).values_list("year", flat=True)) == {
        2027, 2028,
    }
    assert calendar_provisional_years() == [2027, 2028]
    assert calendar_missing_years(around=D(2026, 12, 1)) == [2027]
    assert not is_workday(D(2027, 1, 1))
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).note == "元旦"
    # A count inside 2026 stays complete; one reaching into 2027 is an estimate.
    assert add_working_days(D(2026, 12, 1), 5).calendar_complete is True
    assert add_working_days(D(2026, 12, 25), 20).calendar_complete is False
    # Idempotent: the nightly task may run it every day.
    assert calendar_fill_provisional(actor=None, through_year=2028) == []
    audit = AuditEvent.objects.filter(action="core.calendar.provisional").get()
    assert audit.details["years"] == [2027, 2028]


@pytest.mark.django_db
def test_provisional_needs_an_official_year_to_continue():
    with pytest.raises(ValidationFailed, match="尚未载入任何年度"):
        calendar_fill_provisional(actor=None, through_year=2028)


@pytest.mark.django_db
def test_20_working_days_from_christmas_2026_keep_new_years_day(seeded_2026):
    calendar_fill_provisional(actor=None, through_year=2027)
    result = add_working_days(D(2026, 12, 25), 20)
    # Mon 28 Dec .. Thu 31 Dec are days 1-4; Fri 1 Jan 2027 (元旦) rests; 4 Jan .. 22 Jan
    # are days 5-19; Mon 25 Jan is day 20. Monday-to-Friday would have said 22 January.
    assert result.due == D(2027, 1, 25)
    assert result.calendar_complete is False
    assert working_days_between(D(2026, 12, 25), D(2027, 1, 25)).days == 20


def _clock(start, limit=20, warn=3):
    return clock_start(actor=None, owner_type="test.thing", owner_id="1", limit_days=limit, warn_days=warn,
                       start_on=start)


# An illustrative official 2027 notice (test data): 元旦 1-3 January with Saturday
# 9 January worked (调休) — a working day more in January moves a late-January due date.
NOTICE_MOVING_JANUARY = (
    [(D(2027, 1, 1), "元旦"), (D(2027, 1, 2), "元旦"), (D(2027, 1, 3), "元旦")],
    [(D(2027, 1, 9), "元旦调休上班")],
)
# The same 元旦 without a make-up day: January's working days are as estimated.
NOTICE_KEEPING_JANUARY = (
    [(D(2027, 1, 1), "元旦"), (D(2027, 1, 2), "元旦"), (D(2027, 1, 3), "元旦"), (D(2027, 10, 1), "国庆节")],
    [],
)


@pytest.mark.django_db
def test_importing_the_notice_replays_open_clocks_and_reports_those_that_moved(seeded_2026):
    calendar_fill_provisional(actor=None, through_year=2028)
    clock = _clock(D(2026, 12, 25))
    assert (clock.due_on, clock.calendar_complete) == (D(2027, 1, 25), False)
    finished = _clock(D(2026, 12, 1), limit=3)  # due in 2026: cannot move, not reported
    holidays, makeup = NOTICE_MOVING_JANUARY

    result = calendar_import_year(actor=None, year=2027, holidays=holidays, makeup_workdays=makeup,
                                  notice="国办发明电〔2026〕测试号")

    assert result.replaced_source == CalendarYear.Source.PROVISIONAL
    assert [(m.clock_id, m.old_due, m.new_due) for m in result.moved_clocks] == [
        (clock.pk, D(2027, 1, 25), D(2027, 1, 22)),
    ]
    clock.refresh_from_db()
    assert clock.due_on == D(2027, 1, 22)
    assert working_days_between(D(2026, 12, 25), clock.due_on).days == 20
    assert clock.calendar_complete is True  # every day it counts is official now
    assert working_days_between(clock.warn_on, clock.due_on).days == clock.warn_days
    event = ClockEvent.objects.filter(clock=clock, kind=ClockEvent.Kind.CALENDAR).get()
    assert "2027-01-25 → 2027-01-22" in event.reason and event.due_on == D(2027, 1, 22)
    finished.refresh_from_db()
    assert finished.due_on == D(2026, 12, 4)
    audit = AuditEvent.objects.filter(action="core.calendar.import_year").latest("pk")
    assert audit.details["moved_clocks"] == 1
    assert audit.details["moved"] == [{"owner": "test.thing#1", "from": "2027-01-25", "to": "2027-01-22"}]
    # 2028 is still an estimate, and still flagged.
    assert calendar_provisional_years() == [2028]


@pytest.mark.django_db
def test_a_notice_that_keeps_the_date_reports_nothing_but_clears_the_flag(seeded_2026):
    calendar_fill_provisional(actor=None, through_year=2027)
    clock = _clock(D(2026, 12, 25))
    holidays, makeup = NOTICE_KEEPING_JANUARY
    result = calendar_import_year(actor=None, year=2027, holidays=holidays, makeup_workdays=makeup)
    assert result.moved_clocks == []
    clock.refresh_from_db()
    assert (clock.due_on, clock.calendar_complete) == (D(2027, 1, 25), True)
    assert not ClockEvent.objects.filter(clock=clock, kind=ClockEvent.Kind.CALENDAR).exists()


@pytest.mark.django_db
def test_replay_honours_suspensions_and_extensions(seeded_2026):
    calendar_fill_provisional(actor=None, through_year=2028)
    clock = _clock(D(2026, 12, 10), limit=20, warn=3)
    clock_suspend(actor=None, clock=clock, on=D(2026, 12, 21), reason="补正材料")
    clock_resume(actor=None, clock=clock, on=D(2027, 1, 12))
    clock_extend(actor=None, clock=clock, days=10, reason="批准延期")
    before = (clock.due_on, clock.suspended_days)
    holidays, makeup = NOTICE_MOVING_JANUARY
    calendar_import_year(actor=None, year=2027, holidays=holidays, makeup_workdays=makeup)
    clock.refresh_from_db()
    # The same arithmetic the services do, on the official calendar: 20 days from the
    # start, plus the working days the suspension stood still, plus the extension.
    stopped = working_days_between(D(2026, 12, 21), D(2027, 1, 12)).days
    expected = add_working_days(add_working_days(add_working_days(D(2026, 12, 10), 20).due, stopped).due, 10).due
    assert clock.suspended_days == stopped
    assert clock.due_on == expected
    assert before != (clock.due_on, clock.suspended_days)  # the 9 January make-up day counted


@pytest.mark.django_db
def test_a_corrected_day_replays_clocks_too(seeded_2026):
    calendar_fill_provisional(actor=None, through_year=2027)
    clock = _clock(D(2026, 12, 25))
    calendar_day_set(actor=None, date=D(2027, 1, 11), is_workday=False, note="地方性假日")
    clock.refresh_from_db()
    assert clock.due_on == D(2027, 1, 26)
    assert Clock.objects.get(pk=clock.pk).due_on == D(2027, 1, 26)


@pytest.mark.django_db
def test_calendar_seed_command_estimates_the_coming_years(settings):
    out = StringIO()
    call_command("calendar_seed", "--years", "2025", "2026", stdout=out)
    text = out.getvalue()
    provisional = calendar_provisional_years()
    assert provisional and provisional[0] == 2027
    assert "按法定节假日规则暂定推算" in text
    assert not is_workday(D(2027, 10, 1))


@pytest.mark.django_db
def test_calendar_import_command_lists_the_moved_clocks(seeded_2026, tmp_path):
    calendar_fill_provisional(actor=None, through_year=2027)
    _clock(D(2026, 12, 25))
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01..2027-01-03 假日 元旦\n2027-01-09 调休 元旦调休上班\n", encoding="utf-8")
    out = StringIO()
    call_command("calendar_import", str(path), "--year", "2027", stdout=out)
    assert "1 个在办时限的到期日随之变动" in out.getvalue()
    assert "test.thing#1:到期日 2027-01-25 → 2027-01-22" in out.getvalue()


@pytest.mark.django_db
def test_the_nightly_task_keeps_two_years_estimated(seeded_2026):
    from datetime import datetime

    from zhengwu.accounts.tests.timetravel import at
    from zhengwu.core.tasks import calendar_provisional_task

    assert calendar_provisional_task.task_class().validate_datetime(datetime(2026, 12, 6, 2, 41))
    assert not calendar_provisional_task.task_class().validate_datetime(datetime(2026, 12, 6, 14, 41))
    with at(datetime(2027, 1, 2, 2, 41, tzinfo=ZoneInfo("Asia/Shanghai"))):
        assert calendar_provisional_task.call_local() == [2027, 2028, 2029]
    assert calendar_provisional_years() == [2027, 2028, 2029]
