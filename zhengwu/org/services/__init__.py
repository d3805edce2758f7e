"""Writes to the organisation tree and to posts (assignments).

Who may do what follows 三员分立: the system administrator maintains the tree and the
staff accounts, the security administrator grants and revokes posts, and the audit
administrator only reads. ``actor=None`` is the system itself (management commands).
"""

from __future__ import annotations

import re

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction

from zhengwu.core import request_context
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from ..models import Assignment, Unit
from ..roles import ADMIN_ROLE_PERMISSIONS, SEPARATED_ADMIN_ROLES, Role

K = Unit.Kind

# Which kinds of unit may sit directly under which. The county is the only root.
ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    K.COUNTY: frozenset(),
    K.DEPARTMENT: frozenset({K.COUNTY}),
    K.TOWNSHIP: frozenset({K.COUNTY}),
    K.STREET: frozenset({K.COUNTY}),
    K.SECTION: frozenset({K.DEPARTMENT}),
    K.VILLAGE: frozenset({K.TOWNSHIP, K.STREET}),
    K.COMMUNITY: frozenset({K.TOWNSHIP, K.STREET}),
    K.SERVICE_POINT: frozenset({K.TOWNSHIP, K.STREET}),
}

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
_UPDATABLE_FIELDS = ("name", "kind", "parent", "responsibilities", "address", "phone", "sort_order", "is_active")


def _holds(user, role: str) -> bool:
    return bool(user and user.pk) and Assignment.objects.filter(user=user, role=role).exists()


def _require_actor(actor, role: str, what: str) -> None:
    """Let the system (actor=None) or a holder of ``role`` through.

    ``is_superuser`` counts for nothing (三员分立: no all-powerful account).
    """
    if actor is None:
        return
    if not _holds(actor, role):
        raise PermissionDenied(f"只有{Role(role).label}可以{what}", code="org_not_allowed")


def _kind_label(kind: str) -> str:
    return K(kind).label


def unit_placement_check(*, kind: str, parent: Unit | None, unit: Unit | None = None) -> None:
    """Raise ValidationFailed unless a unit of ``kind`` may sit under ``parent``."""
    if kind not in K.values:
        raise ValidationFailed("机构类型无效", code="unit_kind_invalid", details={"field": "kind"})
    allowed = ALLOWED_PARENTS[kind]
    if not allowed:
        if parent is not None:
            raise ValidationFailed("县(区)是机构树的根,不能有上级机构", code="unit_parent_invalid", details={"field": "parent"})
        return
    if parent is None:
        names = "或".join(_kind_label(k) for k in sorted(allowed))
        raise ValidationFailed(
            f"{_kind_label(kind)}必须设置上级机构({names})", code="unit_parent_required", details={"field": "parent"}
        )
    if parent.kind not in allowed:
        names = "或".join(_kind_label(k) for k in sorted(allowed))
        raise ValidationFailed(
            f"{_kind_label(kind)}的上级只能是{names},不能是{_kind_label(parent.kind)}",
            code="unit_parent_invalid",
            details={"field": "parent"},
        )
    if unit is not None and unit.pk:
        node = parent
        while node is not None:
            if node.pk == unit.pk:
                raise ValidationFailed("不能把机构移到它自己的下级之下", code="unit_cycle", details={"field": "parent"})
            node = node.parent


