"""Writes of the operations desk: open, respond to, resolve, close, escalate fault tickets;
the on-call list; the consumer's heartbeat. Every write audited in its transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, NotFound, ValidationFailed
from zhengwu.core.sanitise import strip_unsafe_chars as clean_text

from .models import FaultTicket, Heartbeat, OnCallShift, TicketEvent
from .service_hours import add_service_hours

# (response, repair) limits in service hours per grade; ZHENGWU_OPS_LIMITS overrides.
DEFAULT_LIMITS = {"A": (0.5, 4.0), "B": (2.0, 8.0), "C": (8.0, 24.0)}


def grade_limits() -> dict[str, tuple[float, float]]:
    configured = getattr(settings, "ZHENGWU_OPS_LIMITS", None) or {}
    return {grade: tuple(configured.get(grade, default)) for grade, default in DEFAULT_LIMITS.items()}


def _next_number(now: datetime) -> str:
    prefix = f"YW{timezone.localtime(now):%Y%m%d}"
    last = (
        FaultTicket.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    )
    seq = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _event(ticket, *, kind, actor, at, note=""):
    TicketEvent.objects.create(ticket=ticket, kind=kind, actor=actor, at=at, note=note[:500])


def _audit(ticket, *, actor, verb, details=None):
    audit_record(actor=actor, action=f"operations.ticket.{verb}", obj=ticket,
                 details={"number": ticket.number, "grade": ticket.grade, "state": ticket.state, **(details or {})})


def ticket_open(
    *, actor, grade: str, title: str, description: str = "", source: str = FaultTicket.Source.HOTLINE,
    check_key: str = "", at: datetime | None = None,
) -> FaultTicket:
    """Register a fault; its response and repair limits start now, in service hours.

    A health check opens at most one live ticket per ``check_key``: while one is open or
    being handled, a second call returns that ticket unchanged.
    """
    if grade not in FaultTicket.Grade.values:
        raise ValidationFailed("故障等级只能是 A、B 或 C", code="ticket_grade_invalid", details={"field": "grade"})
    title = clean_text(title or "").strip()
    if not title:
        raise ValidationFailed("请填写故障标题", code="ticket_title_required", details={"field": "title"})
    if len(title) > 120:
        raise ValidationFailed(f"标题最多 120 个字(现在 {len(title)} 个)", code="ticket_title_long",
                               details={"field": "title"})
    description = clean_text(description or "").strip()
    if len(description) > 4000:
        raise ValidationFailed(f"现象描述最多 4000 个字(现在 {len(description)} 个)", code="ticket_description_long",
                               details={"field": "description"})
    now = at or timezone.now()
    response_hours, repair_hours = grade_limits()[grade]
    if check_key:
        live = FaultTicket.objects.filter(check_key=check_key, state__in=["open", "responded"]).first()
        if live is not None:
            return live
    try:
        with transaction.atomic():
            ticket = FaultTicket.objects.create(
                number=_next_number(now), grade=grade, title=title, description=description, source=source,
                check_key=check_key, reported_at=now,
                response_due_at=add_service_hours(now, response_hours),
                repair_due_at=add_service_hours(now, repair_hours),
                reporter=actor,
            )
            _event(ticket, kind=TicketEvent.Kind.OPEN, actor=actor, at=now, note=title)
            _audit(ticket, actor=actor, verb="open", details={"source": source, "check": check_key})
    except IntegrityError:
        if check_key:  # another process opened the same check's ticket a moment ago
            return FaultTicket.objects.get(check_key=check_key, state__in=["open", "responded"])
        raise
    return ticket


def ticket_get(number: str) -> FaultTicket:
    ticket = FaultTicket.objects.filter(number=number).select_related("assignee", "reporter").first()
    if ticket is None:
        raise NotFound("工单不存在", code="ticket_not_found")
    return ticket


def _transition(*, actor, ticket, allowed, state, stamp, kind, verb, note, at):
    now = at or timezone.now()
    note = clean_text(note or "").strip()
    with transaction.atomic():
        ticket = FaultTicket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.state not in allowed:
            raise Conflict(f"工单当前为“{ticket.get_state_display()}”,不能{TicketEvent.Kind(kind).label}",
                           code="ticket_state")
        ticket.state = state
        fields = ["state"]
        if stamp:
            setattr(ticket, stamp, now)
            fields.append(stamp)
        if kind == TicketEvent.Kind.RESPOND and ticket.assignee_id is None:
            ticket.assignee = actor
            fields.append("assignee")
        ticket.save(update_fields=fields)
        _event(ticket, kind=kind, actor=actor, at=now, note=note)
        _audit(ticket, actor=actor, verb=verb, details={"note": note[:200]})
    return ticket


def ticket_respond(*, actor, ticket: FaultTicket, note: str = "", at: datetime | None = None) -> FaultTicket:
    """Acknowledge the fault (the response limit stops); the responder handles it."""
    return _transition(actor=actor, ticket=ticket, allowed={FaultTicket.State.OPEN}, state=FaultTicket.State.RESPONDED,
                       stamp="responded_at", kind=TicketEvent.Kind.RESPOND, verb="respond", note=note, at=at)


def ticket_resolve(*, actor, ticket: FaultTicket, note: str, at: datetime | None = None) -> FaultTicket:
    """Record the repair (the repair limit stops); the cause and the fix are required."""
    if not clean_text(note or "").strip():
        raise ValidationFailed("请说明故障原因和处理办法", code="ticket_note_required", details={"field": "note"})
    now = at or timezone.now()
    ticket = FaultTicket.objects.get(pk=ticket.pk)  # the caller's copy may predate a response
    if ticket.state == FaultTicket.State.OPEN:  # fixed at once: the response happened too
        ticket = ticket_respond(actor=actor, ticket=ticket, note="直接修复", at=now)
    return _transition(actor=actor, ticket=ticket, allowed={FaultTicket.State.RESPONDED},
                       state=FaultTicket.State.RESOLVED, stamp="resolved_at", kind=TicketEvent.Kind.RESOLVE,
                       verb="resolve", note=note, at=now)


def ticket_close(*, actor, ticket: FaultTicket, note: str = "", at: datetime | None = None) -> FaultTicket:
    """Confirm the repair with the reporting side and close the ticket."""
    return _transition(actor=actor, ticket=ticket, allowed={FaultTicket.State.RESOLVED},
                       state=FaultTicket.State.CLOSED, stamp="closed_at", kind=TicketEvent.Kind.CLOSE,
                       verb="close", note=note, at=at)


def tickets_escalate(*, now: datetime | None = None) -> list[FaultTicket]:
    """Raise every live ticket past a limit one level (once per missed limit).

    Level 1: the response limit passed without a response. Level 2: the repair limit
    passed without a repair. Each step is an event and an audit row that the on-call
    person and the desk's head see on the desk page.
    """
    now = now or timezone.now()
    raised = []
    live = FaultTicket.objects.filter(state__in=[FaultTicket.State.OPEN, FaultTicket.State.RESPONDED])
    for ticket in live.filter(escalation_level__lt=2):
        level = 0
        if ticket.state == FaultTicket.State.OPEN and now > ticket.response_due_at:
            level = 1
        if now > ticket.repair_due_at:
            level = 2
        if level <= ticket.escalation_level:
            continue
        with transaction.atomic():
            FaultTicket.objects.filter(pk=ticket.pk).update(escalation_level=level)
            ticket.escalation_level = level
            what = "超过响应时限仍未响应" if level == 1 else "超过修复时限仍未修复"
            on_call = oncall_today(today=timezone.localdate(now))
            who = "、".join(p.real_name or p.username for p in on_call) or "(今日无人值班)"
            _event(ticket, kind=TicketEvent.Kind.ESCALATE, actor=None, at=now, note=f"{what},已通知值班人:{who}")
            _audit(ticket, actor=None, verb="escalate", details={"level": level, "on_call": [p.pk for p in on_call]})
        raised.append(ticket)
    return raised


def oncall_today(*, today: date | None = None):
    today = today or timezone.localdate()
    shifts = OnCallShift.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related("person")
    return [s.person for s in shifts]


def oncall_add(*, actor, person, starts_on: date, ends_on: date, note: str = "") -> OnCallShift:
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", code="oncall_dates", details={"field": "ends_on"})
    if (ends_on - starts_on).days > 366:
        raise ValidationFailed("一次值班安排最长一年", code="oncall_dates", details={"field": "ends_on"})
    with transaction.atomic():
        shift = OnCallShift.objects.create(person=person, starts_on=starts_on, ends_on=ends_on,
                                           note=clean_text(note or "").strip()[:200])
        audit_record(actor=actor, action="operations.oncall.add", obj=shift,
                     details={"person": person.pk, "from": starts_on.isoformat(), "to": ends_on.isoformat()})
    return shift


def heartbeat_beat(*, name: str = "task_consumer", at: datetime | None = None) -> None:
    """Record that a background process is alive (not audited: a liveness signal, not an action)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": at or timezone.now()})
