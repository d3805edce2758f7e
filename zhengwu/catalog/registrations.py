"""Catalog items (办事事项) as search documents."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from zhengwu.core.registries.search import SearchDocument


def _queryset():
    from .models import Item

    return (
        Item.objects.filter(status=Item.Status.ACTIVE)
        .select_related("department", "work_area", "work_area__department")
        .prefetch_related("materials")
    )


def _document(item) -> SearchDocument:
    department = item.department or item.work_area.department
    materials = "；".join(m.name for m in item.materials.all())
    parts = [
        item.content,
        f"工作领域:{item.work_area.name}" if item.work_area_id else "",
        f"受理条件:{item.acceptance_conditions}" if item.acceptance_conditions else "",
        f"申请材料:{materials}" if materials else "",
        f"实施主体:{item.implementing_body}" if item.implementing_body else "",
        f"办理地点:{item.place}" if item.place else "",
        f"设定依据:{item.legal_basis}" if item.legal_basis else "",
    ]
    # An item has no publication date; its last change stands in (date sort, date filter).
    published = item.updated_at or item.created_at or timezone.make_aware(dt.datetime(2000, 1, 1))
    return SearchDocument(
        doc_type="item",
        doc_id=item.code,
        title=item.name,
        body="\n".join(p for p in parts if p),
        url=reverse("portal:item", args=[item.code]),
        published_at=published,
        department_code=department.code if department else "",
        department_name=department.name if department else "",
    )


def item_iter_all():
    for item in _queryset().order_by("pk").iterator(chunk_size=500):
        yield _document(item)


def item_get_one(code: str) -> SearchDocument | None:
    item = _queryset().filter(code=code).first()
    return _document(item) if item is not None else None
