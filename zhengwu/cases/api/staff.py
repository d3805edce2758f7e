"""/api/v1/staff/cases/: the handling inbox, a case's detail and its actions, for verified staff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from zhengwu.core.api_auth import staff_auth
from zhengwu.core.bounds import json_loads_bounded
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.openapi import ApiDate, error_responses

from .. import engine
from ..selectors.staff import (
    InboxFilters,
    case_detail_for_staff,
    case_inbox_list,
    inbox_cursor_parse,
)
from ..services.staff import case_act_as_staff

router = Router(tags=["办件办理(工作人员)"])

StatusParam = Literal["running", "correction", "suspended"]
ColourParam = Literal["normal", "yellow", "red", "suspended"]


class CaseInboxQuery(Schema):
    status: StatusParam | None = Field(None, description="状态:running 办理中 / correction 待补正 / suspended 特别程序中")
    item: str | None = Field(None, max_length=100, description="事项编号或名称的一部分")
    colour: ColourParam | None = Field(None, description="本环节时限:normal 正常 / yellow 预警 / red 超期 / suspended 暂停")
    q: str | None = Field(None, max_length=20, description="受理编号(部分匹配)")
    date_from: ApiDate | None = Field(None, description="提交日期起(含)")
    date_to: ApiDate | None = Field(None, description="提交日期止(含)")
    after: str | None = Field(None, max_length=40, description="翻页键:上一页返回的 next_after")


class ClockOut(Schema):
    due_on: date | None
    colour: str
    colour_label: str


class InboxRow(Schema):
    receipt_no: str
    item_code: str
    item_name: str
    department: str | None
    applicant_name: str
    status: str
    status_label: str
    step_key: str
    step_name: str
    step_clock: ClockOut
    case_clock: ClockOut
    submitted_at: datetime
    version: int


class CaseInboxPage(Schema):
    items: list[InboxRow]
    next_after: str | None


class ClockDetailOut(Schema):
    label: str
    due_on: date
    warn_on: date
    colour: str
    colour_label: str
    remaining_days: int | None
    suspended_days: int
    extended_days: int
    calendar_complete: bool


class CaseEventOut(Schema):
    seq: int
    action: str
    action_label: str
    step_name: str
    actor_name: str
    post: str
    reason: str
    details: list[str]
    at: datetime


class CaseFileOut(Schema):
    file_id: str
    material_name: str
    file_name: str
    size: int
    download_url: str


class CaseActionOut(Schema):
    action: str
    label: str


class CaseOut(Schema):
    receipt_no: str
    item_code: str
    item_name: str
    department: str | None
    applicant_name: str
    applicant_id_masked: str
    applicant_phone_masked: str
    channel: str
    status: str
    status_label: str
    step_index: int
    step_key: str
    step_name: str
    version: int
    flags: dict[str, Any]
    submitted_at: datetime
    concluded_at: datetime | None
    clocks: list[ClockDetailOut]
    timeline: list[CaseEventOut]
    materials: list[CaseFileOut]
    evidence: list[CaseFileOut] = Field(description="特别程序证明材料")
    missing_candidates: list[str]
    actions: list[CaseActionOut]
    transfer_targets: list[dict[str, Any]]


class CaseActionIn(Schema):
    action: str = Field(..., max_length=32, description="办理动作,如 accept / return / request_correction")
    expected_version: int = Field(..., ge=1, description="办件当前版本(详情中的 version);过期返回 409")
    reason: str = Field("", max_length=1000, description="理由;不予受理、退回、不予许可、特别程序、延期、转办必填")
    payload: dict[str, Any] = Field(
        default_factory=dict,
        description="动作内容:request_correction {missing: [材料]};suspend {kind: hearing|expert_review|testing};"
        "extend {days: n};transfer {to_user_id: id}",
    )


def _inbox_row(c) -> dict:
    return {
        "receipt_no": c.receipt_no, "item_code": c.item.code, "item_name": c.item.name,
        "department": c.item.department.name if c.item.department else None,
        "applicant_name": c.applicant.real_name or c.applicant.username,
        "status": c.status, "status_label": c.get_status_display(),
        "step_key": c.definition.steps[c.step_index]["key"], "step_name": c.step_name,
        "step_clock": {"due_on": c.step_clock.due_on if c.step_clock else None, "colour": c.step_colour, "colour_label": c.step_colour_label},
        "case_clock": {"due_on": c.clock.due_on if c.clock else None, "colour": c.case_colour, "colour_label": c.case_colour_label},
        "submitted_at": c.submitted_at, "version": c.version,
    }


@router.get("/inbox", response=CaseInboxPage, auth=staff_auth, summary="待办件列表", url_name="staff_case_inbox")
def inbox(request, filters: Query[CaseInboxQuery]):
    """Cases waiting at a step of the caller's posts, most urgent first, paged by key."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationFailed("开始日期不能晚于结束日期", code="date_range_invalid")
    try:
        after = inbox_cursor_parse(filters.after) if filters.after else None
    except ValueError:
        raise ValidationFailed("翻页参数无效,请从第一页重新查询", code="cursor_invalid") from None
    page = case_inbox_list(user=request.auth, filters=InboxFilters(
        status=filters.status, item=filters.item, colour=filters.colour, receipt=filters.q,
        date_from=filters.date_from, date_to=filters.date_to, after=after,
    ))
    return {"items": [_inbox_row(c) for c in page.rows], "next_after": page.next_after}


