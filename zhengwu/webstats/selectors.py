"""Reads of 访问统计: most read items, columns, departments and disclosures, the daily trend, referrers.

Each figure is one grouped query (``GROUP BY … ORDER BY SUM(views) DESC LIMIT n``); names
are then looked up for the few keys shown, one query per kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Sum

from .models import PageKind, PageViewDaily, ReferrerDaily

TOP = 15

# Names of pages without an object (columns), by URL name; apps add theirs.
PAGE_LABELS: dict[str, str] = {
    "portal:home": "首页",
    "portal:disclosure": "政务公开",
    "portal:services": "网上办事",
    "portal:participation": "公众参与",
    "portal:catalog": "事项目录",
    "portal:departments": "部门名录",
    "sitegroup:index": "网站群导读",
    "sitegroup:source": "网站群订阅源",
    "search:page": "站内搜索",
    "disclosure:catalog": "政府信息公开目录",
    "disclosure:guide": "政府信息公开指南",
    "disclosure:column": "政务公开栏目",
    "letters:index": "政民互动",
    "letters:published_list": "信件选登",
    "letters:stats": "信件统计",
    "participation:solicitation_list": "意见征集",
    "participation:questionnaire_list": "网上调查",
}

# kind → fn(keys) -> {key: name}; apps whose pages carry object keys register theirs.
_label_resolvers: dict[str, Callable[[list[str]], dict[str, str]]] = {}


def register_page_label(url_name: str, label: str) -> None:
    PAGE_LABELS[url_name] = label


def register_label_resolver(kind: str, resolver: Callable[[list[str]], dict[str, str]]) -> None:
    _label_resolvers[kind] = resolver


def _item_names(codes: list[str]) -> dict[str, str]:
    from zhengwu.catalog.models import Item

    return dict(Item.objects.filter(code__in=codes).values_list("code", "name"))


def _unit_names(codes: list[str]) -> dict[str, str]:
    from zhengwu.org.models import Unit

    return dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))


_label_resolvers[PageKind.ITEM] = _item_names
_label_resolvers[PageKind.DEPARTMENT] = _unit_names


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    views: int


def _in(period: Period):
    return {"day__gte": period.start, "day__lte": period.end}


def total_views(*, period: Period) -> int:
    return PageViewDaily.objects.filter(**_in(period)).aggregate(n=Sum("views"))["n"] or 0


def top_objects(*, kind: str, period: Period, limit: int = TOP) -> list[Row]:
    """Most read objects of one kind (items, departments): summed over every page that shows them."""
    rows = list(
        PageViewDaily.objects.filter(kind=kind, **_in(period)).exclude(object_key="")
        .values("object_key").annotate(n=Sum("views")).order_by("-n", "object_key")[:limit]
    )
    keys = [r["object_key"] for r in rows]
    resolver = _label_resolvers.get(kind)
    names = resolver(keys) if resolver and keys else {}
    return [Row(r["object_key"], names.get(r["object_key"], r["object_key"]), r["n"]) for r in rows]


def top_pages(*, kind: str, period: Period, limit: int = TOP) -> list[Row]:
    """Most read pages of one kind by URL name and object (columns, disclosures)."""
    rows = list(
        PageViewDaily.objects.filter(kind=kind, **_in(period))
        .values("url_name", "object_key").annotate(n=Sum("views")).order_by("-n", "url_name", "object_key")[:limit]
    )
    resolver = _label_resolvers.get(kind)
    names = resolver([r["object_key"] for r in rows if r["object_key"]]) if resolver else {}
    out = []
    for r in rows:
        name, key = r["url_name"], r["object_key"]
        label = names.get(key) or PAGE_LABELS.get(name, name)
        if key and key not in names:
            label = f"{label}({key})"
        out.append(Row(f"{name}|{key}" if key else name, label, r["n"]))
    return out


def daily_trend(*, period: Period) -> list[dict]:
    """Views per day over the period, days without views included as 0."""
    counts = dict(
        PageViewDaily.objects.filter(**_in(period)).values("day").annotate(n=Sum("views")).values_list("day", "n")
    )
    return [
        {"day": (period.start + dt.timedelta(days=i)).isoformat(),
         "views": counts.get(period.start + dt.timedelta(days=i), 0)}
        for i in range(period.days)
    ]


def top_referrers(*, period: Period, limit: int = TOP) -> list[Row]:
    rows = (
        ReferrerDaily.objects.filter(**_in(period)).values("domain").annotate(n=Sum("views"))
        .order_by("-n", "domain")[:limit]
    )
    return [Row(r["domain"], r["domain"], r["n"]) for r in rows]


def dashboard_figures(*, period: Period) -> dict:
    return {
        "total": total_views(period=period),
        "items": top_objects(kind=PageKind.ITEM, period=period),
        "departments": top_objects(kind=PageKind.DEPARTMENT, period=period),
        "columns": top_pages(kind=PageKind.COLUMN, period=period),
        "disclosures": top_pages(kind=PageKind.DISCLOSURE, period=period),
        "trend": daily_trend(period=period),
        "referrers": top_referrers(period=period),
    }
