"""Loading and editing the calendar: seed, import, single-day edit, audit, ordinals."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditEvent, CalendarDay, CalendarVersion, CalendarYear
from zhengwu.core.workdays import (
    add_working_days,
    calendar_day_set,
    calendar_import_year,
    calendar_seed_from_package,
    is_workday,
    package_years,
    parse_arrangement_text,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = date

# An illustrative 2027 arrangement in the admin file format (test data, not the real notice).
ARRANGEMENT_2027 = """\
# 2027 年部分节假日安排(测试用示例)
2027-01-01..2027-01-03 假日 元旦
2027-02-05..2027-02-11 假日 春节
2027-02-13 调休 春节调休上班
2027-02-20 workday 春节调休上班   # English keyword works too
2027-09-26 调休 国庆节调休上班
2027-10-01..2027-10-07 holiday 国庆节
2027-10-09 调休 国庆节调休上班
"""


def _import_2027(**kwargs):
    parsed = parse_arrangement_text(ARRANGEMENT_2027, year=2027)
    return calendar_import_year(
        actor=None, year=2027, holidays=parsed.holidays, makeup_workdays=parsed.makeup_workdays,
        notice="测试通知", source="file", **kwargs,
    )


def _assert_ordinals_consistent():
    running = 0
    for day, work, ordinal in CalendarDay.objects.order_by("date").values_list("date", "is_workday", "workday_ordinal"):
        running += 1 if work else 0
        assert ordinal == running, day


# --- seeding from the package ---------------------------------------------------------


def test_package_knows_2004_to_2026():
    years = package_years()
    assert years[0] == 2004
    assert years[-1] >= 2026


def test_seed_loads_kinds_notes_and_years(calendar_2025_2026):
    assert list(CalendarYear.objects.values_list("year", "source")) == [
        (2025, "chinesecalendar"), (2026, "chinesecalendar")
    ]
    assert CalendarDay.objects.count() == 365 + 365
    national = CalendarDay.objects.get(date=D(2026, 10, 1))
    assert (national.kind, national.is_workday, national.note) == ("holiday", False, "国庆节")
    makeup = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert (makeup.kind, makeup.is_workday) == ("makeup", True)
    assert "国庆节" in makeup.note
    assert CalendarDay.objects.get(date=D(2026, 10, 17)).kind == "weekend"
    assert CalendarDay.objects.get(date=D(2026, 10, 16)).kind == "workday"
    _assert_ordinals_consistent()


def test_seed_is_idempotent(calendar_2025_2026):
    before = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "is_workday", "workday_ordinal", "note"))
    calendar_seed_from_package(actor=None, years=[2025, 2026])
    after = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "is_workday", "workday_ordinal", "note"))
    assert before == after


def test_seed_writes_an_audit_row(calendar_2025_2026):
    event = AuditEvent.objects.get(action="core.calendar.seed")
    assert event.details["loaded"] == [2025, 2026]


def test_seed_refuses_a_year_the_package_does_not_know(db):
    with pytest.raises(ValidationFailed, match="不包含 2031 年"):
        calendar_seed_from_package(actor=None, years=[2031])
    assert not CalendarYear.objects.exists()


def test_seed_keeps_a_year_an_admin_imported_unless_forced(calendar_2025_2026):
    calendar_day_set(actor=None, date=D(2026, 12, 31), is_workday=False, note="测试休息")
    result = calendar_seed_from_package(actor=None, years=[2025, 2026])
    assert result.skipped == [2026]
    assert CalendarDay.objects.get(date=D(2026, 12, 31)).is_workday is False

    forced = calendar_seed_from_package(actor=None, years=[2026], force=True)
    assert forced.loaded == [2026]
    assert CalendarDay.objects.get(date=D(2026, 12, 31)).is_workday is True
    assert CalendarYear.objects.get(year=2026).source == "chinesecalendar"


def test_seed_refuses_a_year_that_leaves_a_hole(calendar_2025_2026):
    with pytest.raises(ValidationFailed, match="请先载入 2024 年"):
        calendar_seed_from_package(actor=None, years=[2020])


# --- importing a year -----------------------------------------------------------------


def test_importing_2027_from_text_clears_the_flag_and_honours_make_up_days(calendar_2025_2026):
    assert add_working_days(D(2026, 12, 31), 1) == (D(2027, 1, 1), False)

    year = _import_2027().calendar_year

    assert (year.year, year.source, year.notice) == (2027, "file", "测试通知")
    # New Year's Day 2027 is Friday; with the arrangement, Monday 01-04 is day 1.
    assert add_working_days(D(2026, 12, 31), 1) == (D(2027, 1, 4), True)
    # Thursday 02-04, holiday 02-05..02-11: Friday 02-12 is day 1, Saturday 02-13 (调休) day 2.
    assert add_working_days(D(2027, 2, 4), 2) == (D(2027, 2, 13), True)
    assert is_workday(D(2027, 9, 26)) is True  # Sunday make-up day
    assert is_workday(D(2027, 10, 4)) is False
    # Thursday 09-30: Friday 10-08 (day 1) and Saturday 10-09 (调休, day 2).
    assert working_days_between(D(2027, 9, 30), D(2027, 10, 9)) == (2, True)
    _assert_ordinals_consistent()


def test_import_writes_an_audit_row(calendar_2025_2026):
    _import_2027()
    event = AuditEvent.objects.get(action="core.calendar.import_year")
    assert event.object_id == "2027"
    assert event.details["makeup_workdays"] == 4
    assert event.details["holidays"] == 17


def test_import_before_the_first_year_renumbers_every_ordinal(calendar_2025_2026):
    due_before = add_working_days(D(2026, 9, 30), 3).due
    calendar_seed_from_package(actor=None, years=[2024])
    _assert_ordinals_consistent()
    assert add_working_days(D(2026, 9, 30), 3).due == due_before == D(2026, 10, 10)
    assert add_working_days(D(2024, 9, 30), 1) == (D(2024, 10, 8), True)


def test_import_refuses_a_non_adjacent_year_and_names_the_year_to_load_first(calendar_2025_2026):
    with pytest.raises(ValidationFailed) as exc:
        calendar_import_year(actor=None, year=2028, holidays=[(D(2028, 1, 1), "元旦")], makeup_workdays=[])
    assert "请先载入 2027 年" in exc.value.message
    assert not CalendarYear.objects.filter(year=2028).exists()
    assert not CalendarDay.objects.filter(date__year=2028).exists()


def test_import_refuses_dates_outside_the_year(calendar_2025_2026):
    with pytest.raises(ValidationFailed, match="不在 2027 年内"):
        calendar_import_year(actor=None, year=2027, holidays=[(D(2026, 12, 31), "元旦")], makeup_workdays=[])


def test_import_refuses_a_date_in_both_lists(calendar_2025_2026):
    with pytest.raises(ValidationFailed, match="同时列为假日和调休上班日"):
        calendar_import_year(
            actor=None, year=2027, holidays=[(D(2027, 2, 13), "春节")], makeup_workdays=[(D(2027, 2, 13), "调休")]
        )


def test_import_refuses_a_make_up_day_that_is_not_a_weekend(calendar_2025_2026):
    with pytest.raises(ValidationFailed, match="2027-02-12 不是周六或周日"):
        calendar_import_year(actor=None, year=2027, holidays=[], makeup_workdays=[(D(2027, 2, 12), "调休")])
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_accepts_a_holiday_that_falls_on_a_weekend(calendar_2025_2026):
    calendar_import_year(actor=None, year=2027, holidays=[(D(2027, 1, 2), "元旦")], makeup_workdays=[])
    day = CalendarDay.objects.get(date=D(2027, 1, 2))
    assert (day.kind, day.is_workday, day.note) == ("holiday", False, "元旦")


# --- the text format ------------------------------------------------------------------


def test_parser_reads_ranges_keywords_and_comments():
    parsed = parse_arrangement_text(ARRANGEMENT_2027, year=2027)
    assert (D(2027, 10, 4), "国庆节") in parsed.holidays
    assert len(parsed.holidays) == 3 + 7 + 7
    assert [d for d, _ in parsed.makeup_workdays] == [D(2027, 2, 13), D(2027, 2, 20), D(2027, 9, 26), D(2027, 10, 9)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-01 假日 元旦\n2027-13-01 假日 错误", "第2行:“2027-13-01”不是有效日期"),
        ("# 注释\n\n2027-01-01", "第3行:缺少类型"),
        ("2027-01-01 放风筝 元旦", "第1行:无法识别的类型“放风筝”"),
        ("2027-02-12 调休 春节调休", "第1行:2027-02-12 是周五,调休上班日必须是周六或周日"),
        ("2027-10-07..2027-10-01 假日 国庆节", "第1行:日期范围的结束日期早于开始日期"),
        ("2026-12-31 假日 元旦", "第1行:日期 2026-12-31 不在 2027 年内"),
        ("2027-01-01 假日 元旦\n2027-01-01 假日 元旦", "第2行:日期 2027-01-01 与第1行重复"),
    ],
)
def test_parser_errors_name_the_line_in_chinese(text, message):
    with pytest.raises(ValidationFailed) as exc:
        parse_arrangement_text(text, year=2027)
    assert message in exc.value.message
    assert any(message in e for e in exc.value.details["errors"])


# --- editing one day ------------------------------------------------------------------


def test_day_edit_recomputes_ordinals_and_changes_results_at_once(calendar_2025_2026):
    assert add_working_days(D(2026, 9, 30), 3).due == D(2026, 10, 10)
    ordinal_before = CalendarDay.objects.get(date=D(2026, 12, 31)).workday_ordinal

    calendar_day_set(actor=None, date=D(2026, 10, 9), is_workday=False, note="临时休息")

    assert add_working_days(D(2026, 9, 30), 3).due == D(2026, 10, 12)
    assert CalendarDay.objects.get(date=D(2026, 12, 31)).workday_ordinal == ordinal_before - 1
    day = CalendarDay.objects.get(date=D(2026, 10, 9))
    assert (day.kind, day.is_workday, day.note) == ("holiday", False, "临时休息")
    assert CalendarYear.objects.get(year=2026).source == "form"
    _assert_ordinals_consistent()


def test_day_edit_can_turn_a_weekend_into_a_make_up_day(calendar_2025_2026):
    day = calendar_day_set(actor=None, date=D(2026, 10, 17), is_workday=True, note="临时调休")
    assert (day.kind, day.is_workday) == ("makeup", True)
    assert add_working_days(D(2026, 10, 16), 1).due == D(2026, 10, 17)


def test_day_edit_writes_an_audit_row_with_before_and_after(calendar_2025_2026):
    calendar_day_set(actor=None, date=D(2026, 10, 9), is_workday=False, note="临时休息")
    event = AuditEvent.objects.get(action="core.calendar.day_set")
    assert event.object_id == "2026-10-09"
    assert event.details["before"]["is_workday"] is True
    assert event.details["after"]["is_workday"] is False


def test_day_edit_refuses_a_date_in_an_unloaded_year(calendar_2025_2026):
    with pytest.raises(ValidationFailed, match="2027 年的节假日安排尚未载入"):
        calendar_day_set(actor=None, date=D(2027, 3, 1), is_workday=False, note="")
    assert not AuditEvent.objects.filter(action="core.calendar.day_set").exists()


def test_other_processes_see_a_change_after_the_version_token_moves(calendar_2025_2026, settings):
    settings.ZHENGWU_CALENDAR_RECHECK_SECONDS = 0
    assert add_working_days(D(2026, 10, 8), 1).due == D(2026, 10, 9)
    # Simulate another process's edit: rows and token change without this process's
    # services being called.
    CalendarDay.objects.filter(date=D(2026, 10, 9)).update(is_workday=False, kind="holiday")
    from zhengwu.core.workdays.services import _recompute_ordinals

    _recompute_ordinals()
    CalendarVersion.objects.update_or_create(pk=1, defaults={"token": "other-process"})
    assert add_working_days(D(2026, 10, 8), 1).due == D(2026, 10, 10)


# --- management commands --------------------------------------------------------------


def test_calendar_seed_command_prints_summary_and_missing_year(capsys):
    call_command("calendar_seed", "--years", "2025", "2026")
    out = capsys.readouterr().out
    assert "已从数据包载入 2 个年度:2025–2026 年" in out
    assert CalendarYear.objects.filter(source="chinesecalendar").count() == 2
    # The years after the run are estimated from the statutory rules, never left blank.
    assert CalendarYear.objects.exclude(source="chinesecalendar").filter(source="provisional").count() >= 1


def test_calendar_seed_command_without_estimates_leaves_later_years_missing(capsys):
    call_command("calendar_seed", "--years", "2025", "2026", "--no-provisional")
    out = capsys.readouterr().out
    assert CalendarYear.objects.count() == 2
    assert "尚未载入" in out and "按周一至周五计算" in out


def test_calendar_import_command_loads_a_file(calendar_2025_2026, tmp_path, capsys):
    path = tmp_path / "2027.txt"
    path.write_text(ARRANGEMENT_2027, encoding="utf-8")
    call_command("calendar_import", str(path), "--year", "2027", "--notice", "国办发明电〔2026〕1号")
    assert "已导入 2027 年节假日安排" in capsys.readouterr().out
    assert CalendarYear.objects.get(year=2027).notice == "国办发明电〔2026〕1号"


def test_calendar_import_command_reports_line_errors(calendar_2025_2026, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("2027-01-01 假日 元旦\n2027-02-30 假日 春节\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行"):
        call_command("calendar_import", str(path), "--year", "2027")
    assert not CalendarYear.objects.filter(year=2027).exists()
