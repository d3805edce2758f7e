"""Handling a letter: triage, assignment and transfer, joint handling, the reply and its
approval, extension, the writer's rating and the one re-handling.

Every hop runs on its own clock (owner_type "letters.hop"); every step is audited as
``letters.letter.<verb>`` and written to the letter's timeline.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.clock import clock_extend
from zhengwu.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from .. import posts
from ..hooks import letter_hooks_run_later
from ..models import Channel, Hop, Letter, Reply, Satisfaction
from .common import (
    clean_text,
    event_add,
    hop_close,
    hop_open,
    lock,
    open_hop,
    policy_for,
    reason_text,
    require_status,
)

REPLY_MAX = 5000
OPINION_MAX = 2000
MAX_CO_DEPARTMENTS = 5


def _notify(recipients, *, title: str, body: str, link: str = "") -> None:
    from zhengwu.notifications.services import notify

    for user in recipients:
        notify(recipient=user, title=title, body=body, link=link)


def _staff_link(letter: Letter) -> str:
    return reverse("letters:staff_detail", kwargs={"letter_id": letter.pk})


def _writer_link(letter: Letter) -> str:
    return reverse("letters:mine_detail", kwargs={"query_code": letter.query_code})


def _require_clerk(actor, doing: str) -> None:
    if not posts.is_letter_clerk(actor):
        raise PermissionDenied(f"只有信件分办员可以{doing}", code="letter_not_clerk")


def _department(value, *, field: str = "department", label: str = "承办部门"):
    from zhengwu.org.models import Unit

    if isinstance(value, Unit):
        unit = Unit.objects.filter(pk=value.pk, kind=Unit.Kind.DEPARTMENT, is_active=True).first()
    elif isinstance(value, str) and 0 < len(value) <= 32:
        unit = Unit.objects.filter(code=value.strip(), kind=Unit.Kind.DEPARTMENT, is_active=True).first()
    elif isinstance(value, int) and not isinstance(value, bool):
        unit = Unit.objects.filter(pk=value, kind=Unit.Kind.DEPARTMENT, is_active=True).first()
    else:
        unit = None
    if unit is None:
        raise ValidationFailed(f"请选择正确的{label}", code="letter_department_invalid", details={"field": field})
    return unit


def _open_handle_hop(*, actor, letter: Letter, unit, reason: str, is_rehandling: bool = False,
                     start_on=None) -> Hop:
    policy = policy_for(letter.channel)
    hop = hop_open(
        actor=actor, letter=letter, kind=Hop.Kind.HANDLE, unit=unit, reason=reason,
        limit_days=policy.handle_days, warn_days=policy.warn_days, is_rehandling=is_rehandling,
        start_on=start_on,
    )
    _notify(
        posts.unit_members(unit.pk, posts.DEPARTMENT_ROLES),
        title=f"新交办信件:{letter.title[:40]}",
        body=f"信件“{letter.title}”已{'重新' if is_rehandling else ''}交由{unit.name}办理,"
             f"请在 {hop.clock.due_on:%Y-%m-%d} 前答复。{('理由:' + reason) if reason else ''}",
        link=_staff_link(letter),
    )
    return hop


def letter_accept(*, actor, letter: Letter) -> Letter:
    """Record the letters office's decision to accept (受理); the triage clock keeps running until assignment."""
    _require_clerk(actor, "受理信件")
    with transaction.atomic():
        lock(letter)
        require_status(letter, Letter.Status.SUBMITTED, doing="受理")
        letter.status = Letter.Status.ACCEPTED
        letter.accepted_at = timezone.now()
        letter.save(update_fields=["status", "accepted_at", "updated_at"])
        event_add(letter=letter, action="accept", label="已受理", actor=actor, public=True)
        audit_record(actor=actor, action="letters.letter.accept", obj=letter, details={"query_code": letter.query_code})
    return letter


