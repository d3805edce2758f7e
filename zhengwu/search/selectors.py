"""Reads of the search app: the search itself (one results contract for every engine),
hot words and the list of searchable types."""

from __future__ import annotations

import datetime as dt
import re
import time

from django.db.models import Sum
from django.utils import timezone

from zhengwu.core.bounds import date_check, date_parse
from zhengwu.core.errors import ValidationFailed

from . import suggest, synonyms
from .backends import SearchFilters, search_backend
from .models import SearchQueryDay
from .snippets import highlight
from zhengwu.core.registries.search import search_sources
from .text import _SYNTAX, query_parse

SORTS = {"relevance": "相关度", "date": "发布时间"}
MAX_PAGE = 100
MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 20
HOT_WORD_DAYS = 30
EMPTY_HINT = "请输入要搜索的词语,例如:社保、户籍、营业执照"
_DEPARTMENT_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def search_types() -> dict[str, str]:
    """Registered document types and their Chinese labels, for the type filter."""
    return {t: s.label for t, s in sorted(search_sources().items())}


def _int(value, default: int, label: str, field: str, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        value = str(value)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationFailed(f"{label}必须是整数", code="invalid_parameter", details={"field": field}) from None
    if not low <= number <= high:
        raise ValidationFailed(f"{label}必须在{low}到{high}之间", code="out_of_range", details={"field": field})
    return number


def _date(value, label: str, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return date_check(value, label=label, field=field)
    if isinstance(value, str) and value.strip():
        return date_parse(value, label=label, field=field)
    raise ValidationFailed(f"{label}不是有效日期(应为 YYYY-MM-DD)", code="invalid_date", details={"field": field})


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search_filters(type=None, department=None, date_from=None, date_to=None) -> SearchFilters:
    """Validated filters (raises ValidationFailed with a Chinese message)."""
    doc_type = None
    if type not in (None, ""):
        types = search_types()
        if not isinstance(type, str) or type not in types:
            raise ValidationFailed(
                f"未知的内容类型(可选:{'、'.join(types) or '无'})", code="invalid_type", details={"field": "type"}
            )
        doc_type = type
    dept = None
    if department not in (None, ""):
        if not isinstance(department, str) or not _DEPARTMENT_CODE.match(department.strip()):
            raise ValidationFailed("部门代码格式不正确", code="invalid_department", details={"field": "department"})
        dept = department.strip()
    start = _date(date_from, "开始日期", "date_from")
    end = _date(date_to, "结束日期", "date_to")
    if start and end and start > end:
        raise ValidationFailed("开始日期不能晚于结束日期", code="invalid_date_range", details={"field": "date_from"})
    return SearchFilters(
        doc_type=doc_type, department=dept,
        date_from=_start_of(start) if start else None,
        date_until=_start_of(end + dt.timedelta(days=1)) if end else None,
    )


def search(q, type=None, department=None, date_from=None, date_to=None, sort="relevance",
           page=1, page_size=DEFAULT_PAGE_SIZE) -> dict:
    """Search every public document.

    All words of the query must match; when that finds nothing and the query has several
    words, documents matching any of them are returned instead (``"match": "any"``).
    Raises ValidationFailed for a query over 100 characters or bad filters.
    """
    started = time.perf_counter()
    parsed = query_parse(q)
    filters = search_filters(type, department, date_from, date_to)
    if sort in (None, ""):
        sort = "relevance"
    if sort not in SORTS:
        raise ValidationFailed("排序方式只能是 relevance(相关度)或 date(发布时间)", code="invalid_sort",
                               details={"field": "sort"})
    page = _int(page, 1, "页码", "page", 1, MAX_PAGE)
    page_size = _int(page_size, DEFAULT_PAGE_SIZE, "每页条数", "page_size", 1, MAX_PAGE_SIZE)
    out = {
        "query": parsed.text, "count": 0, "took_ms": 0.0, "page": page, "page_size": page_size,
        "sort": sort, "match": "all", "hint": "", "suggestions": [], "did_you_mean": None, "corrected": None,
        "results": [],
    }
    if parsed.empty:
        out["hint"] = EMPTY_HINT
        out["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return out

    backend = search_backend()
    offset = (page - 1) * page_size
    parsed = synonyms.expand(parsed)
    raw = backend.query(parsed, filters, sort=sort, offset=offset, limit=page_size)
    if raw.count == 0 and len(parsed.clauses) + len(parsed.phrases) > 1:
        raw = backend.query(parsed, filters, sort=sort, offset=offset, limit=page_size, match_all=False)
        if raw.count:
            out["match"] = "any"
            out["hint"] = "没有同时包含全部词语的结果,以下是包含部分词语的结果"
    out["suggestions"] = suggest.pinyin_suggestions(parsed.text)
    if raw.count == 0 or out["match"] == "any":
        # Nothing matched the query as typed: maybe a typo.
        chunks = _SYNTAX.sub(" ", parsed.text).split()
        out["did_you_mean"] = suggest.did_you_mean(chunks)
    if raw.count == 0 or out["match"] == "any":
        # Pinyin ("dibao") or a typo ("社宝"): show what the suggestion finds, and say so.
        for better in [*out["suggestions"][:1], out["did_you_mean"]]:
            if not better:
                continue
            alt = synonyms.expand(query_parse(better))
            alt_raw = backend.query(alt, filters, sort=sort, offset=offset, limit=page_size)
            if alt_raw.count:
                raw, parsed = alt_raw, alt
                out["corrected"], out["match"] = better, "all"
                out["hint"] = f"没有找到“{out['query']}”的结果,以下是“{better}”的结果"
                break
    words = parsed.highlight_words()
    labels = search_types()
    out["count"] = raw.count
    out["results"] = [
        {
            "type": hit.doc_type,
            "type_label": labels.get(hit.doc_type, hit.doc_type),
            "id": hit.doc_id,
            "title": hit.title,
            "title_html": highlight(hit.title, words, max_chars=200),
            "snippet": highlight(hit.body, words),
            "url": hit.url,
            "published_at": timezone.localtime(hit.published_at) if hit.published_at else None,
            "department": hit.department_name,
            "department_code": hit.department_code,
        }
        for hit in raw.hits
    ]
    if raw.count == 0 and not out["suggestions"]:
        out["hint"] = "没有找到相关结果,请换个说法或减少筛选条件"
    out["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return out


def hot_words(days: int = HOT_WORD_DAYS, limit: int = 10) -> list[dict]:
    """The most searched (normalised) queries of the last ``days`` days, today included."""
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    rows = (
        SearchQueryDay.objects.filter(day__gte=since)
        .values("query").annotate(total=Sum("count")).order_by("-total", "query")[:limit]
    )
    return [{"word": r["query"], "count": r["total"]} for r in rows]


# ---------------------------------------------------------------- staff: dictionary and misses

MISS_DAYS = 30


def synonym_list(q: str = ""):
    """Dictionary entries, optionally those containing ``q`` (canonical or variants)."""
    from django.db.models import Q

    from .models import SearchSynonym

    rows = SearchSynonym.objects.all().order_by("canonical")
    q = (q or "").strip()[:30]
    if q:
        rows = rows.filter(Q(canonical__contains=q) | Q(variants__contains=q))
    return list(rows)


def synonym_get(synonym_id) -> object:
    from .models import SearchSynonym

    try:
        synonym_id = int(synonym_id)
    except (TypeError, ValueError):
        raise ValidationFailed("词条编号无效", code="synonym_not_found") from None
    entry = SearchSynonym.objects.filter(pk=synonym_id).first()
    if entry is None:
        from zhengwu.core.errors import NotFound

        raise NotFound("词条不存在或已删除", code="synonym_not_found")
    return entry


def search_misses(days: int = MISS_DAYS, limit: int = 100) -> list[dict]:
    """Queries without results in the last ``days`` days, most frequent first."""
    from django.db.models import Max

    from .models import SearchMissDay

    since = timezone.localdate() - dt.timedelta(days=days - 1)
    rows = (
        SearchMissDay.objects.filter(day__gte=since)
        .values("query").annotate(total=Sum("count"), last_day=Max("day")).order_by("-total", "query")[:limit]
    )
    return [{"query": r["query"], "count": r["total"], "last_day": r["last_day"]} for r in rows]