def _file_out(m) -> dict:
    return {
        "file_id": m.file_id, "material_name": m.material_name, "file_name": m.file_name, "size": m.size,
        "download_url": reverse("core:file_download", kwargs={"file_id": m.file_id}),
    }


def _case_out(request, receipt_no: str) -> dict:
    d = case_detail_for_staff(user=request.auth, receipt_no=receipt_no)
    c = d.case
    return {
        "receipt_no": c.receipt_no, "item_code": c.item.code, "item_name": c.item.name,
        "department": c.item.department.name if c.item.department else None,
        "applicant_name": d.applicant_name, "applicant_id_masked": d.applicant_id_masked,
        "applicant_phone_masked": d.applicant_phone_masked, "channel": c.channel,
        "status": c.status, "status_label": c.get_status_display(), "step_index": c.step_index,
        "step_key": d.step["key"], "step_name": d.step["name"], "version": c.version,
        # The undo record names another person's id: the caller learns only whether it can withdraw.
        "flags": {k: v for k, v in (c.flags or {}).items() if k != "undo"},
        "submitted_at": c.submitted_at, "concluded_at": c.concluded_at,
        "clocks": [vars(k) for k in d.clocks],
        "timeline": [
            {"seq": e.seq, "action": e.action, "action_label": e.action_label, "step_name": e.step_name,
             "actor_name": e.actor_name, "post": e.post_label, "reason": e.reason, "details": e.details, "at": e.at}
            for e in d.timeline
        ],
        "materials": [_file_out(m) for m in d.materials],
        "evidence": [_file_out(m) for m in d.evidence],
        "missing_candidates": d.item_materials,
        "actions": [{"action": a, "label": engine.ACTION_LABELS[a]} for a in d.actions],
        "transfer_targets": [{"user_id": uid, "name": name} for uid, name in d.transfer_targets],
    }


@router.get("/{receipt_no}", response=CaseOut, auth=staff_auth, summary="办件详情", url_name="staff_case_detail")
def detail(request, receipt_no: str):
    """A case the caller may see (404 otherwise, the same as an unknown number)."""
    return _case_out(request, receipt_no)


EVIDENCE_FIELD = "evidence"

_MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["action", "expected_version"],
    "properties": {
        "action": {"type": "string", "description": "办理动作,如 suspend"},
        "expected_version": {"type": "integer", "description": "办件当前版本"},
        "reason": {"type": "string", "description": "理由"},
        "payload": {"type": "string", "description": "动作内容的 JSON 文本,如 {\"kind\": \"hearing\"}"},
        EVIDENCE_FIELD: {
            "type": "array", "items": {"type": "string", "format": "binary"},
            "description": "特别程序(suspend)的证明材料,至少一份;其他动作不接受文件",
        },
    },
}


def _action_body(request) -> tuple[CaseActionIn | None, list]:
    """Read the action as JSON or as multipart/form-data (a suspension's evidence files need the latter)."""
    if request.content_type == "multipart/form-data":
        post = request.POST
        if not post and not request.FILES:
            return None, []
        raw = {k: post[k] for k in ("action", "expected_version", "reason") if k in post}
        if post.get("payload", "").strip():
            try:
                raw["payload"] = json_loads_bounded(post["payload"])
            except ValidationFailed as exc:
                if exc.code != "json_invalid":
                    raise
                raise ValidationFailed("payload 须为 JSON 对象文本", code="payload_invalid") from None
        files = request.FILES.getlist(EVIDENCE_FIELD)
    else:
        if not request.body.strip():
            return None, []
        raw = json_loads_bounded(request.body)
        files = []
    if not isinstance(raw, dict):
        raise ValidationFailed("请求内容须为 JSON 对象", code="body_invalid")
    try:
        return CaseActionIn.model_validate(raw), files
    except PydanticValidationError as exc:
        # The API's handler words these in Chinese, as for any other operation.
        raise NinjaValidationError([dict(e, loc=("body", *e["loc"])) for e in exc.errors()]) from None


@router.post(
    "/{receipt_no}/actions", response=CaseOut, auth=staff_auth, summary="办理动作", url_name="staff_case_act",
    openapi_extra={**error_responses(409), "requestBody": {"required": True, "content": {
        "application/json": {"schema": CaseActionIn.model_json_schema()},
        "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
    }}},
)
def act(request, receipt_no: str):
    """Apply an action; 409 when ``expected_version`` is stale, 403 with the reason when refused.

    JSON for every action; multipart/form-data when a suspension (``suspend``) uploads its
    evidence files in the ``evidence`` field (at least one is required).
    """
    body, evidence = _action_body(request)
    if body is None:
        # Checked after visibility, so an unknown case answers 404 whatever was sent.
        case_detail_for_staff(user=request.auth, receipt_no=receipt_no)
        raise ValidationFailed("请提供办理动作和办件版本", code="action_required")
    case_act_as_staff(
        actor=request.auth, receipt_no=receipt_no, action=body.action, expected_version=body.expected_version,
        reason=body.reason, payload=body.payload, evidence=evidence,
    )
    return _case_out(request, receipt_no)