def letter_not_accept(*, actor, letter: Letter, reason) -> Letter:
    """Refuse to accept the letter, with a reason the writer reads."""
    _require_clerk(actor, "作出不予受理决定")
    reason = reason_text(reason, label="不予受理理由")
    with transaction.atomic():
        lock(letter)
        require_status(letter, Letter.Status.SUBMITTED, Letter.Status.ACCEPTED, doing="作出不予受理决定")
        triage = open_hop(letter, Hop.Kind.TRIAGE)
        if triage is not None:
            hop_close(actor=actor, hop=triage, outcome=Hop.Outcome.NOT_ACCEPTED)
        now = timezone.now()
        letter.status = Letter.Status.NOT_ACCEPTED
        letter.not_accepted_reason = reason
        letter.closed_at = now
        letter.save(update_fields=["status", "not_accepted_reason", "closed_at", "updated_at"])
        event_add(letter=letter, action="not_accept", label="不予受理", actor=actor, note=reason, public=True)
        audit_record(actor=actor, action="letters.letter.not_accept", obj=letter,
                     details={"query_code": letter.query_code, "reason": reason})
        if letter.writer_id:
            _notify([letter.writer], title=f"信件 {letter.query_code}:不予受理",
                    body=f"您的来信“{letter.title}”不予受理。理由:{reason}", link=_writer_link(letter))
    return letter


def _route_record(*, actor, letter: Letter, chosen, suggested_codes) -> None:
    """Tell routing which department the clerk chose against what it suggested (if routing is installed)."""
    if suggested_codes is None:
        return
    try:
        from zhengwu.routing.services import routing_decision_record
    except ImportError:
        return
    routing_decision_record(
        actor=actor, letter_id=letter.pk, suggested_codes=[str(c) for c in suggested_codes][:3], chosen_code=chosen.code,
        text=f"{letter.title}\n{letter.body}",
    )


def _handling_starts_on(letter: Letter):
    """The day a letter's first handling clock counts from: acceptance for a petition, else today.

    《信访工作条例》 gives a petition its handling limit from the day it is accepted (受理),
    so days spent between acceptance and the hand-over to a department count against it.
    The mailboxes' limits are the county's own rules for the department's reply and run
    from the hand-over. A transfer or a re-handling starts a new clock on its own day.
    """
    if letter.channel == Channel.PETITION and letter.accepted_at is not None:
        return timezone.localdate(letter.accepted_at)
    return None


def letter_assign(*, actor, letter: Letter, department, reason="", co_departments=(), suggested_codes=None) -> Letter:
    """Hand a received letter to a department (acceptance implied), with optional co-departments (会办).

    Closes the triage hop; the main department and each co-department get a hop with its
    own clock and their handlers are notified. ``suggested_codes``: the routing
    suggestions the clerk was shown, recorded with the choice.
    """
    _require_clerk(actor, "交办信件")
    # Every mistake of the form is reported at once (issue 16 item 4).
    errors = FieldErrors()
    department = errors.capture(_department, department)
    co_units = []
    for value in co_departments or ():
        unit = errors.capture(_department, value, field="co_departments", label="会办部门")
        if unit is not None and unit.pk != getattr(department, "pk", None) and unit.pk not in {u.pk for u in co_units}:
            co_units.append(unit)
    if len(co_units) > MAX_CO_DEPARTMENTS:
        errors.add("co_departments", f"会办部门最多 {MAX_CO_DEPARTMENTS} 个", "letter_too_many_co_departments")
    reason = errors.capture(clean_text, reason, label="交办说明", max_len=500, min_len=0, field="reason") if reason else ""
    errors.raise_if_any()
    with transaction.atomic():
        lock(letter)
        require_status(letter, Letter.Status.SUBMITTED, Letter.Status.ACCEPTED, doing="交办")
        triage = open_hop(letter, Hop.Kind.TRIAGE)
        if triage is not None:
            hop_close(actor=actor, hop=triage, outcome=Hop.Outcome.ASSIGNED)
        now = timezone.now()
        if letter.accepted_at is None:
            letter.accepted_at = now
        letter.status = Letter.Status.HANDLING
        letter.department = department
        letter.save(update_fields=["status", "accepted_at", "department", "updated_at"])
        hop = _open_handle_hop(actor=actor, letter=letter, unit=department, reason=reason,
                               start_on=_handling_starts_on(letter))
        policy = policy_for(letter.channel)
        for unit in co_units:
            hop_open(actor=actor, letter=letter, kind=Hop.Kind.JOINT, unit=unit, reason=reason,
                     limit_days=policy.handle_days, warn_days=policy.warn_days)
            _notify(posts.unit_members(unit.pk, posts.DEPARTMENT_ROLES),
                    title=f"会办信件:{letter.title[:40]}",
                    body=f"信件“{letter.title}”由{department.name}主办,请贵单位提出会办意见。",
                    link=_staff_link(letter))
        note = "会办:" + "、".join(u.name for u in co_units) if co_units else ""
        event_add(letter=letter, action="assign", label=f"交{department.name}办理", actor=actor,
                  note="\n".join(x for x in (reason, note) if x), unit=department, public=True)
        audit_record(
            actor=actor, action="letters.letter.assign", obj=letter,
            details={"query_code": letter.query_code, "department": department.code,
                     "co_departments": [u.code for u in co_units], "due_on": hop.clock.due_on.isoformat()},
        )
        _route_record(actor=actor, letter=letter, chosen=department, suggested_codes=suggested_codes)
        letter_hooks_run_later(letter=letter, event="assigned")
    return letter


