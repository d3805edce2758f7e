"""Service hours of the operations desk (运维服务时间), 5×8 by default.

Response and repair limits of fault tickets count hours *within* service hours on working
days of the platform's own calendar (调休 and holidays included), the same calendar every
other clock uses. ``ZHENGWU_OPS_SERVICE_HOURS`` is "HH:MM-HH:MM" ("09:00-17:00": 5×8) or
"24x7" for a round-the-clock contract. Pure arithmetic over aware datetimes in Asia/Shanghai.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from zhengwu.core.workdays import is_workday

# A limit of a few days never needs more; the bound keeps a bad setting from looping.
MAX_DAYS_SCANNED = 400


@dataclass(frozen=True)
class ServiceHours:
    opens: time | None  # None: round the clock, every day
    closes: time | None

    @property
    def label(self) -> str:
        if self.opens is None:
            return "7×24 小时"
        return f"工作日 {self.opens:%H:%M}–{self.closes:%H:%M}(5×{self.hours_per_day:g})"

    @property
    def hours_per_day(self) -> float:
        if self.opens is None:
            return 24.0
        return (datetime.combine(datetime.min, self.closes) - datetime.combine(datetime.min, self.opens)).seconds / 3600


def parse_service_hours(text: str) -> ServiceHours:
    text = (text or "").strip().lower()
    if text in ("24x7", "7x24"):
        return ServiceHours(None, None)
    try:
        start, end = text.split("-")
        opens, closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ValueError(f"ZHENGWU_OPS_SERVICE_HOURS 应为 HH:MM-HH:MM 或 24x7,而不是 {text!r}") from None
    if closes <= opens:
        raise ValueError("ZHENGWU_OPS_SERVICE_HOURS 的结束时间必须晚于开始时间")
    return ServiceHours(opens, closes)


def current_service_hours() -> ServiceHours:
    return parse_service_hours(getattr(settings, "ZHENGWU_OPS_SERVICE_HOURS", "09:00-17:00"))


def _windows(start: datetime, hours: ServiceHours):
    """Yield (open, close) service windows from the one containing or following ``start``."""
    tz = timezone.get_default_timezone()
    day = timezone.localtime(start, tz).date()
    for _ in range(MAX_DAYS_SCANNED):
        if is_workday(day):
            yield (
                datetime.combine(day, hours.opens, tzinfo=tz),
                datetime.combine(day, hours.closes, tzinfo=tz),
            )
        day += timedelta(days=1)
    raise ValueError("服务时间内找不到足够的工作时段(请检查工作日历和 ZHENGWU_OPS_SERVICE_HOURS)")


def add_service_hours(start: datetime, hours_needed: float, hours: ServiceHours | None = None) -> datetime:
    """Return the moment ``hours_needed`` service hours after ``start``.

    A ticket reported at 16:30 on a Friday with a 2-hour limit under 5×8 is due at 10:30
    on the next working day; one reported on a Sunday starts counting on Monday morning.
    """
    hours = hours or current_service_hours()
    if hours.opens is None:
        return start + timedelta(hours=hours_needed)
    left = timedelta(hours=hours_needed)
    for opens, closes in _windows(start, hours):
        begin = max(start, opens)
        if begin >= closes:
            continue
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    raise AssertionError("unreachable")  # pragma: no cover - _windows raises first


def service_hours_between(start: datetime, end: datetime, hours: ServiceHours | None = None) -> float:
    """Service hours elapsed from ``start`` to ``end`` (0 when end <= start)."""
    hours = hours or current_service_hours()
    if end <= start:
        return 0.0
    if hours.opens is None:
        return (end - start).total_seconds() / 3600
    total = timedelta()
    for opens, closes in _windows(start, hours):
        if opens >= end:
            break
        begin, finish = max(start, opens), min(end, closes)
        if finish > begin:
            total += finish - begin
    return total.total_seconds() / 3600
