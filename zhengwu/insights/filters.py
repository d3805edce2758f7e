"""The dashboard's filter: a period, its granularity and optional category/department/township.

Parsed from query parameters with Chinese messages for everything a user can type wrong.
The previous period (for rising topics) is the same number of days just before ``start``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from zhengwu.core.bounds import date_check, is_id_text
from zhengwu.core.errors import ValidationFailed

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years: longer views say little and cost much
GRANULARITIES = {"day": "按日", "week": "按周", "month": "按月"}


@dataclass(frozen=True)
class InsightFilter:
    start: dt.date
    end: dt.date  # inclusive
    granularity: str
    category: str = ""
    department_id: int | None = None
    township_id: int | None = None
    # Department heads see only their own departments' letters; None means the whole county.
    scope_department_ids: tuple[int, ...] | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> InsightFilter:
        return replace(self, start=self.start - dt.timedelta(days=self.days), end=self.start - dt.timedelta(days=1))

    def as_query(self) -> dict:
        out = {"start": self.start.isoformat(), "end": self.end.isoformat(), "granularity": self.granularity}
        if self.category:
            out["category"] = self.category
        if self.department_id:
            out["department"] = str(self.department_id)
        if self.township_id:
            out["township"] = str(self.township_id)
        return out


def _date(raw: str, label: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"{label}不是有效日期,请按“年-月-日”填写,如 2026-03-01",
                               code="insights_date_invalid", details={"field": label}) from None
    return date_check(day, label=label)


def _id(raw: str, label: str) -> int | None:
    if not raw:
        return None
    if not is_id_text(raw):
        raise ValidationFailed(f"{label}选择无效", code="insights_filter_invalid", details={"field": label})
    return int(raw)


def default_granularity(days: int) -> str:
    return "day" if days <= 31 else "week" if days <= 183 else "month"


def insight_filter_parse(params, *, today: dt.date, scope_department_ids=None) -> InsightFilter:
    """Build the filter from query parameters; raise ValidationFailed in Chinese when they are wrong."""
    from zhengwu.letters.models import Category

    def get(name):
        value = params.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    end = _date(get("end"), "结束日期") if get("end") else today
    start = _date(get("start"), "开始日期") if get("start") else end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationFailed("开始日期不能晚于结束日期", code="insights_period_reversed")
    days = (end - start).days + 1
    if days > MAX_DAYS:
        raise ValidationFailed(f"统计期间不能超过 {MAX_DAYS} 天", code="insights_period_too_long")
    granularity = get("granularity") or default_granularity(days)
    if granularity not in GRANULARITIES:
        raise ValidationFailed("时间粒度只能是按日、按周或按月", code="insights_granularity_invalid")
    category = get("category")
    if category and category not in Category.values:
        raise ValidationFailed("信件类别选择无效", code="insights_filter_invalid", details={"field": "类别"})
    return InsightFilter(
        start=start, end=end, granularity=granularity, category=category,
        department_id=_id(get("department"), "部门"), township_id=_id(get("township"), "乡镇(街道)"),
        scope_department_ids=tuple(scope_department_ids) if scope_department_ids is not None else None,
    )
