"""Reads of ratings and rectifications; statistics grouped in SQL."""

from __future__ import annotations

from django.db.models import Avg, Count, Prefetch, Q
from django.urls import reverse

from zhengwu.core.clock import clock_colour
from zhengwu.core.registries.workbench import Deadline, WorkCounts, clock_counts
from zhengwu.org import responsibility

from .models import BAD_LEVELS, Level, Rating, Rectification, RectificationStage

RECTIFICATION_PAGE_SIZE = 50


def rating_get_for_case(*, case) -> Rating | None:
    return Rating.objects.filter(case_id=case.pk).first()


def rating_summary_by_department() -> list[dict]:
    """Per department: count of each level, bad count, average level, satisfaction rate.

    One aggregate query (GROUP BY department) plus one for open rectifications; nothing
    is loaded row by row. ``satisfaction_rate`` is the share of 基本满意 or better.
    """
    by_level = {f"level_{v}": Count("id", filter=Q(level=v)) for v in Level.values}
    rows = list(
        Rating.objects.values("department_id", "department__name")
        .annotate(
            total=Count("id"), bad=Count("id", filter=Q(level__in=list(BAD_LEVELS))),
            average=Avg("level"), **by_level,
        )
        .order_by("department__name", "department_id")
    )
    open_counts = dict(
        Rectification.objects.filter(status=Rectification.Status.OPEN)
        .values_list("department_id").annotate(n=Count("id")).values_list("department_id", "n")
    )
    out = []
    for row in rows:
        total = row["total"]
        out.append({
            "department_id": row["department_id"],
            "department_name": row["department__name"] or "未指定部门",
            "total": total,
            "levels": {Level(v).label: row[f"level_{v}"] for v in Level.values},
            "bad": row["bad"],
            "average": round(float(row["average"]), 2) if row["average"] is not None else None,
            "satisfaction_rate": round((total - row["bad"]) / total, 4) if total else None,
            "open_rectifications": open_counts.get(row["department_id"], 0),
        })
    return out


def rectification_list_for_staff(*, user, status: str | None = Rectification.Status.OPEN, today=None,
                                  limit: int = RECTIFICATION_PAGE_SIZE) -> list[Rectification]:
    """Rectifications of the departments the staff member works for, oldest due first."""
    mine = responsibility.posts_for(user)
    if not mine.holds():
        return []
    qs = (
        Rectification.objects.filter(mine.q("department_id"))
        .select_related("rating", "case", "case__item", "clock", "department")
        .prefetch_related(Prefetch("stages", queryset=RectificationStage.objects.order_by("recorded_at", "id")))
        .order_by("clock__due_on", "id")
    )
    if status:
        qs = qs.filter(status=status)
    rows = list(qs[:limit])
    if today is not None:
        for r in rows:
            r.colour = clock_colour(r.clock, today)
    return rows


def _open_rectifications(posts_of_user):
    return Rectification.objects.filter(posts_of_user.q("department_id"), status=Rectification.Status.OPEN)


def rectification_workbench_counts(user, posts_of_user, today) -> WorkCounts:
    """整改中/预警/逾期 差评整改 of the person's departments, on their own clocks (the
    rectification list's default view): one aggregate query."""
    return clock_counts(_open_rectifications(posts_of_user), "clock", today)


def rectification_workbench_deadlines(user, posts_of_user, today, *, limit: int = 10) -> list[Deadline]:
    rows = (
        _open_rectifications(posts_of_user).filter(clock__due_on=today, clock__state="running")
        .order_by("pk").values_list("case__receipt_no", flat=True)[:limit]
    )
    url = reverse("ratings:rectifications")
    return [Deadline("rectifications", f"差评整改 {receipt_no}", url, today) for receipt_no in rows]
