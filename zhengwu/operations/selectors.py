"""Reads of the operations desk: ticket lists and the monthly service-level figures
(运维服务质量考核)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.registries.workbench import Deadline, WorkCounts

from .models import FaultTicket
from .service_hours import service_hours_between


LIVE = (FaultTicket.State.OPEN, FaultTicket.State.RESPONDED)


def _current_due_before(moment: datetime) -> Q:
    """The ticket's running limit ends before ``moment``: the response limit while it
    waits for a response, the repair limit once it is being handled."""
    return (Q(state=FaultTicket.State.OPEN, response_due_at__lt=moment)
            | Q(state=FaultTicket.State.RESPONDED, repair_due_at__lt=moment))


def _day_end(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def ticket_workbench_counts(user, posts_of_user, today: date) -> WorkCounts:
    """未完成/预警/逾期 fault tickets for the operations staff's workbench: one aggregate
    query. 逾期: a limit passed without a response or repair (what ``tickets_escalate``
    escalates); 预警: not yet overdue, but its running limit ends before today is out."""
    now = timezone.now()
    overdue = _current_due_before(now) | Q(repair_due_at__lt=now)
    found = FaultTicket.objects.filter(state__in=LIVE).aggregate(
        todo=Count("pk"),
        warning=Count("pk", filter=_current_due_before(_day_end(today)) & ~overdue),
        overdue=Count("pk", filter=overdue),
    )
    return WorkCounts(**found)


def ticket_workbench_deadlines(user, posts_of_user, today: date, *, limit: int = 10) -> list[Deadline]:
    """Live tickets whose running limit ends later today."""
    now = timezone.now()
    rows = (
        FaultTicket.objects.filter(state__in=LIVE).filter(_current_due_before(_day_end(today)))
        .exclude(_current_due_before(now)).exclude(repair_due_at__lt=now)
        .order_by("pk").values_list("number", "title")[:limit]
    )
    return [Deadline("operations", f"故障工单 {number} {title}", reverse("operations:ticket", args=[number]), today)
            for number, title in rows]


def ticket_list(*, state: str | None = None, grade: str | None = None, limit: int = 200) -> list[FaultTicket]:
    qs = FaultTicket.objects.select_related("assignee")
    if state == "live":
        qs = qs.filter(state__in=[FaultTicket.State.OPEN, FaultTicket.State.RESPONDED])
    elif state:
        qs = qs.filter(state=state)
    if grade:
        qs = qs.filter(grade=grade)
    return list(qs[:limit])


@dataclass
class GradeFigures:
    grade: str
    label: str
    reported: int = 0
    responded: int = 0
    responded_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    response_hours: float = 0.0
    repair_hours: float = 0.0

    @property
    def response_rate(self) -> float | None:
        return self.responded_on_time / self.responded * 100 if self.responded else None

    @property
    def repair_rate(self) -> float | None:
        return self.resolved_on_time / self.resolved * 100 if self.resolved else None

    @property
    def mean_response_hours(self) -> float | None:
        return self.response_hours / self.responded if self.responded else None

    @property
    def mean_repair_hours(self) -> float | None:
        return self.repair_hours / self.resolved if self.resolved else None


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def service_level_month(*, year: int, month: int) -> list[GradeFigures]:
    """Tickets reported in the month, per grade: how many were answered and repaired within
    their limits, and the mean service hours to respond and to repair."""
    start, end = month_bounds(year, month)
    figures = {g: GradeFigures(g, label) for g, label in FaultTicket.Grade.choices}
    for t in FaultTicket.objects.filter(reported_at__gte=start, reported_at__lt=end):
        f = figures[t.grade]
        f.reported += 1
        if t.responded_at:
            f.responded += 1
            f.responded_on_time += t.responded_at <= t.response_due_at
            f.response_hours += service_hours_between(t.reported_at, t.responded_at)
        if t.resolved_at:
            f.resolved += 1
            f.resolved_on_time += t.resolved_at <= t.repair_due_at
            f.repair_hours += service_hours_between(t.reported_at, t.resolved_at)
    return list(figures.values())
