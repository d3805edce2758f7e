"""Creating accounts and recording logins.

Citizens log in with their resident ID number, enterprises with their unified social
credit code, staff with a login name; ``username`` holds exactly that, normalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from zhengwu.core import masking
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.identifiers import validate_credit_code, validate_resident_id
from zhengwu.org.roles import Role
from zhengwu.org.selectors import user_has_role

from .models import User

_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_STAFF_USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.\-]{2,29}$")


def normalise_phone(value: str) -> str:
    """Return an 11-digit mainland mobile number or raise ValidationFailed."""
    phone = re.sub(r"[\s\-]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        raise ValidationFailed("请填写手机号", code="phone_required", details={"field": "phone"})
    if not _PHONE_RE.match(phone):
        raise ValidationFailed(
            "手机号格式不对,应为11位中国大陆手机号(以13-19开头)", code="phone_invalid", details={"field": "phone"}
        )
    return phone


def normalise_login(value: str) -> str:
    """Map what a person types into the login box onto a stored username.

    ID numbers and credit codes are stored upper-case (a lower-case x is common),
    staff login names lower-case.
    """
    text = re.sub(r"\s+", "", value or "")
    upper = text.upper()
    for validator in (validate_resident_id, validate_credit_code):
        try:
            return validator(upper)
        except ValidationFailed:
            pass
    return text.lower()


def _check_name(value: str, *, field: str, label: str, max_length: int) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
    if len(name) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}个字", code=f"{field}_too_long", details={"field": field})
    return name


def _check_password(password: str, user: User) -> None:
    if not password:
        raise ValidationFailed("请填写密码", code="password_required", details={"field": "password"})
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise ValidationFailed(
            "密码不符合要求:" + ";".join(messages), code="password_weak", details={"field": "password", "messages": messages}
        ) from None


def _save_new(user: User, conflict_message: str, conflict_field: str) -> None:
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations racing for the same number: the unique index decides.
        raise Conflict(conflict_message, code="account_exists", details={"field": conflict_field}) from None


@transaction.atomic
def citizen_register(*, name: str, id_number: str, phone: str, password: str, is_demo: bool = False) -> User:
    """Register a natural person; the new user is the actor of its own audit row."""
    name = _check_name(name, field="name", label="姓名", max_length=50)
    id_number = validate_resident_id(id_number)
    phone = normalise_phone(phone)
    if User.objects.filter(id_number=id_number).exists() or User.objects.filter(username=id_number).exists():
        raise Conflict("该身份证号已注册", code="account_exists", details={"field": "id_number"})
    user = User(
        username=id_number,
        kind=User.Kind.CITIZEN,
        real_name=name,
        id_number=id_number,
        phone=phone,
        is_demo=is_demo,
    )
    _check_password(password, user)
    user.set_password(password)
    _save_new(user, "该身份证号已注册", "id_number")
    audit_record(actor=user, action="accounts.register", obj=user, details={"kind": user.kind, "is_demo": is_demo})
    return user


@transaction.atomic
def enterprise_register(
    *, name: str, credit_code: str, legal_representative: str, phone: str, password: str, is_demo: bool = False
) -> User:
    """Register a legal person (enterprise or other organisation) by its credit code."""
    name = _check_name(name, field="name", label="单位名称", max_length=100)
    credit_code = validate_credit_code(credit_code)
    legal_representative = _check_name(
        legal_representative, field="legal_representative", label="法定代表人姓名", max_length=50
    )
    phone = normalise_phone(phone)
    if User.objects.filter(credit_code=credit_code).exists() or User.objects.filter(username=credit_code).exists():
        raise Conflict("该统一社会信用代码已注册", code="account_exists", details={"field": "credit_code"})
    user = User(
        username=credit_code,
        kind=User.Kind.ENTERPRISE,
        real_name=name,
        credit_code=credit_code,
        legal_representative=legal_representative,
        phone=phone,
        is_demo=is_demo,
    )
    _check_password(password, user)
    user.set_password(password)
    _save_new(user, "该统一社会信用代码已注册", "credit_code")
    audit_record(actor=user, action="accounts.register", obj=user, details={"kind": user.kind, "is_demo": is_demo})
    return user


@transaction.atomic
def staff_create(
    *, actor, username: str, real_name: str, phone: str = "", password: str, is_demo: bool = False
) -> User:
    """Create a staff account (the system administrator's job); posts are granted separately."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        if not user_has_role(actor, Role.SYSTEM_ADMIN):
            raise PermissionDenied("只有系统管理员可以创建工作人员账户", code="staff_create_not_allowed")
    username = (username or "").strip().lower()
    if not _STAFF_USERNAME_RE.match(username):
        raise ValidationFailed(
            "登录名应为3-30位,以小写字母开头,只含小写字母、数字、点、横线和下划线",
            code="username_invalid",
            details={"field": "username"},
        )
    real_name = _check_name(real_name, field="real_name", label="姓名", max_length=50)
    phone = normalise_phone(phone) if (phone or "").strip() else ""
    if User.objects.filter(username=username).exists():
        raise Conflict(f"登录名“{username}”已被使用", code="account_exists", details={"field": "username"})
    user = User(username=username, kind=User.Kind.STAFF, real_name=real_name, phone=phone, is_demo=is_demo)
    _check_password(password, user)
    user.set_password(password)
    _save_new(user, f"登录名“{username}”已被使用", "username")
    audit_record(
        actor=actor, action="accounts.staff.create", obj=user, details={"username": username, "is_demo": is_demo}
    )
    return user


@dataclass(frozen=True)
class _UnknownActor:
    """Audit actor for a login attempt on a name that matches no account."""

    label: str

    @property
    def audit_label(self) -> str:
        return self.label

    pk = None


def login_attempt_label(login: str) -> str:
    # Attempted names may be someone's ID number: keep only the masked form.
    return masking.mask_id_number(login) if len(login) >= 15 else login[:30]


@transaction.atomic
def login_record(*, user: User | None, login: str, success: bool, reason: str = "") -> None:
    """Write the audit row of one login attempt (never the password)."""
    if success:
        audit_record(actor=user, action="accounts.login", obj=user, details={"kind": user.kind})
        return
    details = {"login": login_attempt_label(login)}
    if reason:
        details["reason"] = reason
    if user is not None:
        audit_record(actor=user, action="accounts.login", obj=user, result="failure", details=details)
    else:
        audit_record(
            actor=_UnknownActor(f"未知账户({login_attempt_label(login)})"),
            action="accounts.login",
            object_type="accounts.user",
            result="failure",
            details=details,
        )


@transaction.atomic
def logout_record(*, user: User) -> None:
    audit_record(actor=user, action="accounts.logout", obj=user)
