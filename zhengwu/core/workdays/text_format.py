"""The plain-text format an admin uses to load one year's State Council arrangement.

One entry per line, ``#`` starts a comment::

    # 国办发明电〔2026〕1号
    2027-01-01 假日 元旦
    2027-02-06..2027-02-12 假日 春节
    2027-02-13 调休 春节调休上班

The second word says what the day is: 假日 / 假期 / 休息 / 放假 / holiday (a rest day) or
调休 / 上班 / 补班 / workday / makeup (a make-up working day on a weekend). The rest of
the line is the name shown beside the date. Dates are YYYY-MM-DD (``/`` also accepted);
a range ``A..B`` (or ``A~B``) covers both ends. Errors name the line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from zhengwu.core.errors import ValidationFailed

REST_WORDS = {"假日", "假期", "休息", "放假", "休", "holiday", "rest"}
WORK_WORDS = {"调休", "上班", "补班", "班", "workday", "makeup", "work"}
NOTE_MAX = 64
MAX_RANGE_DAYS = 31

_DATE_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


@dataclass
class Arrangement:
    holidays: list[tuple[date, str]] = field(default_factory=list)
    makeup_workdays: list[tuple[date, str]] = field(default_factory=list)


def _parse_date(text: str) -> date | None:
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_arrangement_text(text: str, *, year: int | None = None) -> Arrangement:
    """Parse the text format; raise ValidationFailed listing every bad line (in Chinese).

    With ``year`` given, dates outside that year are errors too, so the admin sees the
    line number rather than a bare date.
    """
    result = Arrangement()
    errors: list[str] = []
    seen: dict[date, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].replace("\u3000", " ").strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 2:
            errors.append(f"第{lineno}行:缺少类型(应为“日期 假日 名称”或“日期 调休 名称”)")
            continue
        when, kind, name = parts[0], parts[1].lower(), (parts[2].strip() if len(parts) > 2 else "")
        if kind in REST_WORDS:
            target = result.holidays
        elif kind in WORK_WORDS:
            target = result.makeup_workdays
        else:
            errors.append(f"第{lineno}行:无法识别的类型“{parts[1]}”(应为“假日”或“调休”)")
            continue
        if len(name) > NOTE_MAX:
            errors.append(f"第{lineno}行:名称过长(最多 {NOTE_MAX} 个字)")
            continue
        ends = re.split(r"\.\.|~|～", when)
        if len(ends) > 2:
            errors.append(f"第{lineno}行:日期范围“{when}”格式不正确(应为 YYYY-MM-DD..YYYY-MM-DD)")
            continue
        dates = [_parse_date(e) for e in ends]
        if any(d is None for d in dates):
            errors.append(f"第{lineno}行:“{when}”不是有效日期(应为 YYYY-MM-DD)")
            continue
        first, last = dates[0], dates[-1]
        if last < first:
            errors.append(f"第{lineno}行:日期范围的结束日期早于开始日期")
            continue
        if (last - first).days >= MAX_RANGE_DAYS:
            errors.append(f"第{lineno}行:日期范围超过 {MAX_RANGE_DAYS} 天,请检查")
            continue
        if year is not None and (first.year != year or last.year != year):
            errors.append(f"第{lineno}行:日期 {when} 不在 {year} 年内")
            continue
        day = first
        while day <= last:
            if day in seen:
                errors.append(f"第{lineno}行:日期 {day.isoformat()} 与第{seen[day]}行重复")
            else:
                seen[day] = lineno
                if target is result.makeup_workdays and day.weekday() < 5:
                    errors.append(
                        f"第{lineno}行:{day.isoformat()} 是周{'一二三四五'[day.weekday()]},"
                        "调休上班日必须是周六或周日"
                    )
                target.append((day, name))
            day += timedelta(days=1)
    if errors:
        raise ValidationFailed(
            "节假日安排文件有误:" + ";".join(errors[:10]) + ("……" if len(errors) > 10 else ""),
            code="calendar_file_invalid",
            details={"errors": errors},
        )
    return result
