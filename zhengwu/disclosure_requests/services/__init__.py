"""Writes of 依申请公开: submit a request, handle it on the shared clock, reply with an outcome.

Time rules (政府信息公开条例 arts. 30-33), all in working days of the loaded calendar:

* the reply is due 20 working days after the day the request was received
  (``clock_start(limit_days=20, start_on=received_on)``; the receipt day is not counted);
* a correction (补正) may be asked for only within 7 working days of receipt, once. The
  clock stops (``clock_stop``); when the requester supplies the correction, a *new* 20-day
  clock starts on that day and becomes the request's clock (the old one stays as history);
* third-party consultation (征求第三方意见) suspends the clock until the opinion is in
  (``clock_suspend`` / ``clock_resume``): that time is not counted;
* one extension of at most 20 working days, asked for by the officer and approved by the
  department head (部门负责人); a second one is refused.

Every action locks the request row, appends a ``RequestEvent`` to its timeline and one
audit row, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhengwu.accounts.services import normalise_phone
from zhengwu.core.access import is_applicant
from zhengwu.core.audit import audit_record
from zhengwu.core.clock import (
    clock_extend,
    clock_hand_over,
    clock_resume,
    clock_start,
    clock_stop,
    clock_suspend,
)
from zhengwu.core.errors import Conflict, FieldErrors, NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.sanitise import strip_unsafe_chars
from zhengwu.core.uploads import files_store
from zhengwu.core.uploads.pending import pending_uploads_attach
from zhengwu.core.workdays import add_working_days
from zhengwu.org import responsibility
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from ..codes import AFTER_CORRECTION_CODES, RequesterSubtype, RequesterType, outcome_get
from ..models import DisclosureRequest, RequestCounter, RequestEvent
from ..owners import REQUEST

OWNER_TYPE = REQUEST.name
REPLY_LIMIT_DAYS = 20
EXTENSION_DAYS = 20
CORRECTION_WINDOW_DAYS = 7
WARN_DAYS = 5
RECEIPT_PREFIX = "YSQ"
MAX_RECEIPTS_PER_DAY = 9999

NAME_MAX = 100
DESCRIPTION_MAX = 2000
PURPOSE_MAX = 500
NOTE_MAX = 2000
REPLY_MAX = 5000

# Purposes of stored files: the requester's attachments and the files a reply discloses.
REQUEST_FILE_PURPOSE = "disclosure_request"
REPLY_FILE_PURPOSE = "disclosure_reply"
FILE_OBJECT_TYPE = "disclosure_requests.request"

# Units that are 行政机关 answering requests themselves.
HANDLING_UNIT_KINDS = (Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.STREET, Unit.Kind.COUNTY)


def clean_text(value, *, label: str, max_len: int, required: bool = False, field: str = "") -> str:
    """Plain text as typed, without control or bidi characters; refuse empty (if required) or too long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}格式不正确", code="text_invalid", details={"field": field})
    text = strip_unsafe_chars(value).replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="text_required", details={"field": field})
    if len(text) > max_len:
        raise ValidationFailed(f"{label}不能超过 {max_len} 个字", code="text_too_long", details={"field": field})
    return text


# ------------------------------------------------------------------ who may do what


# Which departments a person acts for is ``zhengwu.org.responsibility``'s answer.
OFFICER_ROLES = (Role.DISCLOSURE_OFFICER,)
HEAD_ROLES = (Role.DEPARTMENT_HEAD,)
# Who may see a department's requests (officers and heads).
STAFF_ROLES = (Role.DISCLOSURE_OFFICER, Role.DEPARTMENT_HEAD)


def _require_officer(actor, request: DisclosureRequest) -> None:
    # Another department's request looks exactly like a missing one.
    responsibility.access_unit(actor, unit_id=request.department_id, roles=OFFICER_ROLES, hide=True,
                               message="未找到该申请", code="request_not_found")


def _lock(request: DisclosureRequest) -> DisclosureRequest:
    fresh = DisclosureRequest.objects.select_for_update().select_related("clock").get(pk=request.pk)
    for f in DisclosureRequest._meta.concrete_fields:
        setattr(request, f.attname, getattr(fresh, f.attname))
    request.clock = fresh.clock
    return request


def _save(request: DisclosureRequest, fields: list[str]) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


