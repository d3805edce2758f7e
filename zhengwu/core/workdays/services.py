"""Every write to the working-day calendar: seed from the package, import a year, edit a day.

Rules kept here:
* The table covers one contiguous run of years, so ``workday_ordinal`` (working days
  from the first loaded date) never jumps across a hole. A year may be (re)loaded when
  it is already loaded or sits right before or after the loaded run; otherwise the
  message names the year to load first.
* A year an admin loaded from a file or the form, or edited by hand, is not
  overwritten by the package seed unless forced: the admin's data is the newer word.
* After any change every ordinal is recomputed in one pass and the in-process cache
  is marked stale, so the next deadline uses the new calendar.
* Years after the loaded run may be filled *provisionally* from the statutory holiday
  rules (``statutory.py``) until the State Council's notice is out. Any later change
  (the notice imported, a package seed, a corrected day) replays the open clocks it can
  move and reports those whose due date moved.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.db import transaction
from django.db.models import F

from zhengwu.core.audit import audit_record
from zhengwu.core.clock import MovedClock, clock_recompute_for_calendar
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import CalendarDay, CalendarVersion, CalendarYear

from .lookup import mark_calendar_changed
from .statutory import statutory_holidays

MIN_YEAR = 1900
MAX_YEAR = 2199
# How far past the current year the statutory estimate reaches (calendar_seed and the
# nightly task): a letter's 60 + 30 working days started in December end the next year.
PROVISIONAL_YEARS_AHEAD = 2
BATCH_SIZE = 500
MAX_RUN_UPDATES = 64

_HOLIDAY_CHINESE = {h.value: h.chinese for h in Holiday}
_ADMIN_SOURCES = (CalendarYear.Source.FILE, CalendarYear.Source.FORM)


def package_years() -> list[int]:
    """Years the installed chinesecalendar package has an arrangement for."""
    known = {d.year for d in chinese_calendar.holidays}
    return list(range(min(known), max(known) + 1)) if known else []


@dataclass
class SeedResult:
    loaded: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # kept because an admin loaded them
    moved_clocks: list[MovedClock] = field(default_factory=list)


@dataclass
class YearImport:
    calendar_year: CalendarYear
    replaced_source: str  # "" when the year was not loaded before
    moved_clocks: list[MovedClock] = field(default_factory=list)


# The audit row names at most this many moved clocks; the count is always complete.
AUDIT_MOVED_LIMIT = 200


def moved_clock_lines(moved: list[MovedClock], *, limit: int = 50) -> list[str]:
    """Chinese report lines for an admin: which open clocks a calendar change moved."""
    lines = [
        f"{m.owner_type}#{m.owner_id}:到期日 {m.old_due.isoformat()} → {m.new_due.isoformat()}"
        for m in moved[:limit]
    ]
    if len(moved) > limit:
        lines.append(f"……另有 {len(moved) - limit} 个(完整清单见审计记录)")
    return lines


def _moved_details(moved: list[MovedClock]) -> dict:
    return {
        "moved_clocks": len(moved),
        "moved": [
            {"owner": f"{m.owner_type}#{m.owner_id}", "from": m.old_due.isoformat(), "to": m.new_due.isoformat()}
            for m in moved[:AUDIT_MOVED_LIMIT]
        ],
    }


def _days_of(year: int) -> Iterable[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def _check_contiguous(new_years: set[int]) -> None:
    """Refuse a load that would leave a hole in the run of loaded years."""
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    span = sorted(loaded | new_years)
    if not span:
        return
    holes = sorted(set(range(span[0], span[-1] + 1)) - loaded - new_years)
    if not holes:
        return
    lo, hi = (min(loaded), max(loaded)) if loaded else (None, None)
    first_new = min(new_years)
    if lo is not None and first_new > hi:
        hint = f"请先载入 {hi + 1} 年的节假日安排"
    elif lo is not None and max(new_years) < lo:
        hint = f"请先载入 {lo - 1} 年的节假日安排"
    else:
        hint = f"请同时载入 {', '.join(str(y) for y in holes)} 年的节假日安排"
    covered = f"已载入 {lo}–{hi} 年" if lo is not None else "尚未载入任何年份"
    raise ValidationFailed(
        f"日历年份必须连续({covered}),不能直接载入 {', '.join(str(y) for y in sorted(new_years))} 年:{hint}。",
        code="calendar_year_not_adjacent",
        details={"missing_years": holes},
    )


def _check_year(year: int) -> None:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(f"年份必须在 {MIN_YEAR} 至 {MAX_YEAR} 之间", code="calendar_year_invalid")


def _replace_year(year: int, rows: list[CalendarDay], *, source: str, notice: str) -> None:
    CalendarDay.objects.filter(date__year=year).delete()
    # Ordinals counted within the year: _recompute_ordinals then shifts the whole year
    # by one constant, which it does in a single UPDATE.
    running = 0
    for row in rows:
        running += 1 if row.is_workday else 0
        row.workday_ordinal = running
    CalendarDay.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    CalendarYear.objects.update_or_create(year=year, defaults={"source": source, "notice": notice})


def _recompute_ordinals() -> int:
    """Rewrite workday_ordinal for every row in one ordered pass; return rows changed.

    A change usually shifts every later ordinal by the same amount, so changed rows are
    grouped into runs of consecutive dates with one shared delta and each run becomes a
    single ``UPDATE ... SET workday_ordinal = workday_ordinal + delta``: a day edit or a
    year import costs a handful of statements, not one CASE over thousands of rows.
    Scattered changes (many runs) fall back to bulk_update in batches.
    """
    runs: list[list] = []  # [first_date, last_date, delta]
    changed: list[CalendarDay] = []
    running = 0
    previous = None
    for day, is_work, ordinal in CalendarDay.objects.order_by("date").values_list(
        "date", "is_workday", "workday_ordinal"
    ).iterator(chunk_size=2000):
        running += 1 if is_work else 0
        delta = running - ordinal
        if delta:
            changed.append(CalendarDay(date=day, workday_ordinal=running))
            if runs and runs[-1][2] == delta and runs[-1][1] == previous:
                runs[-1][1] = day
            else:
                runs.append([day, day, delta])
        previous = day
    if len(runs) <= MAX_RUN_UPDATES:
        for first, last, delta in runs:
            CalendarDay.objects.filter(date__range=(first, last)).update(
                workday_ordinal=F("workday_ordinal") + delta
            )
    else:
        for i in range(0, len(changed), BATCH_SIZE):
            CalendarDay.objects.bulk_update(changed[i : i + BATCH_SIZE], ["workday_ordinal"])
    return len(changed)


def _bump_version() -> None:
    CalendarVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    mark_calendar_changed()


def _package_rows(year: int) -> list[CalendarDay]:
    rows = []
    for day in _days_of(year):
        if day in chinese_calendar.workdays:
            kind, work, note = CalendarDay.Kind.MAKEUP, True, chinese_calendar.workdays[day]
        elif day in chinese_calendar.holidays:
            kind, work, note = CalendarDay.Kind.HOLIDAY, False, chinese_calendar.holidays[day]
        elif day.weekday() >= 5:
            kind, work, note = CalendarDay.Kind.WEEKEND, False, ""
        else:
            kind, work, note = CalendarDay.Kind.WORKDAY, True, ""
        note = _HOLIDAY_CHINESE.get(note, note)
        if kind == CalendarDay.Kind.MAKEUP:
            note = f"{note}调休上班"
        rows.append(CalendarDay(date=day, kind=kind, is_workday=work, note=note[:64]))
    return rows


def calendar_seed_from_package(*, actor, years: Iterable[int] | None = None, force: bool = False) -> SeedResult:
    """Load the chinesecalendar package's arrangements (all years it knows by default).

    Idempotent. Years an admin loaded from a file or the form are kept unless ``force``.
    """
    known = package_years()
    wanted = sorted(set(years)) if years is not None else known
    unknown = [y for y in wanted if y not in known]
    if unknown:
        span = f"{known[0]}–{known[-1]}" if known else "无"
        raise ValidationFailed(
            f"chinesecalendar 数据包不包含 {', '.join(map(str, unknown))} 年的节假日安排(数据包覆盖 {span} 年),"
            "请通过“导入年度节假日安排”载入。",
            code="calendar_year_unknown",
        )
    result = SeedResult()
    with transaction.atomic():
        admin_years = set(
            CalendarYear.objects.filter(year__in=wanted, source__in=_ADMIN_SOURCES).values_list("year", flat=True)
        )
        provisional = set(
            CalendarYear.objects.filter(year__in=wanted, source=CalendarYear.Source.PROVISIONAL)
            .values_list("year", flat=True)
        )
        to_load = [y for y in wanted if force or y not in admin_years]
        result.skipped = [y for y in wanted if y not in to_load]
        if to_load:
            _check_contiguous(set(to_load))
        for year in to_load:
            _replace_year(year, _package_rows(year), source=CalendarYear.Source.PACKAGE, notice="")
        result.loaded = to_load
        changed = _recompute_ordinals() if to_load else 0
        if to_load:
            _bump_version()
        replaced = sorted(provisional & set(to_load))
        if replaced:
            # A newer package brought the notice for a year we had only estimated.
            result.moved_clocks = clock_recompute_for_calendar(
                actor=actor, since=date(replaced[0], 1, 1), reason=f"{replaced[0]}年节假日安排正式载入"
            )
        audit_record(
            actor=actor,
            action="core.calendar.seed",
            object_type="core.calendaryear",
            object_id=f"{to_load[0]}-{to_load[-1]}" if to_load else "",
            details={
                "loaded": to_load, "skipped": result.skipped, "forced": force, "ordinals_changed": changed,
                "replaced_provisional": replaced, **_moved_details(result.moved_clocks),
            },
        )
    return result


def calendar_import_year(
    *,
    actor,
    year: int,
    holidays: list[tuple[date, str]],
    makeup_workdays: list[tuple[date, str]],
    notice: str = "",
    source: str = CalendarYear.Source.FILE,
) -> YearImport:
    """Build one whole year from a State Council arrangement, replacing what was loaded.

    Weekends rest, listed holidays rest (a listed holiday on a weekend is fine), listed
    make-up days work and must fall on a weekend. Refuses dates outside the year, a
    date in both lists, and a year not adjacent to the loaded run. Open clocks are
    replayed on the new days; the result lists those whose due date moved (typically
    clocks that ran on the provisional estimate of this year).
    """
    _check_year(year)
    if source not in _ADMIN_SOURCES:
        raise ValidationFailed("来源必须是“文件导入”或“管理员录入”", code="calendar_source_invalid")
    notice = (notice or "").strip()
    if len(notice) > 200:
        raise ValidationFailed("通知文号过长(最多 200 个字)", code="calendar_notice_invalid")
    if not holidays and not makeup_workdays:
        raise ValidationFailed(f"{year} 年的安排中没有任何节假日或调休上班日", code="calendar_arrangement_empty")
    errors = []
    rest = {}
    for day, name in holidays:
        if day.year != year:
            errors.append(f"假日 {day.isoformat()} 不在 {year} 年内")
        rest[day] = name
    work = {}
    for day, name in makeup_workdays:
        if day.year != year:
            errors.append(f"调休上班日 {day.isoformat()} 不在 {year} 年内")
        elif day.weekday() < 5:
            errors.append(f"调休上班日 {day.isoformat()} 不是周六或周日")
        if day in rest:
            errors.append(f"{day.isoformat()} 同时列为假日和调休上班日")
        work[day] = name
    for name in [*rest.values(), *work.values()]:
        if len(name or "") > 64:
            errors.append(f"名称“{name[:10]}…”过长(最多 64 个字)")
    if errors:
        raise ValidationFailed("节假日安排有误:" + ";".join(errors), code="calendar_arrangement_invalid",
                               details={"errors": errors})
    rows = []
    for day in _days_of(year):
        if day in work:
            rows.append(CalendarDay(date=day, kind=CalendarDay.Kind.MAKEUP, is_workday=True, note=work[day] or "调休上班"))
        elif day in rest:
            rows.append(CalendarDay(date=day, kind=CalendarDay.Kind.HOLIDAY, is_workday=False, note=rest[day] or ""))
        elif day.weekday() >= 5:
            rows.append(CalendarDay(date=day, kind=CalendarDay.Kind.WEEKEND, is_workday=False, note=""))
        else:
            rows.append(CalendarDay(date=day, kind=CalendarDay.Kind.WORKDAY, is_workday=True, note=""))
    with transaction.atomic():
        previous = CalendarYear.objects.filter(year=year).values_list("source", flat=True).first()
        _check_contiguous({year})
        _replace_year(year, rows, source=source, notice=notice)
        changed = _recompute_ordinals()
        _bump_version()
        moved = clock_recompute_for_calendar(
            actor=actor, since=date(year, 1, 1), reason=f"导入{year}年节假日安排{notice and f'({notice})'}"
        )
        audit_record(
            actor=actor,
            action="core.calendar.import_year",
            object_type="core.calendaryear",
            object_id=year,
            details={
                "source": source,
                "notice": notice,
                "holidays": len(rest),
                "makeup_workdays": len(work),
                "replaced_source": previous or "",
                "ordinals_changed": changed,
                **_moved_details(moved),
            },
        )
    return YearImport(CalendarYear.objects.get(year=year), previous or "", moved)


def calendar_day_set(*, actor, date: date, is_workday: bool, note: str = "") -> CalendarDay:
    """Change one loaded date to a working or rest day (admin correction).

    The year is then marked as admin-maintained (source form) so a later package seed
    does not silently undo the correction.
    """
    note = (note or "").strip()
    if len(note) > 64:
        raise ValidationFailed("说明过长(最多 64 个字)", code="calendar_note_invalid")
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        if day is None:
            raise ValidationFailed(
                f"{date.year} 年的节假日安排尚未载入,不能修改 {date.isoformat()};请先导入该年度安排。",
                code="calendar_year_not_loaded",
            )
        before = {"kind": day.kind, "is_workday": day.is_workday, "note": day.note}
        weekend = date.weekday() >= 5
        if is_workday:
            kind = CalendarDay.Kind.MAKEUP if weekend else CalendarDay.Kind.WORKDAY
        else:
            kind = CalendarDay.Kind.WEEKEND if weekend and not note else CalendarDay.Kind.HOLIDAY
        day.kind, day.is_workday, day.note = kind, bool(is_workday), note
        day.save(update_fields=["kind", "is_workday", "note"])
        year = CalendarYear.objects.select_for_update().get(year=date.year)
        if year.source == CalendarYear.Source.PACKAGE:
            year.source = CalendarYear.Source.FORM
        year.save()
        changed = _recompute_ordinals()
        _bump_version()
        moved = clock_recompute_for_calendar(actor=actor, since=date, reason=f"修改日历 {date.isoformat()}")
        audit_record(
            actor=actor,
            action="core.calendar.day_set",
            obj=day,
            object_id=date.isoformat(),
            details={
                "before": before,
                "after": {"kind": kind, "is_workday": bool(is_workday), "note": note},
                "ordinals_changed": changed,
                **_moved_details(moved),
            },
        )
    day.refresh_from_db()
    return day


def _provisional_rows(year: int) -> list[CalendarDay]:
    rest = dict(statutory_holidays(year))
    rows = []
    for day in _days_of(year):
        if day in rest:
            rows.append(CalendarDay(date=day, kind=CalendarDay.Kind.HOLIDAY, is_workday=False, note=rest[day]))
        elif day.weekday() >= 5:
            rows.append(CalendarDay(date=day, kind=CalendarDay.Kind.WEEKEND, is_workday=False, note=""))
        else:
            rows.append(CalendarDay(date=day, kind=CalendarDay.Kind.WORKDAY, is_workday=True, note=""))
    return rows


def calendar_fill_provisional(*, actor, through_year: int) -> list[int]:
    """Estimate every year after the loaded run up to ``through_year`` from the statutory rules.

    Idempotent: years already loaded (officially or provisionally) are left alone, so
    the nightly task and ``calendar_seed`` may both call it. Nothing is loaded before
    an official year exists: an estimate must continue a real calendar, not replace one.
    """
    _check_year(through_year)
    with transaction.atomic():
        loaded = sorted(CalendarYear.objects.values_list("year", flat=True))
        if not loaded:
            raise ValidationFailed("尚未载入任何年度的节假日安排,不能推算后续年度;请先运行 calendar_seed。",
                                   code="calendar_empty")
        years = list(range(loaded[-1] + 1, through_year + 1))
        if not years:
            return []
        for year in years:
            _replace_year(year, _provisional_rows(year), source=CalendarYear.Source.PROVISIONAL,
                          notice="")
        changed = _recompute_ordinals()
        _bump_version()
        # Clocks that ran into these years on the Monday-to-Friday guess now see the
        # statutory holidays: replay them so the stored dates and the calendar agree.
        moved = clock_recompute_for_calendar(
            actor=actor, since=date(years[0], 1, 1), reason=f"按法定节假日规则推算{years[0]}年起的日历"
        )
        audit_record(
            actor=actor,
            action="core.calendar.provisional",
            object_type="core.calendaryear",
            object_id=f"{years[0]}-{years[-1]}",
            details={"years": years, "ordinals_changed": changed, **_moved_details(moved)},
        )
    return years
