"""GET /api/v1/search and /api/v1/search/hot-words: open to everyone, read only."""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema

from zhengwu.core.api_auth import public_auth

from . import selectors, services

router = Router(tags=["全文检索"])


class SearchParams(Schema):
    # Strings on purpose: the service validates them and answers in Chinese (400).
    q: str = ""
    type: str | None = None
    department: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: str | None = None
    page_size: str | None = None


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


@router.get("", response=SearchOut, auth=public_auth, summary="全文检索")
def search(request, params: Query[SearchParams]):
    """检索全部公开内容(办事事项、政府信息、信件答复等)。

    关键词按词语切分后,全部词语都须出现(无结果时退而返回包含部分词语的结果,`match`="any");
    不支持检索语法,引号内的文字按短语匹配。`snippet`/`title_html` 中除 `<em>` 外的内容均已 HTML 转义。
    关键词超过 100 字、日期格式不正确等返回 400。
    """
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
