"""Reads of 政务公开: public lists and pages, staff queues, counts for the yearly report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from zhengwu.catalog.models import Category, Item, WorkArea
from zhengwu.core.errors import NotFound
from zhengwu.core.registries.workbench import Deadline, WorkCounts, limit_counts, limit_cutoffs
from zhengwu.org import responsibility
from zhengwu.org.models import Unit

from . import posts
from .models import Attachment, Column, Disclosure, DocumentKind, Status, Validity
from .richtext import text_excerpt

PAGE_SIZE = 20
OFFICE_PAGE_SIZE = 50
NOT_FOUND_MESSAGE = "未找到该公开信息,可能尚未发布或已撤回"
MAX_ID = 2**63 - 1  # larger ids cannot exist and would overflow the database's integer


def as_id(pk) -> int | None:
    try:
        value = int(pk)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if 0 < value <= MAX_ID else None


def published() -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(status=Status.PUBLISHED)


def disclosure_list_public(
    *, column: str | None = None, department: Unit | None = None, catalog_item: Item | None = None,
) -> QuerySet[Disclosure]:
    """Published records, newest first, with what a list row shows (one query per page)."""
    qs = published().select_related("department", "catalog_item")
    if column:
        qs = qs.filter(column=column)
    if department is not None:
        qs = qs.filter(department=department)
    if catalog_item is not None:
        qs = qs.filter(catalog_item=catalog_item)
    return qs.order_by("-first_published_at", "-id")


def disclosure_get_public(*, pk) -> Disclosure:
    """A published record with its attachments and both directions of the policy link."""
    pk = as_id(pk)
    if pk is None:
        raise NotFound(NOT_FOUND_MESSAGE, code="disclosure_not_found")
    row = (
        published().filter(pk=pk)
        .select_related("department", "catalog_item", "interprets")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("file").order_by("seq", "id")),
            Prefetch(
                "interpretations",
                queryset=published().select_related("department").order_by("-first_published_at", "-id"),
                to_attr="published_interpretations",
            ),
        )
        .first()
    )
    if row is None:
        raise NotFound(NOT_FOUND_MESSAGE, code="disclosure_not_found")
    # The policy an interpretation explains is shown only while it is itself public.
    row.public_policy = row.interprets if row.interprets_id and row.interprets.status == Status.PUBLISHED else None
    return row


def attachment_public(attachment: Attachment) -> bool:
    return attachment.file_id is not None and not attachment.file.is_deleted


def department_get_public(*, code: str) -> Unit:
    unit = Unit.objects.filter(code=(code or "").strip(), is_active=True).first()
    if unit is None:
        raise NotFound("未找到该部门", code="unit_not_found")
    return unit


def catalog_item_get_public(*, code: str) -> Item:
    item = Item.objects.select_related("work_area", "department").filter(
        code=(code or "").strip().upper(), category=Category.DISCLOSURE,
    ).first()
    if item is None:
        raise NotFound("未找到该政府信息公开事项", code="item_not_found")
    return item


def column_get(*, slug: str) -> Column:
    if slug not in Column.values:
        raise NotFound("未找到该栏目", code="column_not_found")
    return Column(slug)


# ------------------------------------------------------------------ catalog (目录) page


@dataclass
class CatalogGroup:
    area: WorkArea
    items: list[tuple[Item, int]]
    total: int


def disclosure_catalog_tree() -> dict:
    """政府信息公开目录: disclosure work areas → items with published counts, and column counts.

    Three queries: work areas, items, and one GROUP BY of published records per item;
    plus one GROUP BY per column and one per department.
    """
    per_item = dict(
        published().exclude(catalog_item=None).values_list("catalog_item_id").annotate(n=Count("id"))
        .values_list("catalog_item_id", "n")
    )
    areas = list(WorkArea.objects.filter(category=Category.DISCLOSURE).order_by("seq"))
    items_by_area: dict[int, list[tuple[Item, int]]] = {a.pk: [] for a in areas}
    for item in Item.objects.filter(category=Category.DISCLOSURE, status=Item.Status.ACTIVE).order_by("seq"):
        items_by_area.setdefault(item.work_area_id, []).append((item, per_item.get(item.pk, 0)))
    groups = [
        CatalogGroup(area=a, items=items_by_area.get(a.pk, []), total=sum(n for _, n in items_by_area.get(a.pk, [])))
        for a in areas
    ]
    return {
        "groups": groups,
        "columns": column_counts(),
        "departments": department_counts(),
        "total": published().count(),
    }


def column_counts() -> list[tuple[Column, int]]:
    counts = dict(published().values_list("column").annotate(n=Count("id")).values_list("column", "n"))
    return [(c, counts.get(c.value, 0)) for c in Column]


def department_counts() -> list[tuple[Unit, int]]:
    rows = (
        published().values_list("department_id").annotate(n=Count("id")).values_list("department_id", "n")
    )
    counts = dict(rows)
    units = Unit.objects.filter(pk__in=list(counts)).order_by("sort_order", "code")
    return [(u, counts[u.pk]) for u in units]


def latest_public(*, columns=None, limit: int = 8) -> list[Disclosure]:
    qs = published().select_related("department")
    if columns:
        qs = qs.filter(column__in=list(columns))
    return list(qs.order_by("-first_published_at", "-id")[:limit])


# ------------------------------------------------------------------ staff pages


def disclosure_list_office(*, user, status: str | None = None, limit: int = OFFICE_PAGE_SIZE) -> list[Disclosure]:
    """Records of the departments the person edits or publishes for, latest change first."""
    mine = responsibility.posts_for(user)
    if not mine.holds(posts.OFFICE_ROLES):
        return []
    qs = Disclosure.objects.filter(mine.q("department_id", posts.OFFICE_ROLES)).select_related("department", "created_by")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-updated_at", "-id")[:limit])


def review_queue(*, user, limit: int = OFFICE_PAGE_SIZE) -> list[Disclosure]:
    mine = responsibility.posts_for(user)
    if not mine.holds(posts.PUBLISHER_ROLES):
        return []
    return list(
        Disclosure.objects.filter(mine.q("department_id", posts.PUBLISHER_ROLES), status__in=[Status.PENDING, Status.SCHEDULED])
        .select_related("department", "created_by").order_by("status", "updated_at", "id")[:limit]
    )


# 政府信息公开条例 art. 26: proactively disclosed information is published within 20
# working days of its formation (or change); the guide page says the same.
PUBLISH_LIMIT_DAYS = 20
PUBLISH_WARN_DAYS = 5


def _formed_on_or_before(day: dt.date) -> Q:
    """Formed on ``day`` or earlier: its 成文日期, or else the day the record was entered."""
    next_midnight = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return Q(written_on__lte=day) | Q(written_on__isnull=True, created_at__lt=next_midnight)


def review_workbench_counts(user, posts_of_user, today: dt.date) -> WorkCounts:
    """待办/预警/逾期 of the review queue for the workbench: records submitted for review
    (待审核) at the publisher's departments, timed by the 20-working-day publication limit
    from their formation; one aggregate query. Scheduled ones are already decided."""
    pending = Disclosure.objects.filter(posts_of_user.q("department_id", posts.PUBLISHER_ROLES), status=Status.PENDING)
    return limit_counts(pending, _formed_on_or_before, today, limit_days=PUBLISH_LIMIT_DAYS, warn_days=PUBLISH_WARN_DAYS)


def review_workbench_deadlines(user, posts_of_user, today: dt.date, *, limit: int = 10) -> list[Deadline]:
    cut = limit_cutoffs(today, limit_days=PUBLISH_LIMIT_DAYS, warn_days=PUBLISH_WARN_DAYS)
    if cut.due_by is None:
        return []
    rows = (
        Disclosure.objects.filter(posts_of_user.q("department_id", posts.PUBLISHER_ROLES), status=Status.PENDING)
        .filter(_formed_on_or_before(cut.due_by)).exclude(_formed_on_or_before(cut.overdue_by))
        .order_by("pk").values_list("pk", "title")[:limit]
    )
    return [Deadline("disclosure", f"待审核公开信息 {title}", reverse("disclosure:office_edit", args=[pk]), today)
            for pk, title in rows]


def disclosure_get_office(*, user, pk) -> Disclosure:
    """A record of one of the person's departments; another department's answers 404."""
    pk = as_id(pk)
    if pk is None:
        raise NotFound("未找到该公开信息", code="disclosure_not_found")
    row = (
        Disclosure.objects.filter(responsibility.acts_for_q(user, "department_id", posts.OFFICE_ROLES), pk=pk)
        .select_related("department", "catalog_item", "interprets", "created_by", "published_by")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.select_related("file")))
        .first()
    )
    if row is None:
        raise NotFound("未找到该公开信息", code="disclosure_not_found")
    return row


def policy_choices(*, exclude_pk=None) -> list[Disclosure]:
    """Policy files an interpretation may point at (not withdrawn), newest first."""
    qs = Disclosure.objects.filter(column=Column.POLICY).exclude(status=Status.WITHDRAWN)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.select_related("department").order_by("-created_at", "-id")[:200])


def disclosure_catalog_items() -> list[Item]:
    return list(Item.objects.filter(category=Category.DISCLOSURE, status=Item.Status.ACTIVE).order_by("seq"))


# ------------------------------------------------------------------ yearly report (B3)


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz))


def proactive_disclosure_counts(*, year: int) -> dict:
    """主动公开 figures of ``year`` for the yearly report (国办公开办函〔2021〕30号, table 二).

    ``total``: records first published in the year (still published or later withdrawn:
    they were disclosed in that year). ``by_column``: the same by column label.
    ``rules`` / ``normative`` (规章 / 行政规范性文件): ``made`` first published in the
    year; ``repealed`` whose validity became 已废止 during the year; ``current`` first
    published by the year end and not repealed by then (and not withdrawn).
    """
    year = int(year)
    start, end = _year_bounds(year)
    year_end = dt.date(year, 12, 31)
    first_in_year = Disclosure.objects.filter(
        first_published_at__gte=start, first_published_at__lt=end,
    ).exclude(status__in=[Status.DRAFT, Status.PENDING, Status.SCHEDULED])
    by_column_rows = dict(first_in_year.values_list("column").annotate(n=Count("id")).values_list("column", "n"))
    kinds = {DocumentKind.RULE: "rules", DocumentKind.NORMATIVE: "normative"}
    policies = Disclosure.objects.filter(column=Column.POLICY, document_kind__in=list(kinds))
    repealed_in_year = Q(validity=Validity.REPEALED, validity_changed_on__gte=dt.date(year, 1, 1),
                         validity_changed_on__lte=year_end)
    not_repealed_by_end = ~Q(validity=Validity.REPEALED) | Q(validity_changed_on__gt=year_end)
    rows = policies.values("document_kind").annotate(
        made=Count("id", filter=Q(first_published_at__gte=start, first_published_at__lt=end)
                   & ~Q(status__in=[Status.DRAFT, Status.PENDING, Status.SCHEDULED])),
        repealed=Count("id", filter=repealed_in_year & Q(first_published_at__isnull=False)),
        current=Count("id", filter=Q(status=Status.PUBLISHED, first_published_at__lt=end) & not_repealed_by_end),
    )
    out_kinds = {name: {"made": 0, "repealed": 0, "current": 0} for name in kinds.values()}
    for row in rows:
        out_kinds[kinds[DocumentKind(row["document_kind"])]] = {
            "made": row["made"], "repealed": row["repealed"], "current": row["current"],
        }
    return {
        "total": sum(by_column_rows.values()),
        "by_column": {c.label: by_column_rows.get(c.value, 0) for c in Column},
        **out_kinds,
    }


# ------------------------------------------------------------------ search source


def _search_document(row: Disclosure):
    from zhengwu.core.registries.search import SearchDocument

    parts = [row.body_text]
    if row.document_number:
        parts.insert(0, row.document_number)
    if row.index_number:
        parts.insert(0, row.index_number)
    return SearchDocument(
        doc_type="disclosure",
        doc_id=str(row.pk),
        title=row.title,
        body="\n".join(p for p in parts if p),
        url=row.get_absolute_url(),
        published_at=row.first_published_at,
        department_code=row.department.code,
        department_name=row.department.name,
    )


def search_documents_all():
    for row in published().select_related("department").order_by("pk").iterator(chunk_size=500):
        yield _search_document(row)


def search_document_get(doc_id: str):
    pk = as_id(doc_id)
    if pk is None:
        return None
    row = published().select_related("department").filter(pk=pk).first()
    return _search_document(row) if row else None


def summary_of(row: Disclosure, length: int = 160) -> str:
    return text_excerpt(row.body_text, length)
