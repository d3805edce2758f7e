"""/api/v1/supervision/: alerts and department statistics, for supervisors."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhengwu.core.api_auth import StaffSessionAuth
from zhengwu.core.openapi import MAX_OBJECT_ID
from zhengwu.org.roles import Role

from . import selectors
from .models import Alert

supervisor_auth = StaffSessionAuth(roles=[Role.SUPERVISOR])
router = Router(tags=["电子监察"], auth=supervisor_auth)


class AlertOut(Schema):
    id: int
    level: str
    level_label: str
    owner_type: str
    owner_id: str
    subject: str  # what the alert is about, in words (receipt number and step for cases)
    unit: str | None
    role: str
    handler_id: int | None
    due_on: date
    raised_on: date


class AlertPage(Schema):
    items: list[AlertOut]
    next_before: int | None


class AlertFilter(Schema):
    level: Alert.Level | None = None
    before: int | None = Field(None, ge=1, le=MAX_OBJECT_ID, description="翻页键:上一页返回的 next_before")


class StatsPeriod(Schema):
    # The months the concluded cases and the alerts are counted over (default: this month).
    period: Literal["month", "last_month", "quarter", "year", "last12"] = "month"


class DepartmentStats(Schema):
    unit_id: int
    name: str
    concluded: int
    on_time: int
    on_time_rate: float | None
    avg_days: float | None
    overdue_open: int
    red_alerts: int
    yellow_alerts: int


@router.get("/alerts", response=AlertPage, auth=supervisor_auth, summary="预警列表(按编号倒序分页)")
def alerts(request, filters: Query[AlertFilter]):
    rows = selectors.alert_list(user=request.auth, level=filters.level, before_id=filters.before,
                                limit=selectors.PAGE_SIZE + 1)
    more = len(rows) > selectors.PAGE_SIZE
    rows = rows[: selectors.PAGE_SIZE]
    return {
        "items": [
            {
                "id": a.pk, "level": a.level, "level_label": a.get_level_display(), "owner_type": a.owner_type,
                "owner_id": a.owner_id, "subject": a.subject, "unit": a.unit.name if a.unit else None, "role": a.role,
                "handler_id": a.handler_id, "due_on": a.due_on, "raised_on": a.raised_on,
            }
            for a in rows
        ],
        "next_before": rows[-1].pk if more else None,
    }


@router.get("/departments/stats", response=list[DepartmentStats], auth=supervisor_auth, summary="各部门办件统计")
def department_stats(request, filters: Query[StatsPeriod]):
    return selectors.department_statistics(today=timezone.localdate(), period=filters.period)
