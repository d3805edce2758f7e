"""/api/v1/calendar/: working-day deadlines and the loaded holiday arrangements."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from zhengwu.core.api_auth import public_auth
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import CalendarYear
from zhengwu.core.workdays import (
    add_working_days,
    calendar_missing_years,
    working_days_between,
)

router = Router(tags=["工作日历"])

# Dates beyond these are typos, not deadlines; they also keep the arithmetic far from
# date.max.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
MAX_WORKING_DAYS = 3650
# Declared in openapi.json; _check_date enforces it (400 with the range in words).
_DATE_LIMITS = {"formatMinimum": EARLIEST.isoformat(), "formatMaximum": LATEST.isoformat()}


def _check_date(value: date, label: str) -> None:
    if not EARLIEST <= value <= LATEST:
        raise ValidationFailed(
            f"{label}必须在 {EARLIEST.isoformat()} 至 {LATEST.isoformat()} 之间",
            code="date_out_of_range",
            details={"value": value.isoformat()},
        )


class DeadlineOut(Schema):
    start: date
    working_days: int
    due: date
    calendar_complete: bool


class WorkdaysOut(Schema):
    start: date
    end: date
    working_days: int
    calendar_complete: bool


class YearOut(Schema):
    year: int
    source: str
    source_label: str
    notice: str
    loaded_at: datetime


class YearsOut(Schema):
    years: list[YearOut]
    missing_years: list[int]


class DeadlineQuery(Schema):
    start: date = Field(..., description="起算日期 YYYY-MM-DD(当日不计入)", json_schema_extra=_DATE_LIMITS)
    working_days: int = Field(..., description=f"工作日数,0 至 {MAX_WORKING_DAYS}",
                              json_schema_extra={"minimum": 0, "maximum": MAX_WORKING_DAYS})


class WorkdaysQuery(Schema):
    start: date = Field(..., description="开始日期 YYYY-MM-DD(当日不计入)", json_schema_extra=_DATE_LIMITS)
    end: date = Field(..., description="结束日期 YYYY-MM-DD(当日计入);早于开始日期时结果为负数",
                      json_schema_extra=_DATE_LIMITS)


@router.get("/deadline", auth=public_auth, response=DeadlineOut, summary="计算办理期限(按工作日)")
def deadline(request, params: Query[DeadlineQuery]):
    """Return the N-th working day after ``start``; ``calendar_complete`` is false when
    the span reaches a year whose holiday arrangement is not loaded."""
    start, working_days = params.start, params.working_days
    _check_date(start, "开始日期")
    if not 0 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationFailed(
            f"工作日数必须在 0 至 {MAX_WORKING_DAYS} 之间", code="working_days_out_of_range"
        )
    result = add_working_days(start, working_days)
    return {
        "start": start,
        "working_days": working_days,
        "due": result.due,
        "calendar_complete": result.calendar_complete,
    }


@router.get("/workdays", auth=public_auth, response=WorkdaysOut, summary="统计两日期之间的工作日数")
def workdays(request, params: Query[WorkdaysQuery]):
    start, end = params.start, params.end
    _check_date(start, "开始日期")
    _check_date(end, "结束日期")
    result = working_days_between(start, end)
    return {
        "start": start,
        "end": end,
        "working_days": result.days,
        "calendar_complete": result.calendar_complete,
    }


@router.get("/years", auth=public_auth, response=YearsOut, summary="已载入节假日安排的年份")
def years(request):
    rows = [
        {
            "year": y.year,
            "source": y.source,
            "source_label": y.get_source_display(),
            "notice": y.notice,
            "loaded_at": y.loaded_at,
        }
        for y in CalendarYear.objects.order_by("year")
    ]
    return {"years": rows, "missing_years": calendar_missing_years()}
