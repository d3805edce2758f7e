"""Writes of the message centre: send a message, mark messages read, tell applicants of case changes."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.fastsql import insert_values
from zhengwu.org.roles import Role

from .backends import notify_backends_deferred
from .models import Message

TITLE_MAX = Message._meta.get_field("title").max_length
LINK_MAX = Message._meta.get_field("link").max_length
# Reasons the applicant is entitled to read (一次性告知, refusals, special procedures);
# a reviewer's internal "return" reason stays inside the office.
APPLICANT_REASON_ACTIONS = frozenset({"refuse", "request_correction", "reject", "suspend", "extend"})


def notify(*, recipient, title: str, body: str, link: str = "", audit: bool = True) -> Message:
    """Write a message to ``recipient``'s message centre and deliver it by e-mail/SMS after commit.

    Delivery happens after commit, so a rolled-back change never tells anybody anything.
    Backends that talk to a gateway (e-mail, SMS) run in a huey task, so a slow gateway
    never slows the request; when only inline backends are configured (the default log
    backend) they run right after commit instead of paying a queue write per message.

    ``audit=False`` is for callers whose own audited action this message is part of
    (a case action notifies the applicant inside the case's audited transaction).
    """
    values = _message_append(recipient=recipient, title=title, body=body, link=link, audit=audit)
    return _message_instance(values, recipient)


def notify_audit_admins(*, title: str, body: str, link: str = "") -> int:
    """Send a security alert to every active audit administrator (三员: they watch the others)."""
    recipients = get_user_model().objects.filter(
        assignments__role=Role.AUDIT_ADMIN, is_active=True
    ).distinct().order_by("pk")
    count = 0
    for recipient in recipients:
        notify(recipient=recipient, title=title, body=body, link=link)
        count += 1
    return count


def _message_instance(values: dict, recipient) -> Message:
    message = Message(**values)
    message.recipient = recipient
    message._state.adding = False
    return message


def _message_append(*, recipient, title: str, body: str, link: str, audit: bool) -> dict:
    """Check, write and schedule delivery of one message; return its field values with ``id``.

    One prepared INSERT and no model instance: every case step sends one.
    """
    from .tasks import message_deliver, message_deliver_inline

    title = (title or "").strip()
    if not title:
        raise ValidationFailed("消息标题不能为空", code="message_title_required")
    if recipient is None or not getattr(recipient, "pk", None):
        raise ValidationFailed("消息必须指定接收人", code="message_recipient_required")
    link = (link or "").strip()
    # Only site-relative links: a message must never send anyone off the platform.
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValidationFailed("消息链接只能指向本站页面", code="message_link_invalid")
    values = {
        "recipient_id": recipient.pk, "title": title[:TITLE_MAX], "body": body or "", "link": link[:LINK_MAX],
        "read_at": None, "created_at": timezone.now(),
    }
    # No savepoint: everything was checked above, nothing inside raises but the database.
    with transaction.atomic(savepoint=False):
        values["id"] = pk = insert_values(Message, values)
        if audit:
            audit_record(
                actor=None, action="notifications.message.create",
                object_type=Message._meta.label_lower, object_id=pk, details={"recipient_id": recipient.pk},
            )
        if notify_backends_deferred():
            transaction.on_commit(lambda: message_deliver(pk))
        else:
            # The instance is built after commit, off the write transaction.
            transaction.on_commit(lambda: message_deliver_inline(_message_instance(values, recipient)))
    return values


def message_mark_read(*, actor, message_id) -> Message:
    """Mark one of the actor's own messages read; another person's message is NotFound."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id, recipient_id=getattr(actor, "pk", None)).first()
        if message is None:
            raise NotFound("消息不存在", code="message_not_found")
        if message.read_at is None:
            message.read_at = timezone.now()
            message.save(update_fields=["read_at"])
            audit_record(actor=actor, action="notifications.message.read", obj=message)
    return message


def messages_mark_all_read(*, actor) -> int:
    """Mark every unread message of the actor read; return how many changed."""
    with transaction.atomic():
        n = Message.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())
        if n:
            audit_record(
                actor=actor, action="notifications.message.read_all",
                object_type="accounts.user", object_id=actor.pk, details={"count": n},
            )
    return n


_RECEIPT_SENTINEL = "ZW19700101000000"  # shaped like a receipt number, never issued


@lru_cache(maxsize=16)
def _case_link_template(name: str, script_prefix: str) -> str:
    # reverse() walks the URL resolver (a fifth of a case step's Python time); the
    # link differs between cases only in the receipt number, so reverse once per name.
    try:
        return reverse(name, kwargs={"receipt_no": _RECEIPT_SENTINEL})
    except NoReverseMatch:
        return ""


def _case_link(case) -> str:
    from zhengwu.cases import engine

    # Concluded: the rating page (it also shows the case); otherwise the applicant's case page.
    name = "ratings:rate" if case.status == engine.CONCLUDED else "cases:mine_detail"
    template = _case_link_template(name, get_script_prefix())
    if not template:
        return ""
    return template.replace(_RECEIPT_SENTINEL, quote(case.receipt_no, safe=""))


def notify_case_state_change(*, case, event, link: str | None = None, audit: bool = True) -> dict:
    """Tell the applicant that their case changed; call after every successful ``case_act``.

    ``event`` is the CaseEvent or the action name just applied (the event is then read
    by its sequence number, which equals the case version). ``link`` defaults to the
    rating page once the case is concluded. Returns the message's field values (``id``
    included): it runs on every case step, so no model instance is built.
    """
    from zhengwu.cases import engine
    from zhengwu.cases.models import CaseEvent

    if event is None or isinstance(event, str):
        event = event or ""
        found = CaseEvent.objects.filter(case_id=case.pk, seq=case.version).first()
        action = event
        reason = found.reason if found is not None and found.action == event else ""
    else:
        action, reason = event.action, event.reason
    label = engine.ACTION_LABELS.get(action, action)
    steps = case.definition.steps
    step_name = steps[case.step_index]["name"] if 0 <= case.step_index < len(steps) else ""
    body = (
        f"您申请的“{case.item.name}”(受理编号 {case.receipt_no})有新的办理进展:{label}。"
        f"当前状态:{engine.STATUS_LABELS.get(case.status, case.status)}"
        + (f",当前环节:{step_name}" if case.status not in engine.TERMINAL else "")
        + "。"
    )
    if reason and action in APPLICANT_REASON_ACTIONS:
        body += f"\n理由/说明:{reason}"
    values = _message_append(
        recipient=case.applicant,
        title=f"办件 {case.receipt_no}:{label}",
        body=body,
        link=_case_link(case) if link is None else link,
        audit=audit,
    )
    return values


def notify_case_action(*, actor, case, action: str, event=None) -> None:
    """Hook for zhengwu.cases.hooks: tell the applicant of the change (in the case's transaction).

    Not audited separately: the case action's own audit row, in the same transaction,
    is the record of this change, and the message row itself names the case.
    """
    notify_case_state_change(case=case, event=event if event is not None else action, audit=False)