def _event(request, *, actor, kind: str, note: str = "") -> RequestEvent:
    due = request.clock.due_on if request.clock.state != request.clock.State.STOPPED else None
    return RequestEvent.objects.create(
        request=request, kind=kind, actor=actor if getattr(actor, "pk", None) else None, note=note, due_on=due,
    )


def _audit(request, *, actor, verb: str, details: dict | None = None) -> None:
    audit_record(
        actor=actor, action=f"disclosure_request.request.{verb}", obj=request,
        details={"receipt_no": request.receipt_no, "status": request.status, **(details or {})},
    )


def _tell_requester(request: DisclosureRequest, *, title: str, body: str) -> None:
    from django.urls import reverse

    from zhengwu.notifications.services import notify

    if request.applicant_id is None:
        return  # a paper request: the office writes to the person instead
    notify(
        recipient=request.applicant, title=f"政府信息公开申请 {request.receipt_no}:{title}", body=body,
        link=reverse("disclosure_requests:detail", kwargs={"receipt_no": request.receipt_no}),
    )


def _next_receipt_no(today) -> str:
    # The UPDATE holds the row (PostgreSQL) or the write lock (SQLite) until commit.
    RequestCounter.objects.get_or_create(day=today)
    RequestCounter.objects.filter(day=today).update(last=F("last") + 1)
    n = RequestCounter.objects.filter(day=today).values_list("last", flat=True).get()
    if n > MAX_RECEIPTS_PER_DAY:
        raise Conflict("今日申请编号已用完,请联系系统管理员", code="receipt_exhausted")
    return f"{RECEIPT_PREFIX}{today:%Y%m%d}{n:04d}"


# ------------------------------------------------------------------ submitting


def _requester_kind(requester_type, requester_subtype) -> tuple[str, str]:
    if requester_type not in RequesterType.values:
        raise ValidationFailed("请选择申请人类型(自然人或法人或其他组织)", code="requester_type_invalid",
                               details={"field": "requester_type"})
    if requester_type == RequesterType.NATURAL:
        return requester_type, ""
    if requester_subtype not in RequesterSubtype.values:
        raise ValidationFailed(
            "请选择法人或其他组织的类型(商业企业、科研机构、社会公益组织、法律服务机构、其他)",
            code="requester_subtype_invalid", details={"field": "requester_subtype"},
        )
    return requester_type, requester_subtype


