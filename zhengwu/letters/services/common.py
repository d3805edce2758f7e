"""Helpers every letters service shares: plain-text cleaning, policies, clocks, the timeline."""

from __future__ import annotations

import html
import re

import nh3
from django.conf import settings
from django.utils import timezone

from zhengwu.core.bounds import text_length_message
from zhengwu.core.clock import clock_start, clock_stop
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import Clock
from zhengwu.core.sanitise import strip_unsafe_chars
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from ..models import ChannelPolicy, Event, Hop, Letter
from ..owners import HOP

HOP_OWNER = HOP.name

_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value, *, label: str, max_len: int, min_len: int = 1, field: str = "", multiline: bool = True) -> str:
    """Return ``value`` as sanitised plain text, or raise ValidationFailed in Chinese.

    Markup is removed (script and style with their content), entities decoded, control
    and bidi-override characters dropped; the result is escaped again wherever shown.
    """
    details = {"field": field} if field else {}
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}格式不正确", code="letter_text_invalid", details=details)
    # Refuse absurd sizes before the sanitiser spends time on them.
    if len(value) > max_len * 4 + 1000:
        raise ValidationFailed(text_length_message(label, max_len, len(value)), code="letter_text_too_long",
                               details=details)
    text = html.unescape(nh3.clean(value, tags=set(), strip_comments=True))
    text = strip_unsafe_chars(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not multiline:
        text = " ".join(text.split())
    else:
        text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n")))
    text = text.strip()
    if len(text) < min_len:
        if not text:
            raise ValidationFailed(f"请填写{label}", code="letter_text_required", details=details)
        raise ValidationFailed(f"{label}至少 {min_len} 个字", code="letter_text_too_short", details=details)
    if len(text) > max_len:
        raise ValidationFailed(text_length_message(label, max_len, len(text)), code="letter_text_too_long",
                               details=details)
    return text


def reason_text(value, *, label: str = "理由", max_len: int = 500) -> str:
    return clean_text(value, label=label, max_len=max_len, field="reason")


def policy_for(channel: str) -> ChannelPolicy:
    policy = ChannelPolicy.objects.filter(channel=channel).first()
    if policy is None:
        # A county that deleted a row still gets safe defaults rather than an error.
        policy = ChannelPolicy(channel=channel)
    return policy


def letters_office_unit():
    """The unit whose 信件分办员 triage incoming letters.

    ``ZHENGWU_LETTERS_OFFICE_CODE`` names it; otherwise the unit of the first letter clerk;
    otherwise the county itself.
    """
    from zhengwu.org.models import Unit

    code = getattr(settings, "ZHENGWU_LETTERS_OFFICE_CODE", "")
    unit = Unit.objects.filter(code=code, is_active=True).first() if code else None
    if unit is None:
        assignment = (
            responsibility.post_holders(unit_id=None, roles=Role.LETTER_CLERK, active_only=False)
            .filter(unit__is_active=True).order_by("pk").first()
        )
        unit = assignment.unit if assignment else None
    if unit is None:
        unit = Unit.objects.filter(parent__isnull=True, kind=Unit.Kind.COUNTY, is_active=True).order_by("pk").first()
    if unit is None:
        raise Conflict("系统尚未设置信件办理机构,暂时不能提交信件", code="letters_office_missing")
    return unit


def hop_open(*, actor, letter: Letter, kind: str, unit, limit_days: int, warn_days: int, reason: str = "",
             is_rehandling: bool = False, start_on=None) -> Hop:
    """Create a hop at ``unit`` with its own clock, counted from ``start_on`` (default: today)."""
    today = start_on or timezone.localdate()
    now = timezone.now()
    hop = Hop(letter=letter, kind=kind, unit=unit, reason=reason, is_rehandling=is_rehandling,
              started_at=now, created_by=actor if getattr(actor, "pk", None) else None)
    # The clock exists before the hop row, so it names the letter; it also names who
    # answers for it (the hop's unit and post), which supervision's alerts copy as they are
    # raised. Triage belongs to the letters office's clerks, the rest to a department's handlers.
    hop.clock = clock_start(
        actor=actor, owner=HOP.ref(letter.pk),
        limit_days=limit_days, warn_days=min(warn_days, limit_days), start_on=today,
        unit_id=unit.pk, role=Role.LETTER_CLERK if kind == Hop.Kind.TRIAGE else Role.HANDLER,
    )
    hop.save()
    return hop


def hop_close(*, actor, hop: Hop, outcome: str) -> Hop:
    hop.ended_at = timezone.now()
    hop.outcome = outcome
    hop.save(update_fields=["ended_at", "outcome"])
    if hop.clock.state != Clock.State.STOPPED:
        clock_stop(actor=actor, clock=hop.clock, on=timezone.localdate())
    return hop


def open_hop(letter: Letter, kind: str = Hop.Kind.HANDLE) -> Hop | None:
    return (
        Hop.objects.select_related("clock", "unit")
        .filter(letter_id=letter.pk, kind=kind, ended_at__isnull=True).order_by("-pk").first()
    )


def event_add(*, letter: Letter, action: str, label: str, actor=None, note: str = "", unit=None,
              public: bool = False) -> Event:
    return Event.objects.create(
        letter=letter, action=action, label=label, note=note, unit=unit,
        actor=actor if getattr(actor, "pk", None) else None, public=public, created_at=timezone.now(),
    )


def lock(letter: Letter) -> Letter:
    """Re-read the letter under lock and refresh the caller's instance."""
    fresh = Letter.objects.select_for_update().get(pk=letter.pk)
    for f in Letter._meta.concrete_fields:
        setattr(letter, f.attname, getattr(fresh, f.attname))
    return letter


def require_status(letter: Letter, *allowed: str, doing: str) -> None:
    if letter.status not in allowed:
        raise Conflict(
            f"信件当前状态为“{letter.get_status_display()}”,不能{doing}", code="letter_status_invalid",
            details={"status": letter.status},
        )
