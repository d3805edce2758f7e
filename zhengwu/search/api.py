"""GET /api/v1/search and /api/v1/search/hot-words: open to everyone, read only."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema

from zhengwu.core.api_auth import public_auth
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.openapi import EARLIEST_DATE, LATEST_DATE

from . import selectors, services
from .text import MAX_QUERY_CHARS

router = Router(tags=["全文检索"])


_DATE = {"format": "date", "formatMinimum": EARLIEST_DATE.isoformat(), "formatMaximum": LATEST_DATE.isoformat()}


def _type_enum(schema: dict) -> None:
    # Read when the document is built: the sources register themselves at start-up.
    schema["enum"] = list(selectors.search_types())


class SearchParams(Schema):
    # Strings on purpose: the service validates them and answers in Chinese (400).
    # The schema declares what the service accepts.
    q: str = Field("", description=f"关键词,最多 {MAX_QUERY_CHARS} 字", json_schema_extra={"maxLength": MAX_QUERY_CHARS})
    type: str | None = Field(None, description="内容类型", json_schema_extra=_type_enum)
    department: str | None = Field(None, description="发布部门机构代码")
    date_from: str | None = Field(None, description="发布日期起 YYYY-MM-DD", json_schema_extra=_DATE)
    date_to: str | None = Field(None, description="发布日期止 YYYY-MM-DD", json_schema_extra=_DATE)
    sort: str = Field("relevance", description="relevance 相关度 / date 发布时间", json_schema_extra={"enum": list(selectors.SORTS)})
    page: str | None = Field(None, description=f"页码,1 至 {selectors.MAX_PAGE}", json_schema_extra={"pattern": "^[0-9]{1,6}$"})
    page_size: str | None = Field(None, description=f"每页条数,1 至 {selectors.MAX_PAGE_SIZE}",
                                  json_schema_extra={"pattern": "^[0-9]{1,6}$"})


class SearchHit(Schema):
    type: str
    type_label: str
    id: str
    title: str
    title_html: str
    snippet: str
    url: str
    published_at: datetime | None
    department: str
    department_code: str


class SearchOut(Schema):
    query: str
    count: int
    took_ms: float
    page: int
    page_size: int
    sort: str
    match: str
    hint: str
    suggestions: list[str]
    did_you_mean: str | None
    corrected: str | None = None
    results: list[SearchHit]


class HotWord(Schema):
    word: str
    count: int


def _check_date_range(params: SearchParams) -> None:
    # The range openapi.json declares; the index cannot hold dates far beyond it (a 5xx
    # before). ISO dates of four-digit years compare correctly as text.
    for name, label in (("date_from", "开始日期"), ("date_to", "结束日期")):
        value = (getattr(params, name) or "").strip()
        if len(value) == 10 and not EARLIEST_DATE.isoformat() <= value <= LATEST_DATE.isoformat():
            raise ValidationFailed(
                f"{label}必须在 {EARLIEST_DATE.isoformat()} 至 {LATEST_DATE.isoformat()} 之间",
                code="invalid_date", details={"field": name},
            )


@router.get("", response=SearchOut, auth=public_auth, summary="全文检索")
def search(request, params: Query[SearchParams]):
    """检索全部公开内容(办事事项、政府信息、信件答复等)。

    关键词按词语切分后,全部词语都须出现(无结果时退而返回包含部分词语的结果,`match`="any");
    不支持检索语法,引号内的文字按短语匹配。`snippet`/`title_html` 中除 `<em>` 外的内容均已 HTML 转义。
    关键词超过 100 字、日期格式不正确等返回 400。
    """
    _check_date_range(params)
    result = selectors.search(
        params.q, type=params.type, department=params.department, date_from=params.date_from,
        date_to=params.date_to, sort=params.sort, page=params.page, page_size=params.page_size,
    )
    if result["page"] == 1:
        services.search_result_record(result)
    return result


@router.get("/hot-words", response=list[HotWord], auth=public_auth, summary="热门搜索词")
def hot_words(request):
    """近 30 天搜索次数最多的词(只统计日期和词,不记录用户与 IP)。"""
    return selectors.hot_words()
