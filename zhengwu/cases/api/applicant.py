"""/api/v1/cases/: items one can apply for, submitting, my cases, the public status query."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Prefetch
from ninja import Field, Form, Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from zhengwu.catalog.models import ItemMaterial
from zhengwu.core.api_auth import applicant_auth, public_auth
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.openapi import error_responses
from zhengwu.core.page_cache import cached_public_page

from ..selectors import case_get_public
from ..selectors.apply import (
    CASE_NOT_FOUND,
    case_get_mine,
    case_list_mine,
    item_open_get,
    items_open_for_application,
)
from ..services.apply import case_apply, case_resubmit
from ..status_limit import LIMIT_MESSAGE, status_query_allowed

router = Router(tags=["办件申请"])

EXTRAS_FIELD = "extras"


class TooManyQueries(DomainError):
    status = 429


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100000, description="页码,从 1 开始")
    page_size: int = Field(20, ge=1, le=100, description="每页条数,最大 100")


class OpenItemFilter(PageParams):
    q: str | None = Field(None, max_length=100, description="关键词(事项名称或编号)")


class OpenItemMaterialOut(Schema):
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
    materials: list[OpenItemMaterialOut]


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
    version: int = Field(description="办件当前版本;补正提交时作为 expected_version")
    missing: list[str] = Field(description="待补正时须补正的全部材料(一次性告知),否则为空")
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


@decorate_view(cached_public_page)
@router.get("/items", response=OpenItemPage, auth=public_auth, summary="可申请的事项")
def open_items(request, filters: Query[OpenItemFilter]):
    qs = items_open_for_application(q=filters.q or "", online=True).prefetch_related(
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


@router.post("/submit", response={201: Receipt}, auth=applicant_auth, summary="提交申请(multipart)",
             openapi_extra=error_responses(404, 409))
def submit(
    request,
    item_code: str = Form(..., max_length=32, description="事项编号"),
    note: str = Form("", max_length=2000, description="申请事由/说明"),
    contact_phone: str = Form("", max_length=20, description="联系电话,留空则使用账户手机号"),
):
    """Files: one ``material_<id>`` field per material (ids from /items), optional ``extras`` (several)."""
    item = item_open_get(code=item_code, online=True)
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


def _missing(case) -> list[str]:
    return list((case.flags or {}).get("missing", [])) if case.status == "correction" else []


@router.get("/mine", response=MyCasePage, auth=applicant_auth, summary="我的办件")
def mine(request, params: Query[PageParams]):
    count, rows = _slice(case_list_mine(user=request.user), params)
    return {
        "count": count, "page": params.page, "page_size": params.page_size,
        "items": [
            {
                "receipt_no": c.receipt_no, "item_code": c.item.code, "item_name": c.item.name,
                "channel": c.channel, "status": c.status, "status_label": c.get_status_display(),
                "version": c.version, "missing": _missing(c), "current_step": c.current_step["name"], "submitted_at": c.submitted_at,
                "concluded_at": c.concluded_at, "due_on": c.clock.due_on if c.clock else None,
            }
            for c in rows
        ],
    }


@router.post(
    "/{receipt_no}/resubmit", response=MyCase, auth=applicant_auth, summary="补正材料(multipart)",
    openapi_extra={**error_responses(409), "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["expected_version"],
        "properties": {
            "expected_version": {"type": "integer", "description": "办件当前版本(我的办件中的 version);过期返回 409"},
            "note": {"type": "string", "description": "补正说明,最多 500 字"},
            "material_<id>": {"type": "string", "format": "binary", "description": "补正的事项材料,字段名同提交申请"},
            EXTRAS_FIELD: {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "其他补正材料"},
        },
    }}}}},
)
def resubmit(request, receipt_no: str):
    """Upload the corrected materials of a case awaiting correction (at least one file); the clocks run again."""
    # The case first: someone else's receipt number answers 404 whatever was sent.
    case = case_get_mine(user=request.user, receipt_no=receipt_no[:40])
    if case.applicant_id != request.user.pk:
        raise NotFound(CASE_NOT_FOUND, code="case_not_found")
    raw = request.POST.get("expected_version", "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ValidationFailed("请提供办件当前版本 expected_version(整数)", code="version_missing")
    materials = {}
    for m in case.item.materials.all():
        upload = request.FILES.get(f"material_{m.pk}")
        if upload:
            materials[m.pk] = upload
    case = case_resubmit(
        actor=request.user, case=case, expected_version=int(raw), materials=materials,
        extras=request.FILES.getlist(EXTRAS_FIELD), note=request.POST.get("note", "")[:2000],
    )
    return {
        "receipt_no": case.receipt_no, "item_code": case.item.code, "item_name": case.item.name,
        "channel": case.channel, "status": case.status, "status_label": case.get_status_display(),
        "version": case.version, "missing": _missing(case), "current_step": case.current_step["name"],
        "submitted_at": case.submitted_at, "concluded_at": case.concluded_at,
        "due_on": case.clock.due_on if case.clock else None,
    }


class StatusQueryIn(Schema):
    id_tail: str = Field(..., max_length=8, description="申请人证件号码后四位")


# POST with the tail in the body, not GET with it in the query string: URLs end up in
# access logs, proxy logs and browser history, and the tail is half of what opens a case.
@router.post("/{receipt_no}/status", response=PublicStatus, auth=public_auth, summary="办件进度查询(无需登录)",
             openapi_extra=error_responses(429))
def public_status(request, payload: StatusQueryIn, receipt_no: str = Path(..., max_length=40, description="受理编号")):
    if not status_query_allowed(request):
        raise TooManyQueries(LIMIT_MESSAGE, code="too_many_queries")
    s = case_get_public(receipt_no=receipt_no[:40], id_tail=payload.id_tail)
    return {
        "receipt_no": s.receipt_no, "item_name": s.item_name, "status": s.status, "status_label": s.status_label,
        "current_step": s.step_name, "submitted_at": s.submitted_at, "concluded_at": s.concluded_at,
        "expected_conclusion": s.expected_conclusion, "calendar_complete": s.calendar_complete,
        "steps": [{"action": t.action, "step_name": t.step_name, "at": t.at} for t in s.timeline],
    }
