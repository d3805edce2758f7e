"""Reads of the catalog for the portal, the API and other apps."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.org.models import Unit

from .models import Audience, Category, Item, ItemMaterial, LifeEvent, OnlineDepth, WorkArea

# The seed's order (公开, 职权, 便民), not the alphabetical order of the stored keys.
CATEGORY_ORDER = Case(
    *(When(category=c.value, then=Value(i)) for i, c in enumerate(Category)),
    default=Value(len(Category)),
    output_field=IntegerField(),
)


def _check_category(category: str | None) -> str | None:
    if category in (None, ""):
        return None
    if category not in Category.values:
        raise ValidationFailed(
            f"未知的事项类别:{category}(可选:{'、'.join(Category.values)})", details={"field": "category"}
        )
    return category


HAS_MATERIALS = Exists(ItemMaterial.objects.filter(item=OuterRef("pk")))
# 在线申请 is offered: enabled, with a published material list (Item.online_open in SQL).
ONLINE_OPEN_Q = Q(
    HAS_MATERIALS, online_application=True, status=Item.Status.ACTIVE,
    category__in=[Category.POWER, Category.CONVENIENCE],
)
FULLY_ONLINE_Q = ONLINE_OPEN_Q & Q(online_depth=OnlineDepth.FULL)
AT_MOST_ONE_VISIT_Q = Q(visits_required__isnull=False, visits_required__lte=1)


def _check_choice(value: str | None, choices, label: str, field: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in choices:
        raise ValidationFailed(f"未知的{label}:{value}", details={"field": field})
    return value


def item_list(
    *,
    category: str | None = None,
    work_area: str | None = None,
    department: str | None = None,
    q: str | None = None,
    include_retired: bool = False,
    audience: str | None = None,
    event: str | None = None,
    township: bool = False,
    fully_online: bool = False,
    one_visit: bool = False,
) -> QuerySet[Item]:
    """Items in catalog order, filtered.

    ``work_area`` is a WorkArea code or its exact name; ``department`` an org.Unit code,
    matching items implemented by that unit, or (when an item has no department of its
    own) items of a work area it owns. ``audience`` (person/legal) also matches items for
    both; ``event`` is a LifeEvent code; ``township`` keeps items accepted at township
    service centres; ``fully_online`` 全程网办; ``one_visit`` 最多跑一次.
    """
    category = _check_category(category)
    audience = _check_choice(audience, (Audience.PERSON, Audience.LEGAL), "服务对象", "audience")
    qs = Item.objects.select_related("work_area", "department")
    if audience:
        qs = qs.filter(audience__in=[audience, Audience.BOTH])
    if event:
        qs = qs.filter(life_events__code=event)
    if township:
        qs = qs.filter(township_level=True)
    if fully_online:
        qs = qs.filter(FULLY_ONLINE_Q)
    if one_visit:
        qs = qs.filter(AT_MOST_ONE_VISIT_Q)
    if not include_retired:
        qs = qs.filter(status=Item.Status.ACTIVE)
    if category:
        qs = qs.filter(category=category)
    if work_area:
        qs = qs.filter(Q(work_area__code=work_area) | Q(work_area__name=work_area))
    if department:
        qs = qs.filter(
            Q(department__code=department)
            | Q(department__isnull=True, work_area__department__code=department)
        )
    if q and q.strip():
        term = q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(content__icontains=term) | Q(code__iexact=term))
    return qs.annotate(category_order=CATEGORY_ORDER, has_materials=HAS_MATERIALS).order_by(
        "category_order", "seq", "id"
    )


def item_get(*, code: str) -> Item:
    """One item by code, retired ones included, with its work area, department and materials."""
    item = (
        Item.objects.select_related("work_area", "work_area__department", "department")
        .prefetch_related("materials", "life_events")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise NotFound(f"事项不存在:{code}", details={"code": code})
    return item


def work_area_list(*, category: str | None = None) -> QuerySet[WorkArea]:
    """Work areas in catalog order, each with ``item_count`` (active items)."""
    category = _check_category(category)
    qs = WorkArea.objects.select_related("department").annotate(
        item_count=Count("items", filter=Q(items__status=Item.Status.ACTIVE)),
        category_order=CATEGORY_ORDER,
    )
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("category_order", "seq", "id")


def category_counts() -> dict[str, int]:
    """Active items per category, every category present (0 when empty)."""
    counts = dict.fromkeys(Category.values, 0)
    rows = Item.objects.filter(status=Item.Status.ACTIVE).values("category").annotate(n=Count("id")).order_by()
    for row in rows:
        counts[row["category"]] = row["n"]
    return counts


def department_list() -> list[Unit]:
    """Units that own work areas or implement items, with ``work_area_count`` and ``item_count``.

    ``item_count`` counts active items the unit implements or, for items without a
    department, that fall in a work area it owns — the same rule as item_list's filter.
    Three grouped queries plus one for the units: a correlated-subquery version over a
    DISTINCT join took ~100 ms per catalog page on SQLite.
    """
    def grouped(qs, key):
        return dict(qs.values_list(key).annotate(n=Count("id")).order_by())

    active = Item.objects.filter(status=Item.Status.ACTIVE)
    area_counts = grouped(WorkArea.objects.filter(department__isnull=False), "department")
    own_items = grouped(active.filter(department__isnull=False), "department")
    inherited_items = grouped(
        active.filter(department__isnull=True, work_area__department__isnull=False), "work_area__department"
    )
    implementing = set(
        Item.objects.filter(department__isnull=False).values_list("department", flat=True).distinct().order_by()
    )
    units = list(
        Unit.objects.filter(pk__in=set(area_counts) | implementing | set(inherited_items)).order_by("sort_order", "code")
    )
    for unit in units:
        unit.work_area_count = area_counts.get(unit.pk, 0)
        unit.item_count = own_items.get(unit.pk, 0) + inherited_items.get(unit.pk, 0)
    return units


def life_event_list(*, audience: str | None = None) -> list[LifeEvent]:
    """Life events in order, each with ``item_count`` (active items); one query."""
    qs = LifeEvent.objects.annotate(item_count=Count("items", filter=Q(items__status=Item.Status.ACTIVE)))
    if audience:
        qs = qs.filter(audience=audience)
    return list(qs.order_by("audience", "seq", "id"))


def life_event_get(*, code: str) -> LifeEvent:
    event = LifeEvent.objects.filter(code=code).first()
    if event is None:
        raise ValidationFailed(f"未知的人生事件:{code}", details={"field": "event"})
    return event


def service_filter_counts() -> dict[str, int]:
    """How many active items each quick filter (全程网办, 最多跑一次, 乡镇可办) finds."""
    return Item.objects.filter(status=Item.Status.ACTIVE).aggregate(
        fully_online=Count("pk", filter=FULLY_ONLINE_Q),
        one_visit=Count("pk", filter=AT_MOST_ONE_VISIT_Q),
        township=Count("pk", filter=Q(township_level=True)),
    )


# --------------------------------------------------------------------------- completeness


@dataclass(frozen=True)
class GuideElement:
    """One element a national service guide (办事指南) must carry, and the SQL that finds it missing."""

    key: str
    label: str
    missing: Q


# Time limits: an instant item (即办件) has no promised limit to publish, but its statutory
# limit still counts. Fees: "不收费" is a published value; blank means not published.
GUIDE_ELEMENTS: tuple[GuideElement, ...] = (
    GuideElement("department", "实施部门", Q(department__isnull=True)),
    GuideElement("legal_basis", "设定依据", Q(legal_basis="")),
    GuideElement("acceptance_conditions", "受理条件", Q(acceptance_conditions="")),
    GuideElement("materials", "申请材料", ~HAS_MATERIALS),
    GuideElement("statutory_limit_days", "法定时限", Q(statutory_limit_days__isnull=True)),
    GuideElement("promised_limit_days", "承诺时限",
                 Q(promised_limit_days__isnull=True) & ~Q(handling_type=Item.HandlingType.INSTANT)),
    GuideElement("fees", "收费", Q(fees="")),
    GuideElement("place", "办理地点", Q(place="")),
    GuideElement("hours", "办理时间", Q(hours="")),
    GuideElement("consultation_phone", "咨询电话", Q(consultation_phone="")),
    GuideElement("supervision_phone", "监督投诉电话", Q(supervision_phone="")),
    GuideElement("online_depth", "网办深度", Q(online_depth="")),
    GuideElement("visits_required", "到现场次数", Q(visits_required__isnull=True)),
)
GUIDE_CATEGORIES = (Category.POWER, Category.CONVENIENCE)


def guide_incomplete_q() -> Q:
    """Items (of the service categories) whose guide lacks at least one element."""
    missing = Q()
    for element in GUIDE_ELEMENTS:
        missing |= element.missing
    return Q(category__in=GUIDE_CATEGORIES) & missing


def guide_missing_annotations() -> dict:
    """Per-element 0/1 annotations ``missing_<key>`` for a queryset, so a list shows what each
    item lacks without a query per row."""
    return {
        f"missing_{e.key}": Case(When(e.missing, then=Value(1)), default=Value(0), output_field=IntegerField())
        for e in GUIDE_ELEMENTS
    }


def guide_missing_labels(item: Item) -> list[str]:
    """The labels of the elements an item annotated by guide_missing_annotations() lacks."""
    if item.category not in GUIDE_CATEGORIES:
        return []
    return [e.label for e in GUIDE_ELEMENTS if getattr(item, f"missing_{e.key}", 0)]


def guide_incomplete_list() -> QuerySet[Item]:
    """Active service items with incomplete guides, annotated with what each lacks."""
    return (
        Item.objects.filter(guide_incomplete_q(), status=Item.Status.ACTIVE)
        .select_related("department", "work_area")
        .annotate(**guide_missing_annotations())
        .order_by("category", "seq", "id")
    )