def request_submit(
    *,
    actor,
    department,
    description: str,
    contact_phone: str,
    requester_type: str | None = None,
    requester_subtype: str = "",
    requester_name: str = "",
    purpose: str = "",
    form: str = DisclosureRequest.Form.ELECTRONIC,
    channel: str = DisclosureRequest.Channel.ONLINE,
    attachments: Sequence[object] = (),
    pending: Sequence[object] = (),
    errors: FieldErrors | None = None,
) -> DisclosureRequest:
    """Receive a request; return it with its receipt number and a 20-working-day clock.

    Every field is checked before anything is refused (all mistakes shown at once, with
    ``errors`` the page found itself); ``pending`` are files uploaded on selection,
    attached in the request's transaction.

    Online: the applicant's account decides the requester (a citizen is a 自然人 under their
    real name; an enterprise is a 法人或其他组织 and picks its kind). At the window or by
    letter: a window clerk or the department's disclosure officer enters the request for a
    person, naming the requester; the request then has no account behind it.
    """
    if channel == DisclosureRequest.Channel.ONLINE:
        if not is_applicant(actor):
            raise PermissionDenied("网上申请须由本人登录个人或法人账户提交", code="not_applicant")
        applicant = actor
        if actor.kind == "citizen":
            requester_type, requester_subtype = RequesterType.NATURAL, ""
        else:
            requester_type, requester_subtype = _requester_kind(RequesterType.LEGAL, requester_subtype)
        name = (actor.real_name or actor.username)[:NAME_MAX]
        entered_by = None
    elif channel in (DisclosureRequest.Channel.WINDOW, DisclosureRequest.Channel.LETTER):
        applicant = None
        requester_type, requester_subtype = _requester_kind(requester_type, requester_subtype)
        name = clean_text(requester_name, label="申请人姓名或名称", max_len=NAME_MAX, required=True, field="requester_name")
        entered_by = actor
    else:
        raise ValidationFailed("申请方式不正确", code="channel_invalid", details={"field": "channel"})
    errors = errors if errors is not None else FieldErrors()
    if department is None or not isinstance(department, Unit) or department.kind not in HANDLING_UNIT_KINDS \
            or not department.is_active:
        errors.add("department", "请选择受理申请的行政机关", "department_invalid")
        department = None
    if entered_by is not None and department is not None:
        # Window clerks enter paper requests for every department.
        clerk = responsibility.acts_for(actor, unit_id=None, roles=Role.WINDOW_CLERK, unowned=True)
        if not clerk and not responsibility.acts_for(actor, unit_id=department.pk, roles=OFFICER_ROLES):
            raise PermissionDenied("只有窗口人员或该机关的依申请公开经办人可以录入书面申请", code="not_window_clerk")
    description = errors.capture(clean_text, description, label="所需政府信息的描述", max_len=DESCRIPTION_MAX,
                                 required=True, field="description")
    purpose = errors.capture(clean_text, purpose, label="用途", max_len=PURPOSE_MAX, field="purpose")
    if form not in DisclosureRequest.Form.values:
        errors.add("form", "请选择获取信息的方式(纸质或电子)", "form_invalid")
    try:
        phone = normalise_phone(contact_phone if isinstance(contact_phone, str) else "")
    except ValidationFailed as exc:
        errors.add("contact_phone", exc.message.replace("手机号", "联系电话"), exc.code)
    errors.raise_if_any()
    attachments = [f for f in attachments if f]
    today = timezone.localdate()
    with transaction.atomic():
        receipt_no = _next_receipt_no(today)
        # The clock names who answers for it (supervision's alerts copy them): the
        # department's disclosure officers until one registers the request.
        clock = clock_start(
            actor=actor, owner=REQUEST.ref(receipt_no),
            limit_days=REPLY_LIMIT_DAYS, warn_days=WARN_DAYS, start_on=today,
            unit_id=department.pk, role=Role.DISCLOSURE_OFFICER,
        )
        request = DisclosureRequest.objects.create(
            receipt_no=receipt_no, applicant=applicant, channel=channel, entered_by=entered_by,
            requester_type=requester_type, requester_subtype=requester_subtype, requester_name=name,
            contact_phone=phone, description=description, purpose=purpose, form=form,
            department=department, received_on=today, clock=clock,
        )
        if attachments:
            files_store(
                actor=actor, uploads=attachments, purpose=REQUEST_FILE_PURPOSE, owner=applicant,
                object_type=FILE_OBJECT_TYPE, object_id=request.pk,
            )
        if pending:
            pending_uploads_attach(
                actor=actor, pending=pending, purpose=REQUEST_FILE_PURPOSE, owner=applicant,
                object_type=FILE_OBJECT_TYPE, object_id=request.pk,
            )
        _event(request, actor=actor, kind=RequestEvent.Kind.SUBMIT,
               note=f"{request.get_channel_display()},受理机关:{department.name}")
        _audit(request, actor=actor, verb="submit", details={
            "channel": channel, "department_id": department.pk, "requester_type": requester_type,
            "requester_subtype": requester_subtype, "due_on": clock.due_on.isoformat(),
            "attachments": len(attachments) + len(list(pending or [])),
        })
    return request


# ------------------------------------------------------------------ handling


def _require_status(request, allowed, what: str) -> None:
    if request.status not in allowed:
        raise Conflict(f"申请当前为“{request.get_status_display()}”,不能{what}", code="request_wrong_status")


def request_register(*, actor, request: DisclosureRequest) -> DisclosureRequest:
    """登记: the department's disclosure officer takes the request on; they become its officer."""
    _require_officer(actor, request)
    with transaction.atomic():
        _lock(request)
        _require_status(request, {DisclosureRequest.Status.RECEIVED}, "登记")
        request.status = DisclosureRequest.Status.REGISTERED
        request.officer = actor
        request.registered_at = timezone.now()
        _save(request, ["status", "officer", "registered_at"])
        # From now on the clock names this officer (the register audit row below says so).
        clock_hand_over(actor=actor, clock=request.clock, handler_id=actor.pk, audit=False)
        _event(request, actor=actor, kind=RequestEvent.Kind.REGISTER)
        _audit(request, actor=actor, verb="register")
    return request


def correction_deadline(request: DisclosureRequest):
    """The last day a correction may be asked for: the 7th working day after receipt."""
    return add_working_days(request.received_on, CORRECTION_WINDOW_DAYS).due