def _check_text(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写机构名称", code="unit_name_required", details={"field": "name"})
    if len(name) > 100:
        raise ValidationFailed("机构名称不能超过100个字", code="unit_name_too_long", details={"field": "name"})
    return name


@transaction.atomic
def unit_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    responsibilities: str = "",
    address: str = "",
    phone: str = "",
    sort_order: int = 0,
) -> Unit:
    """Add a unit to the tree after checking it fits (county → department → section ...)."""
    _require_actor(actor, Role.SYSTEM_ADMIN, "维护机构")
    code = (code or "").strip()
    if not _CODE_RE.match(code):
        raise ValidationFailed(
            "机构代码只能由字母、数字、点、横线和下划线组成,最长32位", code="unit_code_invalid", details={"field": "code"}
        )
    name = _check_text(name)
    unit_placement_check(kind=kind, parent=parent)
    if Unit.objects.filter(code=code).exists():
        raise Conflict(f"机构代码“{code}”已存在", code="unit_code_taken", details={"field": "code"})
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        responsibilities=(responsibilities or "").strip(),
        address=(address or "").strip(),
        phone=(phone or "").strip(),
        sort_order=sort_order,
    )
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise Conflict(f"机构代码“{code}”已存在", code="unit_code_taken", details={"field": "code"}) from None
    audit_record(
        actor=actor,
        action="org.unit.create",
        obj=unit,
        details={"code": code, "name": name, "kind": kind, "parent": parent.code if parent else None},
    )
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **fields) -> Unit:
    """Change a unit's name, place in the tree or description; units are never deleted."""
    _require_actor(actor, Role.SYSTEM_ADMIN, "维护机构")
    unknown = set(fields) - set(_UPDATABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改这些字段:{'、'.join(sorted(unknown))}", code="unit_field_invalid")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if "name" in fields:
        fields["name"] = _check_text(fields["name"])
    for text_field in ("responsibilities", "address", "phone"):
        if text_field in fields:
            fields[text_field] = (fields[text_field] or "").strip()
    kind = fields.get("kind", unit.kind)
    parent = fields.get("parent", unit.parent)
    if "kind" in fields or "parent" in fields:
        unit_placement_check(kind=kind, parent=parent, unit=unit)
        if "kind" in fields and kind != unit.kind:
            for child in unit.children.all():
                if kind not in ALLOWED_PARENTS[child.kind]:
                    raise ValidationFailed(
                        f"该机构下有{_kind_label(child.kind)}“{child.name}”,不能改为{_kind_label(kind)}",
                        code="unit_kind_conflict",
                        details={"field": "kind"},
                    )
    changes = {}
    for key, value in fields.items():
        old = getattr(unit, key)
        if old != value:
            changes[key] = [
                old.code if isinstance(old, Unit) else old,
                value.code if isinstance(value, Unit) else value,
            ]
            setattr(unit, key, value)
    if not changes:
        return unit
    unit.save()
    request_context.memo_forget()  # a unit's kind and parent decide whom a post counts for
    audit_record(actor=actor, action="org.unit.update", obj=unit, details={"code": unit.code, "changes": changes})
    return unit


def _sync_admin_access(user) -> None:
    """Give the Django admin (configuration screens) to holders of a separated admin post.

    Access follows the post: granting it opens the admin with that post's permissions,
    revoking it closes them again.
    """
    held = set(Assignment.objects.filter(user=user, role__in=SEPARATED_ADMIN_ROLES).values_list("role", flat=True))
    for role in SEPARATED_ADMIN_ROLES:
        group = _admin_group(role)
        if role in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    is_staff = bool(held)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def _admin_group(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=Role(role).label)
    # Set on every grant, not only when the group is new, so a change to
    # ADMIN_ROLE_PERMISSIONS reaches existing installations at the next grant.
    perms = []
    for dotted in ADMIN_ROLE_PERMISSIONS.get(role, ()):
        app_label, codename = dotted.split(".", 1)
        perms.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    group.permissions.set(perms)
    return group


def assignment_grant_check(*, actor, user, unit: Unit, role: str) -> None:
    """Raise the Chinese error assignment_grant would raise, without writing anything."""
    if role not in Role.values:
        raise ValidationFailed("岗位无效", code="role_invalid", details={"field": "role"})
    if user.kind != user.Kind.STAFF:
        raise ValidationFailed(
            f"只有工作人员可以任职,{user.get_kind_display()}账户不能担任岗位", code="assignment_not_staff", details={"field": "user"}
        )
    if not user.is_active:
        raise ValidationFailed("该账户已停用,不能任职", code="assignment_user_inactive", details={"field": "user"})
    if not unit.is_active:
        raise ValidationFailed("该机构已停用,不能任职", code="assignment_unit_inactive", details={"field": "unit"})
    # Nobody grants himself anything: a post is always someone else's decision, so a
    # security administrator cannot hand himself a business post (and with it, say, the
    # window clerk's right to read clear personal data).
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied("不能给自己授予岗位", code="assignment_self_grant")
    separation_of_duties_check(user=user, role=role)
    if Assignment.objects.filter(user=user, unit=unit, role=role).exists():
        raise Conflict(f"该人员已在{unit.name}担任{Role(role).label}", code="assignment_exists", details={"field": "role"})


def separation_of_duties_check(*, user, role: str) -> None:
    """Raise Conflict if holding ``role`` would break 三员分立 for ``user``.

    The rule, not a list of pairs: a separated administrator (system, security, audit)
    holds exactly one admin post and no business post, and a person with a business
    post cannot become an administrator.
    """
    held = Assignment.objects.filter(user=user).exclude(role=role)
    if role in SEPARATED_ADMIN_ROLES:
        other = held.first()
        if other is None:
            return
        if other.role in SEPARATED_ADMIN_ROLES:
            message = f"三员分立:该人员已担任{other.get_role_display()},不能再担任{Role(role).label}"
        else:
            message = f"三员分立:该人员担任业务岗位({other.get_role_display()}),不能再担任{Role(role).label}"
        raise Conflict(message, code="separated_admin_conflict", details={"field": "role"})
    admin = held.filter(role__in=SEPARATED_ADMIN_ROLES).first()
    if admin is not None:
        raise Conflict(
            f"三员分立:该人员担任{admin.get_role_display()},不能再担任业务岗位({Role(role).label})",
            code="separated_admin_business_post",
            details={"field": "role"},
        )


@transaction.atomic
def assignment_grant(*, actor, user, unit: Unit, role: str) -> Assignment:
    """Give ``user`` the post ``role`` in ``unit`` (staff only; at most one separated admin post)."""
    _require_actor(actor, Role.SECURITY_ADMIN, "授予岗位")
    assignment_grant_check(actor=actor, user=user, unit=unit, role=role)
    assignment = Assignment.objects.create(user=user, unit=unit, role=role)
    request_context.memo_forget()  # this request's cached posts (responsibility.assignment_rows)
    if role in SEPARATED_ADMIN_ROLES:
        _sync_admin_access(user)
    audit_record(
        actor=actor,
        action="org.assignment.grant",
        obj=assignment,
        details={"user_id": user.pk, "user": user.audit_label, "unit": unit.code, "role": role},
    )
    return assignment


@transaction.atomic
def assignment_revoke(*, actor, assignment: Assignment) -> None:
    """End a post. The assignment row goes; the audit trail keeps who held it."""
    _require_actor(actor, Role.SECURITY_ADMIN, "撤销岗位")
    try:
        assignment = Assignment.objects.select_related("user", "unit").get(pk=assignment.pk)
    except Assignment.DoesNotExist:
        raise NotFound("该任职记录不存在", code="assignment_not_found") from None
    user, unit, role, pk = assignment.user, assignment.unit, assignment.role, assignment.pk
    assignment.delete()
    request_context.memo_forget()
    if role in SEPARATED_ADMIN_ROLES:
        _sync_admin_access(user)
    audit_record(
        actor=actor,
        action="org.assignment.revoke",
        object_type="org.assignment",
        object_id=pk,
        details={"user_id": user.pk, "user": user.audit_label, "unit": unit.code, "role": role},
    )
