"""What the participation services share: who may act for which department, the guards."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from django.conf import settings

from zhengwu.core.bounds import date_parse
from zhengwu.core.errors import ValidationFailed
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role

# 信息员 drafts, 审核员 publishes: the same split as disclosure.
DRAFT_ROLES = (Role.EDITOR, Role.PUBLISHER)
PUBLISH_ROLES = (Role.PUBLISHER,)


def setting(name: str, default):
    return getattr(settings, f"ZHENGWU_PARTICIPATION_{name}", default)


def staff_department_ids(user, roles=DRAFT_ROLES) -> set[int]:
    """Departments for which ``user`` holds one of ``roles``: the post's unit, or its department for a section."""
    if not getattr(user, "pk", None) or not user.is_active or getattr(user, "kind", None) != "staff":
        return set()
    rows = (
        Assignment.objects.filter(user_id=user.pk, role__in=[str(r) for r in roles])
        .values_list("unit_id", "unit__kind", "unit__parent_id")
    )
    out = set()
    for unit_id, kind, parent_id in rows:
        out.add(unit_id)
        if kind == Unit.Kind.SECTION and parent_id:
            out.add(parent_id)
    return out


def department_choices(user) -> list[Unit]:
    ids = staff_department_ids(user)
    return list(Unit.objects.filter(pk__in=ids).order_by("sort_order", "code"))


def moderation_refuse(*, text: str, label: str) -> None:
    """Refuse text holding a blocking sensitive word (the letters office keeps the one word list)."""
    from zhengwu.letters.moderation import (
        moderation_check,  # lazily: letters owns the list
    )

    words = moderation_check(text=text)
    if words:
        raise ValidationFailed(
            f"{label}含有不宜发布的词语(“{'”“'.join(words[:5])}”),请修改后再提交",
            code="moderation_blocked", details={"words": words},
        )


def rate_limit(*, key: str, limit: int, window_seconds: int) -> None:
    from zhengwu.letters.moderation import rate_limit_check

    rate_limit_check(key=key, limit=limit, window_seconds=window_seconds)


def ip_digest(ip: str | None, *, scope: str) -> str:
    """A keyed digest of the client IP per ``scope``: rate limits work, the IP is not stored."""
    if not ip:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{scope}|{ip}".encode(), hashlib.sha256).hexdigest()[:40]


def parse_date(value, *, label: str) -> date:
    day = date_parse(value, label=label)
    if day is None:
        raise ValidationFailed(f"{label}不是有效日期(应为 YYYY-MM-DD)", code="invalid_date")
    return day


def sync_instance(target, source) -> None:
    """Copy the saved row's field values onto the caller's instance, so it does not go stale."""
    if target is source:
        return
    for f in source._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