def letter_transfer(*, actor, letter: Letter, department, reason) -> Letter:
    """Move the letter to another department (转办), with a reason; a new hop and clock start there.

    The letters office may transfer any letter in handling; a department may pass on one
    that is not its business.
    """
    errors = FieldErrors()
    department = errors.capture(_department, department, label="转办部门")
    if department is not None and department.pk == letter.department_id:
        errors.add("department", "转办部门与当前承办部门相同", "letter_transfer_same")
    reason = errors.capture(reason_text, reason, label="转办理由")
    errors.raise_if_any()
    with transaction.atomic():
        lock(letter)
        require_status(letter, Letter.Status.HANDLING, doing="转办")
        if not (posts.is_letter_clerk(actor) or responsibility.acts_for(actor, unit_id=letter.department_id, roles=posts.DEPARTMENT_ROLES)):
            raise PermissionDenied("只有信件分办员或当前承办部门可以转办", code="letter_transfer_denied")
        if department.pk == letter.department_id:
            raise ValidationFailed("转办部门与当前承办部门相同", code="letter_transfer_same",
                                   details={"field": "department"})
        current = open_hop(letter)
        previous = letter.department
        if current is not None:
            hop_close(actor=actor, hop=current, outcome=Hop.Outcome.TRANSFERRED)
        letter.department = department
        letter.save(update_fields=["department", "updated_at"])
        hop = _open_handle_hop(actor=actor, letter=letter, unit=department, reason=reason)
        event_add(letter=letter, action="transfer", label=f"转{department.name}办理", actor=actor, note=reason,
                  unit=department, public=True)
        audit_record(
            actor=actor, action="letters.letter.transfer", obj=letter,
            details={"query_code": letter.query_code, "from": previous.code if previous else None,
                     "to": department.code, "reason": reason, "due_on": hop.clock.due_on.isoformat()},
        )
        letter_hooks_run_later(letter=letter, event="assigned")
    return letter


def letter_joint_opinion(*, actor, letter: Letter, opinion) -> Hop:
    """Give the co-department's opinion (会办意见); the main department sees it on the letter."""
    opinion = clean_text(opinion, label="会办意见", max_len=OPINION_MAX, field="opinion")
    with transaction.atomic():
        lock(letter)
        hop = (
            Hop.objects.select_related("clock", "unit").select_for_update(of=("self",))
            .filter(responsibility.acts_for_q(actor, "unit_id", posts.DEPARTMENT_ROLES))
            .filter(letter_id=letter.pk, kind=Hop.Kind.JOINT, ended_at__isnull=True)
            .order_by("pk").first()
        )
        if hop is None:
            raise Conflict("您所在部门没有待提出意见的会办事项", code="letter_no_joint_hop")
        hop.opinion = opinion
        hop.opinion_by = actor
        hop.save(update_fields=["opinion", "opinion_by"])
        hop_close(actor=actor, hop=hop, outcome=Hop.Outcome.OPINION)
        event_add(letter=letter, action="joint_opinion", label=f"{hop.unit.name}提出会办意见", actor=actor,
                  note=opinion, unit=hop.unit)
        audit_record(actor=actor, action="letters.letter.joint_opinion", obj=letter,
                     details={"query_code": letter.query_code, "unit": hop.unit.code})
        if letter.department_id:
            _notify(posts.unit_members(letter.department_id, posts.DEPARTMENT_ROLES),
                    title=f"会办意见已提交:{letter.title[:40]}",
                    body=f"{hop.unit.name}已对信件“{letter.title}”提出会办意见。", link=_staff_link(letter))
    return hop


