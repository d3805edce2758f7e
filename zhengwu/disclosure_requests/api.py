"""/api/v1/disclosure-requests/: requesters file and follow requests, officers act, anyone reads published reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from zhengwu.core.api_auth import StaffSessionAuth, applicant_auth, public_auth
from zhengwu.core.clock import clock_colour
from zhengwu.core.errors import NotFound
from zhengwu.core.openapi import MAX_OBJECT_ID, error_responses
from zhengwu.core.page_cache import cached_public_page
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from . import selectors, services
from .selectors import report as selectors_report
from .codes import OUTCOMES, RequesterSubtype
from .models import DisclosureRequest

router = Router(tags=["依申请公开"])
officer_auth = StaffSessionAuth(roles=[Role.DISCLOSURE_OFFICER, Role.DEPARTMENT_HEAD])


class RequestIn(Schema):
    # Strings stay strings where the service checks them and answers in Chinese (400); the
    # schema declares the values it accepts.
    department_id: int = Field(ge=1, le=MAX_OBJECT_ID, description="受理机关编号")
    description: str = Field(description="所需政府信息的内容描述")
    contact_phone: str = Field(description="联系电话")
    purpose: str = ""
    form: str = Field(DisclosureRequest.Form.ELECTRONIC, json_schema_extra={"enum": DisclosureRequest.Form.values},
                      description="获取信息的载体形式")
    requester_subtype: str = Field("", json_schema_extra={"enum": ["", *RequesterSubtype.values]},
                                   description="法人或其他组织的类型;个人留空")


class RequestEventOut(Schema):
    kind: str
    label: str
    at: datetime
    note: str
    due_on: date | None


class RequestFileOut(Schema):
    id: str
    name: str
    url: str


class RequestOut(Schema):
    receipt_no: str
    status: str
    status_label: str
    department: str
    requester_type: str
    requester_label: str
    description: str
    purpose: str
    form: str
    received_on: date
    due_on: date | None
    extension: str
    outcome: str
    outcome_label: str
    reply_text: str
    replied_on: date | None
    timeline: list[RequestEventOut]
    reply_files: list[RequestFileOut]


class StaffRequestOut(RequestOut):
    requester_name: str
    contact_phone_masked: str
    channel: str
    colour: str
    officer: str | None


class RequestSummary(Schema):
    receipt_no: str
    status: str
    status_label: str
    department: str
    received_on: date
    due_on: date | None
    outcome_label: str


REQUEST_ACTIONS = ["register", "correction_request", "correction_supply", "consultation_start", "consultation_end",
                   "extension_request", "extension_approve", "extension_refuse", "reply"]


class RequestActionIn(Schema):
    action: str = Field(json_schema_extra={"enum": REQUEST_ACTIONS}, description="办理动作;其他取值返回 400")
    note: str = ""
    outcome: str = ""
    text: str = ""


class AnnualReportOut(Schema):
    year: int
    title: str
    published_at: datetime
    overview: str
    problems: str
    other_matters: str
    figures: dict[str, Any] = Field(description="年度报告统计表(国办公开办函〔2021〕30号格式),按表分组")


class RequestInboxQuery(Schema):
    status: str = Field("open", max_length=20, description="open 在办(默认)/ all 全部 / 按状态筛选",
                        json_schema_extra={"enum": ["open", "all", *DisclosureRequest.Status.values]})


class OutcomeOut(Schema):
    code: str
    category: str
    label: str


def _files(req) -> list[dict]:
    return [
        {"id": str(f.pk), "name": f.original_name, "url": reverse("core:file_download", kwargs={"file_id": f.pk})}
        for f in selectors.request_files(request=req)["reply"]
    ]


def _out(req: DisclosureRequest, *, for_requester: bool) -> dict:
    data = {
        "receipt_no": req.receipt_no, "status": req.status, "status_label": req.get_status_display(),
        "department": req.department.name, "requester_type": req.requester_type,
        "requester_label": req.requester_type_label, "description": req.description, "purpose": req.purpose,
        "form": req.form, "received_on": req.received_on, "due_on": selectors.request_due_on(req),
        "extension": req.extension, "outcome": req.outcome, "outcome_label": req.outcome_label,
        "reply_text": req.reply_text, "replied_on": req.replied_on,
        "timeline": [
            {"kind": e.kind, "label": e.get_kind_display(), "at": e.created_at, "note": e.note, "due_on": e.due_on}
            for e in selectors.request_timeline(request=req, for_requester=for_requester)
        ],
        "reply_files": _files(req),
    }
    if not for_requester:
        data.update({
            "requester_name": req.requester_name, "contact_phone_masked": req.contact_phone_masked,
            "channel": req.channel,
            "colour": clock_colour(req.clock, timezone.localdate()) if req.is_open else "stopped",
            "officer": str(req.officer) if req.officer_id else None,
        })
    return data


def _summary(req) -> dict:
    return {
        "receipt_no": req.receipt_no, "status": req.status, "status_label": req.get_status_display(),
        "department": req.department.name, "received_on": req.received_on,
        "due_on": selectors.request_due_on(req), "outcome_label": req.outcome_label,
    }


@decorate_view(cached_public_page)
@router.get("/outcomes", response=list[OutcomeOut], auth=public_auth, summary="处理结果分类(年度报告口径)")
def outcomes(request):
    return [{"code": o.code, "category": o.category.label, "label": o.full_label} for o in OUTCOMES]


@router.post("/submit", response={201: RequestOut}, auth=applicant_auth, summary="提交政府信息公开申请",
             openapi_extra=error_responses(404, 409))
def submit(request, payload: RequestIn):
    department = Unit.objects.filter(pk=payload.department_id).first()
    req = services.request_submit(
        actor=request.auth, department=department, description=payload.description,
        contact_phone=payload.contact_phone, purpose=payload.purpose, form=payload.form,
        requester_subtype=payload.requester_subtype,
    )
    req = selectors.request_get_for_applicant(user=request.auth, receipt_no=req.receipt_no)
    return 201, _out(req, for_requester=True)


@router.get("/mine", response=list[RequestSummary], auth=applicant_auth, summary="我的申请")
def mine(request):
    return [_summary(r) for r in selectors.request_list_for_applicant(user=request.auth)]


@router.get("/staff/inbox", response=list[RequestSummary], auth=officer_auth, summary="本机关待办申请")
def inbox(request, params: Query[RequestInboxQuery]):
    return [_summary(r) for r in selectors.request_inbox(user=request.auth, status=params.status)]


@router.get("/staff/{receipt_no}", response=StaffRequestOut, auth=officer_auth, summary="申请详情(工作人员)")
def staff_detail(request, receipt_no: str):
    req = selectors.request_get_for_staff(user=request.auth, receipt_no=receipt_no)
    return _out(req, for_requester=False)


@router.post("/staff/{receipt_no}/actions", response=StaffRequestOut, auth=officer_auth, summary="办理申请",
             openapi_extra=error_responses(409))
def staff_act(request, receipt_no: str, payload: RequestActionIn):
    req = selectors.request_get_for_staff(user=request.auth, receipt_no=receipt_no)
    services.request_act(actor=request.auth, req=req, action=payload.action, data=payload.dict())
    req = selectors.request_get_for_staff(user=request.auth, receipt_no=receipt_no)
    return _out(req, for_requester=False)


@decorate_view(cached_public_page)
@router.get("/reports/{year}", auth=public_auth, response=AnnualReportOut, summary="已发布的政府信息公开工作年度报告")
def report(request, year: int = Path(..., ge=1900, le=2199, description="报告年度")):
    found = selectors_report.published_report_get(year=year)
    if found is None:
        raise NotFound("该年度报告尚未发布", code="report_not_found")
    doc = selectors_report.report_document(found)
    return {
        "year": doc["year"], "title": doc["title"], "published_at": found.published_at,
        "overview": doc["overview"], "problems": doc["problems"], "other_matters": doc["other_matters"],
        "figures": doc["figures"],
    }


@router.get("/{receipt_no}", response=RequestOut, auth=applicant_auth, summary="我的申请详情")
def detail(request, receipt_no: str):
    return _out(selectors.request_get_for_applicant(user=request.auth, receipt_no=receipt_no), for_requester=True)
