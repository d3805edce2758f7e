"""/api/v1/catalog/: the public catalog (事项目录), read-only."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from zhengwu.core.api_auth import public_auth
from zhengwu.core.page_cache import cached_public_page

from . import selectors
from .models import Item

router = Router(tags=["事项目录"])

CategoryParam = Literal["disclosure", "power", "convenience"]


class CatalogItemFilter(Schema):
    category: CategoryParam | None = Field(None, description="类别:disclosure 公开 / power 职权 / convenience 便民")
    work_area: str | None = Field(None, max_length=100, description="工作领域代码或名称")
    department: str | None = Field(None, max_length=32, description="实施部门机构代码")
    q: str | None = Field(None, max_length=100, description="关键词(匹配事项名称或内容)")
    page: int = Field(1, ge=1, le=100000, description="页码,从 1 开始")
    page_size: int = Field(20, ge=1, le=100, description="每页条数,最大 100")


class ItemSummary(Schema):
    code: str
    category: str
    category_name: str
    work_area: str
    work_area_code: str
    seq: int
    name: str
    department: str | None
    department_code: str | None
    status: str


class ItemPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ItemSummary]


class ItemMaterialOut(Schema):
    seq: int
    name: str
    form: str
    form_name: str
    originals: int
    copies: int
    required: bool
    note: str


class ItemDetail(ItemSummary):
    status_name: str
    source: str
    source_name: str
    content: str
    retired_at: datetime | None
    retire_reason: str
    basic_code: str
    implementation_code: str
    business_code: str
    exercise_level: str
    implementing_body: str
    legal_basis: str
    acceptance_conditions: str
    statutory_limit_days: int | None
    promised_limit_days: int | None
    handling_type: str
    handling_type_name: str
    fees: str
    fee_basis: str
    place: str
    hours: str
    visits_required: int | None
    online_application: bool
    consultation_phone: str
    supervision_phone: str
    online_depth: str = Field(description="网办深度:disclosure 信息公开 / appointment 在线预约 / apply 在线申请 / full 全程网办;空为暂未公布")
    online_open: bool = Field(description="是否可在线申请(已开通且已公布申请材料清单)")
    audience: str = Field(description="服务对象:person 个人 / legal 法人 / both 个人和法人;空为未分类")
    life_events: list[str] = Field(description="人生事件代码")
    township_level: bool = Field(description="可在乡镇(街道)便民服务中心受理")
    materials: list[ItemMaterialOut]


class WorkAreaOut(Schema):
    code: str
    category: str
    category_name: str
    name: str
    seq: int
    department: str | None
    department_code: str | None
    item_count: int


def _summary(item: Item) -> dict:
    return {
        "code": item.code,
        "category": item.category,
        "category_name": item.get_category_display(),
        "work_area": item.work_area.name,
        "work_area_code": item.work_area.code,
        "seq": item.seq,
        "name": item.name,
        "department": item.department.name if item.department_id else None,
        "department_code": item.department.code if item.department_id else None,
        "status": item.status,
    }


@decorate_view(cached_public_page)
@router.get("/items", auth=public_auth, response=ItemPage, summary="事项列表", url_name="catalog_items")
def items_list(request, filters: Query[CatalogItemFilter]):
    qs = selectors.item_list(
        category=filters.category, work_area=filters.work_area, department=filters.department, q=filters.q,
    )
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    rows = list(qs[start : start + filters.page_size]) if start < count else []
    return {"count": count, "page": filters.page, "page_size": filters.page_size, "items": [_summary(i) for i in rows]}


@decorate_view(cached_public_page)
@router.get("/items/{code}", auth=public_auth, response=ItemDetail, summary="事项详情(实施清单)", url_name="catalog_item")
def items_get(request, code: str = Path(..., max_length=32, description="事项编号,如 QL017")):
    item = selectors.item_get(code=code)
    materials = [
        {
            "seq": m.seq, "name": m.name, "form": m.form, "form_name": m.get_form_display(),
            "originals": m.originals, "copies": m.copies, "required": m.required, "note": m.note,
        }
        for m in item.materials.all()
    ]
    data = _summary(item)
    data.update(
        status_name=item.get_status_display(),
        source=item.source,
        source_name=item.get_source_display(),
        handling_type_name=item.get_handling_type_display() if item.handling_type else "",
        materials=materials,
        online_open=item.online_open,
        life_events=[e.code for e in item.life_events.all()],
        **{name: getattr(item, name) for name in (
            "content", "retired_at", "retire_reason", "basic_code", "implementation_code", "business_code",
            "exercise_level", "implementing_body", "legal_basis", "acceptance_conditions",
            "statutory_limit_days", "promised_limit_days", "handling_type", "fees", "fee_basis", "place",
            "hours", "visits_required", "online_application", "consultation_phone", "supervision_phone",
            "online_depth", "audience", "township_level",
        )},
    )
    return data


@decorate_view(cached_public_page)
@router.get("/work-areas", auth=public_auth, response=list[WorkAreaOut], summary="工作领域列表", url_name="catalog_work_areas")
def work_areas_list(request, category: CategoryParam | None = None):
    return [
        {
            "code": a.code,
            "category": a.category,
            "category_name": a.get_category_display(),
            "name": a.name,
            "seq": a.seq,
            "department": a.department.name if a.department_id else None,
            "department_code": a.department.code if a.department_id else None,
            "item_count": a.item_count,
        }
        for a in selectors.work_area_list(category=category)
    ]