def request_correction_ask(*, actor, request: DisclosureRequest, note: str) -> DisclosureRequest:
    """告知补正, once, within 7 working days of receipt; the reply clock stops until it is supplied."""
    _require_officer(actor, request)
    note = clean_text(note, label="需要补正的内容", max_len=NOTE_MAX, required=True, field="note")
    today = timezone.localdate()
    with transaction.atomic():
        _lock(request)
        _require_status(request, {DisclosureRequest.Status.RECEIVED, DisclosureRequest.Status.REGISTERED}, "告知补正")
        if request.correction_requested_on is not None:
            raise Conflict("补正只能一次性告知,本申请已告知过补正", code="correction_once")
        deadline = correction_deadline(request)
        if today > deadline:
            raise ValidationFailed(
                f"告知补正须在收到申请之日起 {CORRECTION_WINDOW_DAYS} 个工作日内作出"
                f"(本申请最迟 {deadline:%Y年%m月%d日}),已超过期限,不能再要求补正",
                code="correction_too_late", details={"deadline": deadline.isoformat()},
            )
        clock_stop(actor=actor, clock=request.clock, on=today)
        request.status = DisclosureRequest.Status.CORRECTION
        request.correction_note = note
        request.correction_requested_on = today
        if request.officer_id is None:
            request.officer = actor
        _save(request, ["status", "correction_note", "correction_requested_on", "officer"])
        _event(request, actor=actor, kind=RequestEvent.Kind.CORRECTION_REQUEST, note=note)
        _audit(request, actor=actor, verb="correction_request", details={"note": note[:200]})
        _tell_requester(request, title="请补正申请", body=(
            f"您的政府信息公开申请需要补正:\n{note}\n补正后,答复期限自收到补正之日起重新计算。"
        ))
    return request


def request_correction_supply(
    *, actor, request: DisclosureRequest, text: str, attachments: Sequence[object] = (),
) -> DisclosureRequest:
    """The requester's correction arrives: a fresh 20-working-day clock starts that day.

    The requester (online) supplies it; for a paper request the officer records it.
    """
    is_requester = request.applicant_id is not None and getattr(actor, "pk", None) == request.applicant_id
    if not is_requester:
        _require_officer(actor, request)
    text = clean_text(text, label="补正内容", max_len=DESCRIPTION_MAX, required=True, field="text")
    attachments = [f for f in attachments if f]
    today = timezone.localdate()
    with transaction.atomic():
        _lock(request)
        _require_status(request, {DisclosureRequest.Status.CORRECTION}, "提交补正")
        clock = clock_start(
            actor=actor, owner=REQUEST.ref(request.receipt_no),
            limit_days=REPLY_LIMIT_DAYS, warn_days=WARN_DAYS, start_on=today,
            unit_id=request.department_id, role=Role.DISCLOSURE_OFFICER, handler_id=request.officer_id,
        )
        request.clock = clock
        request.status = (
            DisclosureRequest.Status.REGISTERED if request.officer_id else DisclosureRequest.Status.RECEIVED
        )
        request.corrected_on = today
        request.correction_text = text
        _save(request, ["clock", "status", "corrected_on", "correction_text"])
        if attachments:
            files_store(
                actor=actor, uploads=attachments, purpose=REQUEST_FILE_PURPOSE, owner=request.applicant,
                object_type=FILE_OBJECT_TYPE, object_id=request.pk,
            )
        _event(request, actor=actor, kind=RequestEvent.Kind.CORRECTION_SUPPLY, note=text)
        _audit(request, actor=actor, verb="correction_supply", details={"due_on": clock.due_on.isoformat()})
    return request


def request_consultation_start(*, actor, request: DisclosureRequest, note: str) -> DisclosureRequest:
    """征求第三方意见: the clock stands still until the opinion is in."""
    _require_officer(actor, request)
    note = clean_text(note, label="征求意见的对象和事项", max_len=NOTE_MAX, required=True, field="note")
    today = timezone.localdate()
    with transaction.atomic():
        _lock(request)
        _require_status(request, {DisclosureRequest.Status.REGISTERED}, "征求第三方意见")
        clock_suspend(actor=actor, clock=request.clock, on=today, reason="征求第三方意见")
        request.status = DisclosureRequest.Status.CONSULTATION
        _save(request, ["status"])
        _event(request, actor=actor, kind=RequestEvent.Kind.CONSULTATION_START, note=note)
        _audit(request, actor=actor, verb="consultation_start", details={"note": note[:200]})
        _tell_requester(request, title="征求第三方意见", body=(
            "您申请的信息涉及第三方权益,本机关正在征求第三方意见,所需时间不计入答复期限。"
        ))
    return request


