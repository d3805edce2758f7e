"""/api/v1/insights/: the analysis dashboard's figures as JSON, for the same posts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhengwu.core.api_auth import StaffSessionAuth
from zhengwu.letters.models import Category

from . import selectors
from .filters import GRANULARITIES, MAX_DAYS, insight_filter_parse
from .views import DASHBOARD_ROLES, scope_department_ids

insights_auth = StaffSessionAuth(roles=DASHBOARD_ROLES)
router = Router(tags=["民意分析"], auth=insights_auth)


class InsightsQuery(Schema):
    # Strings on purpose: insight_filter_parse checks them and answers in Chinese (400),
    # the same rules as the dashboard page; the schema declares those rules.
    start: str = Field("", description=f"开始日期 YYYY-MM-DD;默认为结束日期前 30 天;统计期间最长 {MAX_DAYS} 天",
                       json_schema_extra={"format": "date"})
    end: str = Field("", description="结束日期 YYYY-MM-DD(含);默认为今天", json_schema_extra={"format": "date"})
    granularity: str = Field("", description="时间粒度:day 按日 / week 按周 / month 按月;默认按期间长短选择",
                             json_schema_extra={"enum": ["", *GRANULARITIES]})
    category: str = Field("", description="信件类别代码", json_schema_extra={"enum": ["", *Category.values]})
    department: str = Field("", max_length=12, description="承办部门编号(整数)")
    township: str = Field("", max_length=12, description="乡镇(街道)编号(整数)")


class InsightCount(Schema):
    key: str | int | None = Field(description="类别代码、机构编号或时间段起始日期")
    label: str
    count: int


class TopicExample(Schema):
    id: int
    title: str
    query_code: str
    received_on: date


class Topic(Schema):
    word: str
    count: int
    previous: int | None = None
    growth_rate: float | None = None
    examples: list[TopicExample]


class InsightsFilterOut(Schema):
    start: date
    end: date
    granularity: Literal["day", "week", "month"]
    category: str | None = None
    department: str | None = None
    township: str | None = None
    scope_department_ids: list[int] | None = Field(description="可见部门范围;null 为全县")


class InsightsOverview(Schema):
    filter: InsightsFilterOut
    total: int
    by_category: list[InsightCount]
    by_department: list[InsightCount]
    by_township: list[InsightCount]
    by_period: list[InsightCount]
    hot: list[Topic]
    rising: list[Topic]
    previous_start: date
    previous_end: date


@router.get("/overview", auth=insights_auth, response=InsightsOverview,
            summary="民意分析:按类别、部门、乡镇、时间统计,热点与上升话题")
def overview(request, params: Query[InsightsQuery]):
    f = insight_filter_parse(params.dict(), today=timezone.localdate(),
                             scope_department_ids=scope_department_ids(request.auth))
    data = selectors.insights_overview(f)
    data["filter"] = {**f.as_query(), "scope_department_ids": list(f.scope_department_ids) if f.scope_department_ids is not None else None}
    return data
