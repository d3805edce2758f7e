"""/api/v1/cases/: items one can apply for, submitting, my cases, the public status query."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Prefetch
from ninja import Field, Form, Query, Router, Schema, Status

from zhengwu.catalog.models import ItemMaterial
from zhengwu.core.api_auth import applicant_auth, public_auth
from zhengwu.core.errors import DomainError

from .selectors import case_get_public
from .selectors_apply import case_list_mine, item_open_get, items_open_for_application
from .services_apply import case_apply
from .status_limit import LIMIT_MESSAGE, status_query_allowed

router = Router(tags=["办件申请"])

EXTRAS_FIELD = "extras"


class TooManyQueries(DomainError):
    status = 429


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100000, description="页码,从 1 开始")
    page_size: int = Field(20, ge=1, le=100, description="每页条数,最大 100")


class ItemFilter(PageParams):
    q: str | None = Field(None, max_length=100, description="关键词(事项名称或编号)")


class MaterialOut(Schema):
    id: int = Field(description="上传时的字段名为 material_<id>")
    seq: int
    name: str
    required: bool
    note: str


class OpenItem(Schema):
    code: str
    name: str
    category: str
    department: str | None
    promised_limit_days: int | None
    materials: list[MaterialOut]


class OpenItemPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[OpenItem]


class Receipt(Schema):
    receipt_no: str = Field(description="受理编号")
    due_on: date | None = Field(description="预计办结日期")
    calendar_complete: bool


class MyCase(Schema):
    receipt_no: str
    item_code: str
    item_name: str
    channel: str
    status: str
    status_label: str
    current_step: str
    submitted_at: datetime
    concluded_at: datetime | None
    due_on: date | None


class MyCasePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[MyCase]


class StepOut(Schema):
    action: str
    step_name: str
    at: datetime


class PublicStatus(Schema):
    receipt_no: str
    item_name: str
    status: str
    status_label: str
    current_step: str
    submitted_at: datetime
    concluded_at: datetime | None
    expected_conclusion: date | None
    calendar_complete: bool
    steps: list[StepOut]


def _slice(qs, params: PageParams):
    start = (params.page - 1) * params.page_size
    return qs.count(), list(qs[start:start + params.page_size])


@router.get("/items", response=OpenItemPage, auth=public_auth, summary="可申请的事项")
def open_items(request, filters: Query[ItemFilter]):
    qs = items_open_for_application(q=filters.q or "").prefetch_related(
        Prefetch("materials", queryset=ItemMaterial.objects.order_by("seq"))
    )
    count, rows = _slice(qs, filters)
    return {
        "count": count, "page": filters.page, "page_size": filters.page_size,
        "items": [
            {
                "code": i.code, "name": i.name, "category": i.category,
                "department": i.department.name if i.department else None,
                "promised_limit_days": i.promised_limit_days,
                "materials": [
                    {"id": m.pk, "seq": m.seq, "name": m.name, "required": m.required, "note": m.note}
                    for m in i.materials.all()
                ],
            }
            for i in rows
        ],
    }


@router.post("/submit", response={201: Receipt}, auth=applicant_auth, summary="提交申请(multipart)")
def submit(
    request,
    item_code: str = Form(..., max_length=32, description="事项编号"),
    note: str = Form("", max_length=2000, description="申请事由/说明"),
    contact_phone: str = Form("", max_length=20, description="联系电话,留空则使用账户手机号"),
):
    """Files: one ``material_<id>`` field per material (ids from /items), optional ``extras`` (several)."""
    item = item_open_get(code=item_code)
    materials = {}
    for m in item.materials.all():
        upload = request.FILES.get(f"material_{m.pk}")
        if upload:
            materials[m.pk] = upload
    case = case_apply(
        actor=request.user, item=item, applicant=request.user, note=note,
        contact_phone=contact_phone or request.user.phone, materials=materials,
        extras=request.FILES.getlist(EXTRAS_FIELD),
    )
    return Status(201, {"receipt_no": case.receipt_no, "due_on": case.clock.due_on, "calendar_complete": case.clock.calendar_complete})


@router.get("/mine", response=MyCasePage, auth=applicant_auth, summary="我的办件")
def mine(request, params: Query[PageParams]):
    count, rows = _slice(case_list_mine(user=request.user), params)
    return {
        "count": count, "page": params.page, "page_size": params.page_size,
        "items": [
            {
                "receipt_no": c.receipt_no, "item_code": c.item.code, "item_name": c.item.name,
                "channel": c.channel, "status": c.status, "status_label": c.get_status_display(),
                "current_step": c.current_step["name"], "submitted_at": c.submitted_at,
                "concluded_at": c.concluded_at, "due_on": c.clock.due_on if c.clock else None,
            }
            for c in rows
        ],
    }


@router.get("/{receipt_no}/status", response=PublicStatus, auth=public_auth, summary="办件进度查询(无需登录)")
def public_status(request, receipt_no: str, id_tail: str = Query(..., max_length=8, description="申请人证件号码后四位")):
    if not status_query_allowed(request):
        raise TooManyQueries(LIMIT_MESSAGE, code="too_many_queries")
    s = case_get_public(receipt_no=receipt_no[:40], id_tail=id_tail)
    return {
        "receipt_no": s.receipt_no, "item_name": s.item_name, "status": s.status, "status_label": s.status_label,
        "current_step": s.step_name, "submitted_at": s.submitted_at, "concluded_at": s.concluded_at,
        "expected_conclusion": s.expected_conclusion, "calendar_complete": s.calendar_complete,
        "steps": [{"action": t.action, "step_name": t.step_name, "at": t.at} for t in s.timeline],
    }
