"""/api/v1/letters/: submit and read one's letters (applicants), query by code (public),
published replies and statistics (public), the staff inbox, detail and actions.

``/api/v1/letters/route-suggestion`` belongs to the routing app (mounted on the same prefix).
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from zhengwu.core import request_context
from zhengwu.core.api_auth import StaffSessionAuth, applicant_auth, public_auth
from zhengwu.core.bounds import json_loads_bounded
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.openapi import ObjectId, error_responses
from zhengwu.core.page_cache import cached_public_page

from . import posts, selectors, services
from zhengwu.core.ratelimit import rate_limit_check

from .models import Category, Channel, Letter
from .views import QUERY_RATE

router = Router(tags=["信件与信访"])
letters_staff_auth = StaffSessionAuth(roles=posts.STAFF_ROLES)


class LetterSubmitIn(Schema):
    channel: str = Field(description="county_head / department / petition / consultation / complaint / suggestion / report",
                         json_schema_extra={"enum": Channel.values})
    category: str = Field(description="类别代码,如 labour、environment", json_schema_extra={"enum": Category.values})
    title: str = Field(max_length=2000)
    body: str = Field(max_length=40000)
    township: str | None = Field(None, max_length=64, description="乡镇(街道)机构代码")
    addressed_to: str | None = Field(None, max_length=64, description="部门信箱的部门机构代码")
    publish_consent: bool = False
    anonymous: bool = False


class LetterReceipt(Schema):
    query_code: str = Field(description="查询码")
    status: str
    received_at: datetime


class LetterEventOut(Schema):
    at: datetime
    label: str
    note: str


class PublicLetterOut(Schema):
    query_code: str
    title: str
    channel: str
    channel_label: str
    status: str
    status_label: str
    received_at: datetime
    department: str | None
    events: list[LetterEventOut]
    reply: str | None
    reply_unit: str | None
    replied_at: datetime | None


class MyLetterOut(Schema):
    query_code: str
    title: str
    channel: str
    category: str
    status: str
    status_label: str
    received_at: datetime
    replied_at: datetime | None
    satisfaction: str


def _public(letter: Letter, *, with_notes: bool = True) -> dict:
    reply = selectors.approved_reply(letter) if letter.status in (Letter.Status.REPLIED, Letter.Status.CLOSED) else None
    return {
        "query_code": letter.query_code, "title": letter.title, "channel": letter.channel,
        "channel_label": letter.get_channel_display(), "status": letter.status,
        "status_label": letter.get_status_display(), "received_at": letter.received_at,
        "department": letter.department.name if letter.department_id else None,
        "events": [{"at": e.created_at, "label": e.label, "note": e.note if with_notes else ""}
                   for e in selectors.timeline(letter, public_only=True)],
        "reply": reply.body if reply else None,
        "reply_unit": reply.unit.name if reply else None,
        "replied_at": reply.decided_at if reply else None,
    }


@router.post("/submit", response={201: LetterReceipt}, auth=applicant_auth, summary="提交信件(实名)",
             openapi_extra=error_responses(409, 429))
def submit(request, payload: LetterSubmitIn):
    letter = services.letter_submit(
        actor=request.user, channel=payload.channel, category=payload.category, title=payload.title,
        body=payload.body, township=payload.township, addressed_to=payload.addressed_to,
        publish_consent=payload.publish_consent, anonymous=payload.anonymous, ip=request_context.current().ip,
    )
    return Status(201, {"query_code": letter.query_code, "status": letter.status, "received_at": letter.received_at})


@router.get("/mine", response=list[MyLetterOut], auth=applicant_auth, summary="我的信件")
def mine(request):
    return [
        {"query_code": x.query_code, "title": x.title, "channel": x.channel, "category": x.category,
         "status": x.status, "status_label": x.get_status_display(), "received_at": x.received_at,
         "replied_at": x.replied_at, "satisfaction": x.satisfaction}
        for x in selectors.letters_of_writer(user=request.user)
    ]


@router.get("/query/{code}", response=PublicLetterOut, auth=public_auth, summary="凭查询码查询信件",
            openapi_extra=error_responses(429))
def query(request, code: str = Path(..., max_length=32, description="查询码")):
    rate_limit_check(key=f"letters:query:ip:{request_context.current().ip or 'unknown'}",
                     limit=QUERY_RATE[0], window_seconds=QUERY_RATE[1])
    return _public(selectors.letter_by_code(code))


class PublishedOut(Schema):
    id: int
    title: str
    category: str
    category_label: str
    department: str | None
    received_on: date
    replied_on: date | None
    published_at: datetime
    body: str
    reply: str


class PublishedQuery(Schema):
    page: int = Field(1, ge=1, le=10000)
    category: str = Field("", max_length=32)


@decorate_view(cached_public_page)
@router.get("/published", response=list[PublishedOut], auth=public_auth, summary="已公开的信件答复")
def published(request, params: Query[PublishedQuery]):
    rows, _ = selectors.published_list(page=params.page, category=params.category)
    from django.utils import timezone

    return [
        {"id": p.pk, "title": p.title, "category": p.letter.category, "category_label": p.letter.get_category_display(),
         "department": p.letter.department.name if p.letter.department_id else None,
         "received_on": timezone.localdate(p.letter.received_at),
         "replied_on": timezone.localdate(p.letter.replied_at) if p.letter.replied_at else None,
         "published_at": p.published_at, "body": p.body, "reply": p.reply}
        for p in rows
    ]


class MonthOut(Schema):
    month: str
    received: int
    replied: int
    on_time: int
    on_time_rate: float | None
    rated: int
    satisfied: int
    basic: int
    unsatisfied: int
    satisfaction_rate: float | None


@decorate_view(cached_public_page)
@router.get("/statistics/monthly", response=list[MonthOut], auth=public_auth, summary="来信办理月度统计")
def statistics_monthly(request):
    return [
        {**{k: getattr(s, k) for k in ("month", "received", "replied", "on_time", "rated", "satisfied", "basic",
                                        "unsatisfied")},
         "on_time_rate": s.on_time_rate, "satisfaction_rate": s.satisfaction_rate}
        for s in selectors.monthly_stats(months=12)
    ]


# ------------------------------------------------------------------ staff


class LetterInboxRow(Schema):
    id: int
    query_code: str
    title: str
    channel: str
    category: str
    status: str
    department: str | None
    received_at: datetime
    due_on: date | None
    colour: str


class LetterInboxQuery(Schema):
    view: str = Field("todo", description="todo / open / done / all", max_length=8,
                      json_schema_extra={"enum": list(selectors.INBOX_VIEWS)})
    page: int = Field(1, ge=1, le=10000)


@router.get("/staff/inbox", response=list[LetterInboxRow], auth=letters_staff_auth, summary="工作人员:信件收件箱")
def staff_inbox(request, params: Query[LetterInboxQuery]):
    if params.view not in selectors.INBOX_VIEWS:
        raise ValidationFailed("view 取值无效(todo、open、done、all)", code="letter_inbox_view")
    rows, _ = selectors.staff_inbox(user=request.user, view=params.view, page=params.page)
    return [
        {"id": r.letter.pk, "query_code": r.letter.query_code, "title": r.letter.title, "channel": r.letter.channel,
         "category": r.letter.category, "status": r.letter.status,
         "department": r.letter.department.name if r.letter.department_id else None,
         "received_at": r.letter.received_at, "due_on": r.due_on, "colour": r.colour}
        for r in rows
    ]


class HopOut(Schema):
    kind: str
    unit: str
    started_at: datetime
    ended_at: datetime | None
    due_on: date
    outcome: str
    reason: str
    opinion: str
    extension: str


class StaffLetterOut(Schema):
    id: int
    query_code: str
    title: str
    body: str
    channel: str
    category: str
    status: str
    anonymous: bool
    publish_consent: bool
    township: str | None
    department: str | None
    received_at: datetime
    moderation_words: list[str]
    duplicate_of: str | None
    hops: list[HopOut]
    events: list[LetterEventOut]


def _staff_detail(letter: Letter) -> dict:
    return {
        "id": letter.pk, "query_code": letter.query_code, "title": letter.title, "body": letter.body,
        "channel": letter.channel, "category": letter.category, "status": letter.status,
        "anonymous": letter.writer_id is None, "publish_consent": letter.publish_consent,
        "township": letter.township.name if letter.township_id else None,
        "department": letter.department.name if letter.department_id else None,
        "received_at": letter.received_at, "moderation_words": letter.moderation_words or [],
        "duplicate_of": letter.duplicate_of.query_code if letter.duplicate_of_id else None,
        "hops": [{"kind": h.kind, "unit": h.unit.name, "started_at": h.started_at, "ended_at": h.ended_at,
                  "due_on": h.clock.due_on, "outcome": h.outcome, "reason": h.reason, "opinion": h.opinion,
                  "extension": h.extension} for h in selectors.hops_of(letter)],
        "events": [{"at": e.created_at, "label": e.label, "note": e.note}
                   for e in selectors.timeline(letter, public_only=False)],
    }


@router.get("/staff/{letter_id}", response=StaffLetterOut, auth=letters_staff_auth, summary="工作人员:信件详情")
def staff_detail(request, letter_id: ObjectId):
    return _staff_detail(selectors.staff_letter_get(user=request.user, letter_id=letter_id))


LETTER_ACTIONS = ["accept", "not_accept", "assign", "transfer", "joint_opinion", "reply_draft", "reply_approve",
                  "reply_return", "extension_request", "extension_approve", "extension_refuse"]


class LetterActionIn(Schema):
    action: str = Field(description="accept / not_accept / assign / transfer / joint_opinion / reply_draft / "
                                    "reply_approve / reply_return / extension_request / extension_approve / "
                                    "extension_refuse", max_length=32,
                        json_schema_extra={"enum": LETTER_ACTIONS})
    department: str | None = Field(None, max_length=32, description="部门机构代码(assign、transfer)")
    co_departments: list[str] = Field(default_factory=list, max_length=10)
    reason: str = Field("", max_length=4000)
    body: str = Field("", max_length=40000, description="答复内容(reply_draft;reply_approve 时可修改)")
    opinion: str = Field("", max_length=20000)
    suggested_codes: list[str] | None = Field(None, max_length=3, description="分办时展示给分办员的建议部门")


def _action_body(request) -> LetterActionIn | None:
    if not request.body:
        return None
    data = json_loads_bounded(request.body)
    try:
        return LetterActionIn.model_validate(data)
    except PydanticValidationError as exc:
        # The API's handler words these in Chinese, as for any other operation.
        raise NinjaValidationError([dict(e, loc=("body", *e["loc"])) for e in exc.errors()]) from None


@router.post(
    "/staff/{letter_id}/actions", response=StaffLetterOut, auth=letters_staff_auth, summary="工作人员:办理信件",
    openapi_extra={**error_responses(409),
                   "requestBody": {"required": True, "content": {"application/json": {"schema": LetterActionIn.model_json_schema()}}}},
)
def staff_act(request, letter_id: ObjectId):
    """Apply one action (JSON body ``LetterActionIn``); a letter the caller may not see is 404 whatever was sent."""
    letter = selectors.staff_letter_get(user=request.user, letter_id=letter_id)
    payload = _action_body(request)
    if payload is None:
        raise ValidationFailed("请提供办理动作", code="letter_action_required")
    actor = request.user
    a = payload.action
    if a == "accept":
        services.letter_accept(actor=actor, letter=letter)
    elif a == "not_accept":
        services.letter_not_accept(actor=actor, letter=letter, reason=payload.reason)
    elif a == "assign":
        services.letter_assign(actor=actor, letter=letter, department=payload.department or "", reason=payload.reason,
                               co_departments=payload.co_departments, suggested_codes=payload.suggested_codes)
    elif a == "transfer":
        services.letter_transfer(actor=actor, letter=letter, department=payload.department or "", reason=payload.reason)
    elif a == "joint_opinion":
        services.letter_joint_opinion(actor=actor, letter=letter, opinion=payload.opinion)
    elif a == "reply_draft":
        services.letter_reply_draft(actor=actor, letter=letter, body=payload.body)
    elif a in ("reply_approve", "reply_return"):
        services.letter_reply_decide(actor=actor, letter=letter, approve=a == "reply_approve", reason=payload.reason,
                                     body=payload.body or None)
    elif a == "extension_request":
        services.letter_extension_request(actor=actor, letter=letter, reason=payload.reason)
    elif a in ("extension_approve", "extension_refuse"):
        services.letter_extension_decide(actor=actor, letter=letter, approve=a == "extension_approve",
                                         reason=payload.reason)
    else:
        raise ValidationFailed("不支持的操作", code="letter_action_unknown")
    letter = selectors.staff_letter_get(user=request.user, letter_id=letter_id)
    return _staff_detail(letter)