def _require_department(actor, letter: Letter, role, doing: str) -> None:
    if not responsibility.acts_for(actor, unit_id=letter.department_id, roles=role):
        label = "承办人" if role == Role.HANDLER else "部门负责人"
        raise PermissionDenied(f"只有承办部门的{label}可以{doing}", code="letter_not_department")


def letter_reply_draft(*, actor, letter: Letter, body) -> Reply:
    """The department's handler submits a reply for the head's approval."""
    body = clean_text(body, label="答复内容", max_len=REPLY_MAX, min_len=5, field="body")
    with transaction.atomic():
        lock(letter)
        require_status(letter, Letter.Status.HANDLING, doing="拟写答复")
        _require_department(actor, letter, Role.HANDLER, "拟写答复")
        pending = list(
            Hop.objects.filter(letter_id=letter.pk, kind=Hop.Kind.JOINT, ended_at__isnull=True)
            .values_list("unit__name", flat=True)
        )
        if pending:
            raise Conflict("请等待会办部门提出意见后再拟写答复:" + "、".join(pending), code="letter_joint_pending")
        hop = open_hop(letter)
        if hop is None:
            raise Conflict("信件没有正在办理的环节", code="letter_no_hop")
        reply = Reply.objects.create(letter=letter, hop=hop, unit_id=letter.department_id, body=body, drafted_by=actor)
        letter.status = Letter.Status.REVIEWING
        letter.save(update_fields=["status", "updated_at"])
        event_add(letter=letter, action="reply_draft", label="拟写答复,提交部门负责人审核", actor=actor,
                  unit=hop.unit)
        audit_record(actor=actor, action="letters.letter.reply_draft", obj=letter,
                     details={"query_code": letter.query_code, "reply_id": reply.pk})
        _notify(posts.unit_members(letter.department_id, (Role.DEPARTMENT_HEAD,)),
                title=f"答复待审核:{letter.title[:40]}",
                body=f"信件“{letter.title}”的答复已拟好,请审核。", link=_staff_link(letter))
    return reply


