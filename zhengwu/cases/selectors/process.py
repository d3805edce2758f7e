"""Reads for the flowchart editor (办理流程配置): items with their current version, version history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery

from zhengwu.catalog.models import Item
from zhengwu.core.errors import NotFound

from .. import engine
from ..models import ProcessDefinition
from .apply import APPLICABLE_CATEGORIES

ITEM_NOT_FOUND = "该事项不存在或不按办件办理"


def process_items_list(*, q: str = "") -> QuerySet[Item]:
    """Power and convenience items with ``current_version`` (None: default flowchart, never saved)."""
    current = ProcessDefinition.objects.filter(item=OuterRef("pk"), is_current=True).values("version")[:1]
    qs = (
        Item.objects.filter(category__in=APPLICABLE_CATEGORIES, status=Item.Status.ACTIVE)
        .select_related("department")
        .annotate(current_version=Subquery(current, output_field=IntegerField()))
        .order_by("category", "seq")
    )
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs


def process_item_get(*, code: str) -> Item:
    item = (
        Item.objects.filter(category__in=APPLICABLE_CATEGORIES, status=Item.Status.ACTIVE, code=(code or "").strip()[:32])
        .select_related("department")
        .first()
    )
    if item is None:
        raise NotFound(ITEM_NOT_FOUND, code="item_not_found")
    return item


@dataclass(frozen=True)
class VersionRow:
    version: int
    is_current: bool
    created_at: object
    created_by: str
    total_limit_days: int
    step_names: list[str]
    open_cases: int
    all_cases: int


def process_versions(*, item) -> list[VersionRow]:
    """Every version of the item's flowchart, newest first, with how many cases run on it (one query)."""
    rows = (
        ProcessDefinition.objects.filter(item=item)
        .select_related("created_by")
        .annotate(
            open_cases=Count("cases", filter=~Q(cases__status__in=list(engine.TERMINAL))),
            all_cases=Count("cases"),
        )
        .order_by("-version")
    )
    return [
        VersionRow(
            version=d.version, is_current=d.is_current, created_at=d.created_at,
            created_by=(d.created_by.real_name or d.created_by.username) if d.created_by else "系统",
            total_limit_days=d.total_limit_days, step_names=[s.get("name", "") for s in d.steps],
            open_cases=d.open_cases, all_cases=d.all_cases,
        )
        for d in rows
    ]