def request_consultation_end(*, actor, request: DisclosureRequest, note: str) -> DisclosureRequest:
    """The third party's opinion is in (or its time ran out): the clock runs again from today."""
    _require_officer(actor, request)
    note = clean_text(note, label="第三方意见情况", max_len=NOTE_MAX, required=True, field="note")
    today = timezone.localdate()
    with transaction.atomic():
        _lock(request)
        _require_status(request, {DisclosureRequest.Status.CONSULTATION}, "结束征求意见")
        clock_resume(actor=actor, clock=request.clock, on=today)
        request.status = DisclosureRequest.Status.REGISTERED
        _save(request, ["status"])
        _event(request, actor=actor, kind=RequestEvent.Kind.CONSULTATION_END, note=note)
        _audit(request, actor=actor, verb="consultation_end", details={"due_on": request.clock.due_on.isoformat()})
    return request


def request_extension_ask(*, actor, request: DisclosureRequest, reason: str) -> DisclosureRequest:
    """The officer asks the department head to extend the reply limit by 20 working days (once)."""
    _require_officer(actor, request)
    reason = clean_text(reason, label="延期理由", max_len=300, required=True, field="reason")
    with transaction.atomic():
        _lock(request)
        _require_status(request, {DisclosureRequest.Status.REGISTERED, DisclosureRequest.Status.CONSULTATION}, "申请延期")
        if request.extension == DisclosureRequest.Extension.APPROVED:
            raise Conflict("答复期限只能延长一次,本申请已经延期", code="extension_once")
        if request.extension == DisclosureRequest.Extension.REQUESTED:
            raise Conflict("已申请延期,正等待部门负责人批准", code="extension_pending")
        request.extension = DisclosureRequest.Extension.REQUESTED
        request.extension_reason = reason
        _save(request, ["extension", "extension_reason"])
        _event(request, actor=actor, kind=RequestEvent.Kind.EXTENSION_REQUEST, note=reason)
        _audit(request, actor=actor, verb="extension_request", details={"reason": reason})
    return request


def request_extension_decide(*, actor, request: DisclosureRequest, approve: bool, note: str = "") -> DisclosureRequest:
    """The department head approves (clock +20 working days) or refuses the extension."""
    if not responsibility.acts_for(actor, unit_id=request.department_id, roles=HEAD_ROLES):
        if responsibility.acts_for(actor, unit_id=request.department_id, roles=OFFICER_ROLES):
            raise PermissionDenied("延期须由部门负责人批准", code="extension_head_only")
        raise NotFound("未找到该申请", code="request_not_found")
    note = clean_text(note, label="审批意见", max_len=300, field="note")
    with transaction.atomic():
        _lock(request)
        if request.extension != DisclosureRequest.Extension.REQUESTED:
            raise Conflict("没有待批准的延期申请", code="extension_not_requested")
        if request.status == DisclosureRequest.Status.REPLIED:
            raise Conflict("申请已答复,不需要延期", code="request_wrong_status")
        if approve:
            clock_extend(actor=actor, clock=request.clock, days=EXTENSION_DAYS,
                         reason=f"依申请公开延期:{request.extension_reason}", on=timezone.localdate())
            request.extension = DisclosureRequest.Extension.APPROVED
            kind, verb = RequestEvent.Kind.EXTENSION_APPROVE, "extension_approve"
        else:
            request.extension = DisclosureRequest.Extension.REFUSED
            kind, verb = RequestEvent.Kind.EXTENSION_REFUSE, "extension_refuse"
        _save(request, ["extension"])
        _event(request, actor=actor, kind=kind, note=note or request.extension_reason)
        _audit(request, actor=actor, verb=verb, details={"note": note, "due_on": request.clock.due_on.isoformat()})
        if approve:
            _tell_requester(request, title="答复期限延长", body=(
                f"因{request.extension_reason},经本机关负责人同意,答复期限延长 {EXTENSION_DAYS} 个工作日,"
                f"最迟于 {request.clock.due_on:%Y年%m月%d日} 前答复。"
            ))
    return request


