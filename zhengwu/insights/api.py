"""/api/v1/insights/: the analysis dashboard's figures as JSON, for the same posts."""

from __future__ import annotations

from django.utils import timezone
from ninja import Router

from zhengwu.core.api_auth import StaffSessionAuth

from . import selectors
from .filters import insight_filter_parse
from .views import DASHBOARD_ROLES, scope_department_ids

insights_auth = StaffSessionAuth(roles=DASHBOARD_ROLES)
router = Router(tags=["民意分析"], auth=insights_auth)


@router.get("/overview", auth=insights_auth, summary="民意分析:按类别、部门、乡镇、时间统计,热点与上升话题")
def overview(request, start: str = "", end: str = "", granularity: str = "", category: str = "",
             department: str = "", township: str = ""):
    params = {"start": start, "end": end, "granularity": granularity, "category": category,
              "department": department, "township": township}
    f = insight_filter_parse(params, today=timezone.localdate(), scope_department_ids=scope_department_ids(request.auth))
    data = selectors.insights_overview(f)
    data["filter"] = {**f.as_query(), "scope_department_ids": list(f.scope_department_ids) if f.scope_department_ids is not None else None}
    data["previous_start"] = data["previous_start"].isoformat()
    data["previous_end"] = data["previous_end"].isoformat()
    return data