def letter_reply_decide(*, actor, letter: Letter, approve: bool, reason="", body=None) -> Reply:
    """The department head approves the reply (it goes to the writer) or returns it with a reason.

    Approval stops the hop's clock, records whether the reply came within the limit
    (``on_time``) and tells the writer, who may then rate it. An anonymous writer cannot
    rate, so the letter is concluded at once.
    """
    if not approve:
        reason = reason_text(reason, label="退回理由")
    edited = None
    if approve and body not in (None, ""):
        edited = clean_text(body, label="答复内容", max_len=REPLY_MAX, min_len=5, field="body")
    with transaction.atomic():
        lock(letter)
        require_status(letter, Letter.Status.REVIEWING, doing="审核答复")
        _require_department(actor, letter, Role.DEPARTMENT_HEAD, "审核答复")
        reply = (
            Reply.objects.select_for_update().filter(letter_id=letter.pk, status=Reply.Status.SUBMITTED)
            .order_by("-pk").first()
        )
        if reply is None:
            raise Conflict("没有待审核的答复", code="letter_no_reply")
        now = timezone.now()
        reply.decided_by, reply.decided_at = actor, now
        if not approve:
            reply.status, reply.return_reason = Reply.Status.RETURNED, reason
            reply.save(update_fields=["status", "return_reason", "decided_by", "decided_at", "updated_at"])
            letter.status = Letter.Status.HANDLING
            letter.save(update_fields=["status", "updated_at"])
            event_add(letter=letter, action="reply_return", label="答复退回修改", actor=actor, note=reason,
                      unit=reply.unit)
            audit_record(actor=actor, action="letters.letter.reply_return", obj=letter,
                         details={"query_code": letter.query_code, "reply_id": reply.pk, "reason": reason})
            _notify([reply.drafted_by], title=f"答复被退回:{letter.title[:40]}",
                    body=f"部门负责人退回了答复。理由:{reason}", link=_staff_link(letter))
            return reply
        if edited:
            reply.body = edited
        reply.status = Reply.Status.APPROVED
        reply.save(update_fields=["status", "body", "decided_by", "decided_at", "updated_at"])
        hop = reply.hop
        today = timezone.localdate(now)
        on_time = today <= hop.clock.due_on
        hop_close(actor=actor, hop=hop, outcome=Hop.Outcome.REPLIED)
        fields = ["status", "updated_at"]
        if letter.replied_at is None:
            # The first reply sets the figures of the public statistics; a re-handling
            # reply does not rewrite them.
            letter.replied_at, letter.on_time = now, on_time
            fields += ["replied_at", "on_time"]
        if letter.writer_id is None:
            letter.status, letter.closed_at = Letter.Status.CLOSED, now
            fields.append("closed_at")
        else:
            letter.status = Letter.Status.REPLIED
        letter.save(update_fields=fields)
        event_add(letter=letter, action="reply", label=f"{reply.unit.name}已答复", actor=actor, unit=reply.unit,
                  public=True)
        audit_record(actor=actor, action="letters.letter.reply_approve", obj=letter,
                     details={"query_code": letter.query_code, "reply_id": reply.pk, "on_time": on_time,
                              "edited": bool(edited)})
        if letter.writer_id:
            _notify([letter.writer], title=f"信件 {letter.query_code} 已答复",
                    body=f"您的来信“{letter.title}”已由{reply.unit.name}答复,请查看并评价。",
                    link=_writer_link(letter))
        letter_hooks_run_later(letter=letter, event="replied")
    return reply


def letter_extension_request(*, actor, letter: Letter, reason) -> Hop:
    """The handler asks for the channel's extension (e.g. 信访 30 days); once per hop."""
    reason = reason_text(reason, label="延期理由")
    with transaction.atomic():
        lock(letter)
        require_status(letter, Letter.Status.HANDLING, doing="申请延期")
        _require_department(actor, letter, Role.HANDLER, "申请延期")
        policy = policy_for(letter.channel)
        if policy.extension_days <= 0:
            raise ValidationFailed(f"“{letter.get_channel_display()}”不能延期", code="letter_extension_not_allowed")
        hop = open_hop(letter)
        if hop is None:
            raise Conflict("信件没有正在办理的环节", code="letter_no_hop")
        if hop.extension:
            raise Conflict("本环节已申请过延期,不能再次申请", code="letter_extension_once")
        hop.extension, hop.extension_reason = Hop.Extension.REQUESTED, reason
        hop.save(update_fields=["extension", "extension_reason"])
        event_add(letter=letter, action="extension_request", label="申请延期", actor=actor, note=reason, unit=hop.unit)
        audit_record(actor=actor, action="letters.letter.extension_request", obj=letter,
                     details={"query_code": letter.query_code, "days": policy.extension_days, "reason": reason})
        _notify(posts.unit_members(letter.department_id, (Role.DEPARTMENT_HEAD,)),
                title=f"延期待审批:{letter.title[:40]}", body=f"承办人申请延期 {policy.extension_days} 个工作日。理由:{reason}",
                link=_staff_link(letter))
    return hop


def letter_extension_decide(*, actor, letter: Letter, approve: bool, reason="") -> Hop:
    """The department head approves (the hop's clock is extended) or refuses the extension."""
    reason = reason_text(reason, label="审批意见") if not approve or reason else ""
    with transaction.atomic():
        lock(letter)
        _require_department(actor, letter, Role.DEPARTMENT_HEAD, "审批延期")
        hop = open_hop(letter)
        if hop is None or hop.extension != Hop.Extension.REQUESTED:
            raise Conflict("没有待审批的延期申请", code="letter_no_extension")
        policy = policy_for(letter.channel)
        if approve:
            clock_extend(actor=actor, clock=hop.clock, days=policy.extension_days,
                         reason=hop.extension_reason, on=timezone.localdate())
            hop.extension = Hop.Extension.APPROVED
            label = f"延期 {policy.extension_days} 个工作日,至 {hop.clock.due_on:%Y-%m-%d}"
        else:
            hop.extension = Hop.Extension.REFUSED
            label = "延期申请未获批准"
        hop.save(update_fields=["extension"])
        event_add(letter=letter, action="extension_decide", label=label, actor=actor, note=reason, unit=hop.unit,
                  public=approve)
        audit_record(actor=actor, action="letters.letter.extension_" + ("approve" if approve else "refuse"),
                     obj=letter, details={"query_code": letter.query_code, "due_on": hop.clock.due_on.isoformat()})
    return hop


