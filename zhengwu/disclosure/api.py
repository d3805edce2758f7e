"""/api/v1/disclosure/: published records, read-only and public."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from zhengwu.core.api_auth import public_auth
from zhengwu.core.errors import NotFound
from zhengwu.core.openapi import ObjectId
from zhengwu.core.page_cache import cached_public_page

from . import selectors
from .models import Column, Disclosure

router = Router(tags=["政府信息公开"])

class DisclosureFilter(Schema):
    column: Column | None = Field(None, description="栏目:news 新闻动态 / notice 通知公告 / policy 政策文件 / ...")
    department: str | None = Field(None, max_length=32, description="发布部门机构代码")
    item: str | None = Field(None, max_length=32, description="公开目录事项编号,如 GK001")
    page: int = Field(1, ge=1, le=100000, description="页码,从 1 开始")
    page_size: int = Field(20, ge=1, le=100, description="每页条数,最大 100")


class DisclosureSummary(Schema):
    id: int
    title: str
    index_number: str
    column: str
    column_name: str
    department: str
    department_code: str
    issuing_body: str
    document_number: str
    published_at: datetime
    validity: str
    validity_name: str
    url: str


class DisclosurePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[DisclosureSummary]


class AttachmentOut(Schema):
    name: str
    url: str
    size: int
    kind: str


class LinkOut(Schema):
    id: int
    title: str
    url: str


class DisclosureDetail(DisclosureSummary):
    document_kind: str
    document_kind_name: str
    catalog_item: str | None
    catalog_item_name: str | None
    written_on: date | None
    revised_at: datetime | None
    validity_changed_on: date | None
    validity_note: str
    body_html: str
    body_text: str
    attachments: list[AttachmentOut]
    interprets: LinkOut | None
    interpretations: list[LinkOut]


def _summary(row: Disclosure) -> dict:
    return {
        "id": row.pk,
        "title": row.title,
        "index_number": row.index_number or "",
        "column": row.column,
        "column_name": row.get_column_display(),
        "department": row.department.name,
        "department_code": row.department.code,
        "issuing_body": row.issuing_body,
        "document_number": row.document_number,
        "published_at": row.first_published_at,
        "validity": row.validity,
        "validity_name": row.get_validity_display(),
        "url": row.get_absolute_url(),
    }


def _link(row: Disclosure) -> dict:
    return {"id": row.pk, "title": row.title, "url": row.get_absolute_url()}


@decorate_view(cached_public_page)
@router.get("/items", auth=public_auth, response=DisclosurePage, summary="已发布的公开信息列表")
def items_list(request, filters: Query[DisclosureFilter]):
    department = item = None
    try:
        if filters.department:
            department = selectors.department_get_public(code=filters.department)
        if filters.item:
            item = selectors.catalog_item_get_public(code=filters.item)
    except NotFound:
        # An unknown filter value matches nothing; it is not an error of the request.
        return {"count": 0, "page": filters.page, "page_size": filters.page_size, "items": []}
    qs = selectors.disclosure_list_public(column=filters.column, department=department, catalog_item=item)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    rows = list(qs[start:start + filters.page_size])
    return {"count": count, "page": filters.page, "page_size": filters.page_size, "items": [_summary(r) for r in rows]}


@decorate_view(cached_public_page)
@router.get("/items/{disclosure_id}", auth=public_auth, response=DisclosureDetail, summary="公开信息详情")
def items_detail(request, disclosure_id: ObjectId):
    row = selectors.disclosure_get_public(pk=disclosure_id)  # NotFound → 404 for unpublished or absent
    return {
        **_summary(row),
        "document_kind": row.document_kind,
        "document_kind_name": row.get_document_kind_display() if row.document_kind else "",
        "catalog_item": row.catalog_item.code if row.catalog_item_id else None,
        "catalog_item_name": row.catalog_item.name if row.catalog_item_id else None,
        "written_on": row.written_on,
        "revised_at": row.revised_at,
        "validity_changed_on": row.validity_changed_on,
        "validity_note": row.validity_note,
        "body_html": row.body_html,
        "body_text": row.body_text,
        "attachments": [
            {"name": a.name, "url": reverse("disclosure:attachment", args=[a.file_id]), "size": a.file.size, "kind": a.file.kind}
            for a in row.attachments.all() if selectors.attachment_public(a)
        ],
        "interprets": _link(row.public_policy) if row.public_policy else None,
        "interpretations": [_link(i) for i in row.published_interpretations],
    }
