"""What the participation services share: the department guard, moderation, rate limits."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from django.conf import settings

from zhengwu.core.bounds import date_parse
from zhengwu.core.errors import PermissionDenied, ValidationFailed
from zhengwu.core.ratelimit import rate_limit_check
from zhengwu.core.registries.moderation import moderation_check
from zhengwu.org import responsibility
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

# 信息员 drafts, 审核员 publishes: the same split as disclosure.
DRAFT_ROLES = (Role.EDITOR, Role.PUBLISHER)
PUBLISH_ROLES = (Role.PUBLISHER,)


def setting(name: str, default):
    return getattr(settings, f"ZHENGWU_PARTICIPATION_{name}", default)


def department_choices(user) -> list[Unit]:
    """The departments for which ``user`` drafts (``org.responsibility`` decides which)."""
    return responsibility.units_named(responsibility.departments_for(user, DRAFT_ROLES))


def require_department(actor, department, roles, what: str) -> None:
    if department is None or not responsibility.acts_for(actor, unit_id=department.pk, roles=roles):
        raise PermissionDenied(f"只有{department.name if department else '该部门'}的{what}可以执行此操作",
                               code="not_department_staff")


def moderation_refuse(*, text: str, label: str) -> None:
    """Refuse text holding a blocking sensitive word (the letters office keeps the one word list)."""
    words = moderation_check(text=text)
    if words:
        raise ValidationFailed(
            f"{label}含有不宜发布的词语(“{'”“'.join(words[:5])}”),请修改后再提交",
            code="moderation_blocked", details={"words": words},
        )


def rate_limit(*, key: str, limit: int, window_seconds: int) -> None:
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