def _require_writer(actor, letter: Letter) -> None:
    if getattr(actor, "pk", None) is None or actor.pk != letter.writer_id:
        # Someone else's letter: the same answer as an unknown one.
        from zhengwu.core.errors import NotFound

        raise NotFound("未找到该信件", code="letter_not_found")


def letter_rate(*, actor, letter: Letter, satisfaction, comment="") -> Letter:
    """The writer rates the reply (满意/基本满意/不满意); the letter is concluded."""
    _require_writer(actor, letter)
    if not isinstance(satisfaction, str) or satisfaction not in Satisfaction.values:
        raise ValidationFailed("请选择满意、基本满意或不满意", code="letter_satisfaction_invalid")
    comment = clean_text(comment, label="评价意见", max_len=500, min_len=0, field="comment") if comment else ""
    with transaction.atomic():
        lock(letter)
        if letter.status == Letter.Status.CLOSED and letter.satisfaction:
            raise Conflict("您已评价过该答复", code="letter_rated")
        require_status(letter, Letter.Status.REPLIED, doing="评价")
        now = timezone.now()
        letter.satisfaction, letter.rating_comment, letter.rated_at = satisfaction, comment, now
        letter.status, letter.closed_at = Letter.Status.CLOSED, now
        letter.save(update_fields=["satisfaction", "rating_comment", "rated_at", "status", "closed_at", "updated_at"])
        event_add(letter=letter, action="rate", label=f"来信人评价:{Satisfaction(satisfaction).label}", actor=actor,
                  note=comment, public=True)
        audit_record(actor=actor, action="letters.letter.rate", obj=letter,
                     details={"query_code": letter.query_code, "satisfaction": satisfaction})
        letter_hooks_run_later(letter=letter, event="rated")
    return letter


def letter_rehandle_request(*, actor, letter: Letter, reason) -> Letter:
    """An unsatisfied writer asks, once, for the letter to be handled again (new hop, new clock)."""
    _require_writer(actor, letter)
    reason = reason_text(reason, label="申请重新办理的理由")
    with transaction.atomic():
        lock(letter)
        if letter.rehandle_count >= 1:
            raise Conflict("每封信件只能申请一次重新办理,您已申请过;如仍有异议,可通过信访渠道反映",
                           code="letter_rehandle_once")
        if letter.status != Letter.Status.CLOSED or letter.satisfaction != Satisfaction.UNSATISFIED:
            raise Conflict("只有评价为“不满意”的已办结信件可以申请重新办理", code="letter_rehandle_not_unsatisfied")
        if letter.department is None:
            raise Conflict("信件没有承办部门,不能重新办理", code="letter_no_department")
        letter.rehandle_count += 1
        letter.status, letter.closed_at = Letter.Status.HANDLING, None
        letter.satisfaction, letter.rated_at = "", None
        letter.save(update_fields=["rehandle_count", "status", "closed_at", "satisfaction", "rated_at", "updated_at"])
        hop = _open_handle_hop(actor=actor, letter=letter, unit=letter.department, reason=reason, is_rehandling=True)
        event_add(letter=letter, action="rehandle", label="来信人申请重新办理", actor=actor, note=reason,
                  unit=letter.department, public=True)
        audit_record(actor=actor, action="letters.letter.rehandle", obj=letter,
                     details={"query_code": letter.query_code, "reason": reason, "due_on": hop.clock.due_on.isoformat()})
        letter_hooks_run_later(letter=letter, event="assigned")
    return letter