def request_reply(
    *, actor, request: DisclosureRequest, outcome: str, text: str, attachments: Sequence[object] = (),
) -> DisclosureRequest:
    """Answer the request with an outcome coded by the yearly report's categories; stop the clock.

    The disclosed files go with the reply; the requester is told and may download them.
    """
    _require_officer(actor, request)
    found = outcome_get(outcome)
    if found is None:
        raise ValidationFailed("请选择处理结果(按年度报告的分类)", code="outcome_invalid", details={"field": "outcome"})
    text = clean_text(text, label="答复内容", max_len=REPLY_MAX, required=True, field="text")
    attachments = [f for f in attachments if f]
    today = timezone.localdate()
    with transaction.atomic():
        _lock(request)
        if request.status == DisclosureRequest.Status.REPLIED:
            raise Conflict("该申请已经答复", code="request_replied")
        if request.status == DisclosureRequest.Status.RECEIVED:
            raise Conflict("请先登记受理,再作出答复", code="request_not_registered")
        if found.code == "6.1" and request.status != DisclosureRequest.Status.CORRECTION:
            raise ValidationFailed("只有告知补正后申请人逾期未补正的,才能以“逾期不补正”结案", code="outcome_needs_correction")
        if found.code == "4.3" and request.corrected_on is None:
            raise ValidationFailed("只有申请人补正过的申请才能答复“补正后申请内容仍不明确”", code="outcome_needs_correction")
        if request.status == DisclosureRequest.Status.CORRECTION and found.code not in AFTER_CORRECTION_CODES:
            raise Conflict("申请正在等待补正;补正期间只能以“逾期不补正”结案", code="request_wrong_status")
        if request.clock.state != request.clock.State.STOPPED:
            clock_stop(actor=actor, clock=request.clock, on=today)
        request.status = DisclosureRequest.Status.REPLIED
        request.outcome = found.code
        request.reply_text = text
        request.replied_on = today
        if request.officer_id is None:
            request.officer = actor
        _save(request, ["status", "outcome", "reply_text", "replied_on", "officer"])
        if attachments:
            files_store(
                actor=actor, uploads=attachments, purpose=REPLY_FILE_PURPOSE, owner=request.applicant,
                object_type=FILE_OBJECT_TYPE, object_id=request.pk,
            )
        _event(request, actor=actor, kind=RequestEvent.Kind.REPLY, note=f"{found.full_label}")
        _audit(request, actor=actor, verb="reply", details={"outcome": found.code, "files": len(attachments)})
        _tell_requester(request, title="已答复", body=(
            f"您的政府信息公开申请已答复,处理结果:{found.full_label}。\n{text}"
        ))
    return request


def request_act(*, actor, req: DisclosureRequest, action: str, data, files=()) -> DisclosureRequest:
    """Dispatch one staff action to its service (shared by the page and the API)."""
    get = data.get
    if action == "register":
        return request_register(actor=actor, request=req)
    if action == "correction_request":
        return request_correction_ask(actor=actor, request=req, note=get("note", ""))
    if action == "correction_supply":
        return request_correction_supply(actor=actor, request=req, text=get("note", ""), attachments=files)
    if action == "consultation_start":
        return request_consultation_start(actor=actor, request=req, note=get("note", ""))
    if action == "consultation_end":
        return request_consultation_end(actor=actor, request=req, note=get("note", ""))
    if action == "extension_request":
        return request_extension_ask(actor=actor, request=req, reason=get("note", ""))
    if action in ("extension_approve", "extension_refuse"):
        return request_extension_decide(
            actor=actor, request=req, approve=action == "extension_approve", note=get("note", ""))
    if action == "reply":
        return request_reply(
            actor=actor, request=req, outcome=get("outcome", ""), text=get("text", ""), attachments=files)
    raise ValidationFailed("不支持的操作", code="action_invalid", details={"field": "action"})


# ------------------------------------------------------------------ file access


def request_file_download_allowed(user, stored_file) -> bool:
    """Download rule for the request's own files and the reply's files.

    The requester's account; whoever uploaded it; the disclosure officers and heads of the
    request's department.
    """
    uid = getattr(user, "pk", None)
    if uid is None:
        return False
    if stored_file.owner_id == uid or stored_file.uploaded_by_id == uid:
        return True
    if stored_file.object_type != FILE_OBJECT_TYPE or not str(stored_file.object_id).isdigit():
        return False
    department_id = (
        DisclosureRequest.objects.filter(pk=int(stored_file.object_id)).values_list("department_id", flat=True).first()
    )
    return responsibility.acts_for(user, unit_id=department_id, roles=STAFF_ROLES)
