"""Creating accounts, logging in (lockout and per-IP slow-down), changing passwords and
revealing personal data.

Citizens log in with their resident ID number, enterprises with their unified social
credit code, staff with a login name. ``username`` holds the credit code or the login
name; for citizens it is derived from the ID number's blind index (see
``models.citizen_username_for``), so the number itself is never stored in the clear.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core import crypto, masking
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, PermissionDenied, RateLimited, ValidationFailed
from zhengwu.core.identifiers import validate_credit_code, validate_resident_id
from zhengwu.core.middleware import client_ip
from zhengwu.core.models import AuditEvent
from zhengwu.core.security_alerts import security_alert_raise
from zhengwu.org.roles import Role
from zhengwu.org.selectors import user_has_role

from ..models import LoginFailure, LoginNameLock, User, citizen_username_for, id_number_index_for

logger = logging.getLogger(__name__)

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

    A resident ID number becomes the citizen's derived username (blind index), a credit
    code is stored upper-case, staff login names lower-case.
    """
    text = re.sub(r"\s+", "", value or "")
    upper = text.upper()
    try:
        return citizen_username_for(validate_resident_id(upper))
    except ValidationFailed:
        pass
    try:
        return validate_credit_code(upper)
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


def _check_password(password: str, user: User, *, field: str = "password") -> None:
    if not password:
        raise ValidationFailed("请填写密码", code="password_required", details={"field": field})
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise ValidationFailed(
            "密码不符合要求:" + ";".join(messages), code="password_weak", details={"field": field, "messages": messages}
        ) from None


def _save_new(user: User, conflict_message: str, conflict_field: str) -> None:
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations racing for the same number: the unique index decides.
        raise Conflict(conflict_message, code="account_exists", details={"field": conflict_field}) from None


def _register(user: User, password: str, *, conflict_message: str, conflict_field: str) -> User:
    """Check the password against the new account, save it and audit it as its own actor."""
    _check_password(password, user)
    user.set_password(password)
    _save_new(user, conflict_message, conflict_field)
    audit_record(
        actor=user, action="accounts.register", obj=user, details={"kind": user.kind, "is_demo": user.is_demo}
    )
    return user


@transaction.atomic
def citizen_register(
    *, name: str, id_number: str, phone: str, password: str, address: str = "", is_demo: bool = False
) -> User:
    """Register a natural person; the new user is the actor of its own audit row."""
    name = _check_name(name, field="name", label="姓名", max_length=50)
    id_number = validate_resident_id(id_number)
    phone = normalise_phone(phone)
    address = (address or "").strip()
    if len(address) > 200:
        raise ValidationFailed("住址不能超过200个字", code="address_too_long", details={"field": "address"})
    if User.objects.filter(id_number_index=id_number_index_for(id_number)).exists():
        raise Conflict("该身份证号已注册", code="account_exists", details={"field": "id_number"})
    user = User(
        username=citizen_username_for(id_number),
        kind=User.Kind.CITIZEN,
        real_name=name,
        id_number=id_number,
        phone=phone,
        address=address,
        is_demo=is_demo,
    )
    return _register(user, password, conflict_message="该身份证号已注册", conflict_field="id_number")


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
    return _register(user, password, conflict_message="该统一社会信用代码已注册", conflict_field="credit_code")


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    real_name: str,
    phone: str = "",
    password: str,
    is_demo: bool = False,
    must_change_password: bool = False,
) -> User:
    """Create a staff account (the system administrator's job); posts are granted separately.

    ``must_change_password`` makes the first login go straight to the change-password
    page (used for generated initial passwords).
    """
    # Superusers get no bypass (三员分立): only the system (actor=None) or a system admin.
    if actor is not None:
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
    if must_change_password:
        # Older than any password age limit: the expiry middleware forces a change.
        user.password_changed_at = datetime(2000, 1, 1, tzinfo=UTC)
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


_LOGIN_NAME_RE = re.compile(r"^[a-z][a-z0-9_.\-]{2,29}$")


def login_attempt_label(login: str) -> str:
    """What an audit row may say about a typed login name.

    It may be someone's ID number or phone (keep only the masked form) or, typed in the
    wrong box, a password: anything that is not shaped like a login name is masked.
    """
    text = re.sub(r"\s+", "", login or "")
    if len(text) >= 15:
        return masking.mask_id_number(text.upper())
    if re.fullmatch(r"\+?\d{7,14}", text):
        return masking.mask_phone(text)
    if _LOGIN_NAME_RE.match(text.lower()):
        return text.lower()
    return text[:2] + "*" * min(max(len(text) - 2, 1), 10)


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


# --- login: account lockout and per-IP slow-down -------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    """What one login attempt came to. ``user`` is set only when ``ok``."""

    ok: bool
    user: User | None = None
    message: str = ""
    status: int = 200
    retry_after: int = 0  # seconds, for a 429 Retry-After header


LOGIN_FAILED_MESSAGE = "账号或密码错误,请重新输入"
LOGIN_THROTTLED_MESSAGE = "登录尝试过于频繁,请稍后再试"


def _account_for_login(name: str) -> User | None:
    return User.objects.filter(username=name).first()


def login_ip_retry_after(ip: str | None, *, now=None) -> int:
    """Seconds this address must still wait before its next attempt (0: go ahead).

    Rule: once an address has ``ZHENGWU_LOGIN_IP_MAX_FAILURES`` failures inside the last
    ``ZHENGWU_LOGIN_IP_WINDOW_MINUTES``, each further attempt has to wait
    ``ZHENGWU_LOGIN_IP_THROTTLE_SECONDS`` after its latest failure. That slows guessing
    from one address to about one try a minute, yet a family behind the same village NAT
    waits at most a minute, and no account is locked by it (accounts lock only on their
    own failures).
    """
    if not ip:
        return 0
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(
        ip=ip, created_at__gte=now - timedelta(minutes=settings.ZHENGWU_LOGIN_IP_WINDOW_MINUTES)
    )
    if recent.count() < settings.ZHENGWU_LOGIN_IP_MAX_FAILURES:
        return 0
    latest = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    wait = (latest + timedelta(seconds=settings.ZHENGWU_LOGIN_IP_THROTTLE_SECONDS) - now).total_seconds()
    return max(0, math.ceil(wait))


def _lock_message(locked_until) -> str:
    local = timezone.localtime(locked_until)
    return f"该账户因连续{settings.ZHENGWU_LOGIN_MAX_FAILURES}次登录失败已被锁定,请于{local:%H:%M}后再试"


def _record_ip_failure(ip: str | None, now) -> None:
    if not ip:
        return
    LoginFailure.objects.create(ip=ip, created_at=now)
    # Keep the table small: nothing older than the counting window is ever read.
    LoginFailure.objects.filter(
        created_at__lt=now - timedelta(minutes=settings.ZHENGWU_LOGIN_IP_WINDOW_MINUTES)
    ).delete()


def login_attempt(*, request, login: str, password: str) -> LoginOutcome:
    """Check one login attempt: IP slow-down, account lock, password; audit it once.

    Does not start the session (the view calls ``django.contrib.auth.login`` on success).
    While an address is slowed down or an account locked the password is not even
    checked, so guessing learns nothing.
    """
    now = timezone.now()
    ip = client_ip(request)
    name = normalise_login(login)
    known = _account_for_login(name)

    retry_after = login_ip_retry_after(ip, now=now)
    if retry_after:
        logger.warning("login slowed down for a failure-heavy address (retry after %ss)", retry_after)
        login_record(user=known, login=login, success=False, reason="ip_throttled")
        return LoginOutcome(ok=False, message=LOGIN_THROTTLED_MESSAGE, status=429, retry_after=retry_after)

    # An active account locks on its own failures; any other name (unknown, or a disabled
    # account) locks the same way on a count kept by its blind index, so neither the
    # lock nor its message tells whether a name is registered.
    active = known if known is not None and known.is_active else None
    locked_until = active.locked_until if active is not None else _name_locked_until(name)
    if locked_until is not None and locked_until > now:
        login_record(user=known, login=login, success=False, reason="locked")
        return LoginOutcome(ok=False, message=_lock_message(locked_until), status=403)

    user = authenticate(request, username=name, password=password)
    if user is not None:
        with transaction.atomic():
            if user.failed_login_count or user.locked_until:
                user.failed_login_count = 0
                user.locked_until = None
                user.save(update_fields=["failed_login_count", "locked_until"])
            login_record(user=user, login=login, success=True)
        # Account ids only: never the typed name (it may be an ID number) or the password.
        logger.info("login succeeded for account %s", user.pk)
        return LoginOutcome(ok=True, user=user)

    reason = "inactive" if known is not None and not known.is_active else "bad_credentials"
    with transaction.atomic():
        _record_ip_failure(ip, now)
        if active is not None:
            locked = _count_account_failure(active.pk, now)
        else:
            locked = _count_name_failure(name, login, now)
        login_record(user=known, login=login, success=False, reason=reason)
    logger.info("login failed (%s) for account %s", reason, known.pk if known is not None else "unknown")
    if locked is not None:
        return LoginOutcome(ok=False, message=_lock_message(locked), status=403)
    # One message for every failure, so the page does not reveal which accounts exist.
    return LoginOutcome(ok=False, message=LOGIN_FAILED_MESSAGE, status=400)


NAME_LOCK_PURPOSE = "accounts.login.name"
_NAME_LOCK_KEEP = timedelta(days=1)


def _name_index(name: str) -> str:
    return crypto.provider().blind_index(name, purpose=NAME_LOCK_PURPOSE)


def _name_locked_until(name: str):
    return LoginNameLock.objects.filter(name_index=_name_index(name)).values_list("locked_until", flat=True).first()


def _count_name_failure(name: str, login: str, now):
    """``_count_account_failure`` for a name with no active account (same count, same lock)."""
    state, _ = LoginNameLock.objects.select_for_update().get_or_create(name_index=_name_index(name))
    state.failed_login_count += 1
    state.updated_at = now
    locked_until = None
    if state.failed_login_count >= settings.ZHENGWU_LOGIN_MAX_FAILURES:
        locked_until = now + timedelta(minutes=settings.ZHENGWU_LOGIN_LOCK_MINUTES)
        state.locked_until = locked_until
        state.failed_login_count = 0
        audit_record(
            actor=_UnknownActor(f"未知账户({login_attempt_label(login)})"), action="accounts.lockout",
            object_type="accounts.user", details={
                "failures": settings.ZHENGWU_LOGIN_MAX_FAILURES, "account": "none",
                "locked_until": timezone.localtime(locked_until).isoformat(timespec="seconds"),
            },
        )
    state.save()
    LoginNameLock.objects.filter(updated_at__lt=now - _NAME_LOCK_KEEP).delete()
    return locked_until


def _count_account_failure(user_pk: int, now):
    """Count one failure; lock the account when it reaches the limit. Returns the lock end."""
    account = User.objects.select_for_update().get(pk=user_pk)
    account.failed_login_count += 1
    locked_until = None
    if account.failed_login_count >= settings.ZHENGWU_LOGIN_MAX_FAILURES:
        locked_until = now + timedelta(minutes=settings.ZHENGWU_LOGIN_LOCK_MINUTES)
        account.locked_until = locked_until
        # The next lock needs another full run of failures after this one ends.
        account.failed_login_count = 0
        audit_record(
            actor=account,
            action="accounts.lockout",
            obj=account,
            details={
                "failures": settings.ZHENGWU_LOGIN_MAX_FAILURES,
                "locked_until": timezone.localtime(locked_until).isoformat(timespec="seconds"),
            },
        )
        logger.warning("account %s locked after repeated login failures", account.pk)
    account.save(update_fields=["failed_login_count", "locked_until"])
    return locked_until


# --- passwords -------------------------------------------------------------------------


PASSWORD_CHANGE_THROTTLED_MESSAGE = "原密码连续输错次数过多,请{minutes}分钟后再试"


def password_change_retry_after(*, user: User, now=None) -> int:
    """Seconds before ``user`` may try the old password again on the change page (0: go ahead).

    A signed-in session (perhaps someone else's at an unlocked screen) must not be a way
    to guess the password without the login's limits: after
    ``ZHENGWU_PASSWORD_CHANGE_MAX_FAILURES`` wrong old passwords since the last change,
    within ``ZHENGWU_LOGIN_LOCK_MINUTES``, the page waits until that long after the latest.
    The audit rows of the failures are the count, so every app server sees the same.
    """
    now = now or timezone.now()
    window = timedelta(minutes=settings.ZHENGWU_LOGIN_LOCK_MINUTES)
    attempts = AuditEvent.objects.filter(
        action="accounts.password.change", object_type=User._meta.label_lower, object_id=str(user.pk),
        created_at__gte=max(now - window, user.password_changed_at),
    )
    failures = attempts.filter(result="failure", details__reason="wrong_old_password")
    if failures.count() < settings.ZHENGWU_PASSWORD_CHANGE_MAX_FAILURES:
        return 0
    latest = failures.order_by("-created_at").values_list("created_at", flat=True).first()
    return max(0, math.ceil((latest + window - now).total_seconds()))


def password_change(*, actor, user: User, old_password: str, new_password: str) -> None:
    """Change one's own password: the old one is required and the new one must differ."""
    if actor is None or getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied("只能修改自己的密码", code="password_change_not_own")
    if not old_password:
        raise ValidationFailed("请填写原密码", code="old_password_required", details={"field": "old_password"})
    retry_after = password_change_retry_after(user=user)
    if retry_after:
        # Like a locked login: the old password is not even checked, so guessing learns nothing.
        with transaction.atomic():
            audit_record(actor=actor, action="accounts.password.change", obj=user, result="denied",
                         details={"reason": "too_many_failures"})
        raise RateLimited(PASSWORD_CHANGE_THROTTLED_MESSAGE.format(minutes=math.ceil(retry_after / 60)),
                          code="password_change_throttled", details={"field": "old_password"},
                          retry_after=retry_after)
    if not user.check_password(old_password):
        with transaction.atomic():
            audit_record(actor=actor, action="accounts.password.change", obj=user, result="failure",
                         details={"reason": "wrong_old_password"})
        raise ValidationFailed("原密码不正确", code="old_password_wrong", details={"field": "old_password"})
    if new_password == old_password:
        raise ValidationFailed("新密码不能与原密码相同", code="password_unchanged", details={"field": "new_password"})
    _check_password(new_password, user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "password_changed_at"])
        audit_record(actor=actor, action="accounts.password.change", obj=user, details={"kind": user.kind})


# --- personal data -----------------------------------------------------------------------

PERSONAL_DATA_PERMISSION = "accounts.view_personal_data"
PERSONAL_DATA_FIELDS = ("id_number", "phone", "address")


UNMASK_ACTION = "accounts.personal_data.unmask"
UNMASK_LIMIT_MESSAGE = "今日查看完整个人信息的次数已达上限({limit}次),已通知审计管理员;如确有需要请明日再查看"


def _start_of_today(now):
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def personal_data_reveal_check(*, actor, obj=None, object_type: str = "", object_id="", now=None) -> None:
    """Raise unless ``actor`` may see one more clear record today; audit a refusal.

    Every path that shows personal data in the clear calls this first (account data,
    ID and phone numbers inside letters and other free text). Two rules: the permission
    ``accounts.view_personal_data``, and at most ``ZHENGWU_UNMASK_DAILY_LIMIT`` views
    per viewer and calendar day (Beijing time). Looking through everyone's numbers in a
    loop is what the limit stops; the first refusal of a day raises a security alert to
    the audit administrators, and every refusal leaves an audit row.
    """
    target = {"obj": obj} if obj is not None else {"object_type": object_type, "object_id": object_id}
    if actor is None or not actor.has_perm(PERSONAL_DATA_PERMISSION):
        if actor is not None:
            with transaction.atomic():
                audit_record(actor=actor, action=UNMASK_ACTION, result="failure",
                             details={"reason": "no_permission"}, **target)
        raise PermissionDenied("您没有查看完整个人信息的权限", code="personal_data_forbidden")
    limit = settings.ZHENGWU_UNMASK_DAILY_LIMIT
    since = _start_of_today(now or timezone.now())
    todays = AuditEvent.objects.filter(action=UNMASK_ACTION, actor=actor, created_at__gte=since)
    if todays.filter(result="success").count() < limit:
        return
    first_refusal = not todays.filter(result="denied").exists()
    with transaction.atomic():
        audit_record(actor=actor, action=UNMASK_ACTION, result="denied",
                     details={"reason": "daily_limit", "limit": limit}, **target)
        if first_refusal:
            security_alert_raise(
                title="个人信息明文查看次数超限",
                body=(f"{actor.audit_label} 今日查看完整个人信息已达 {limit} 次上限,后续查看已被拒绝。"
                      "请在审计记录中核查(动作 accounts.personal_data.unmask)。"),
            )
    logger.warning("clear personal-data views over the daily limit for account %s", actor.pk)
    raise RateLimited(UNMASK_LIMIT_MESSAGE.format(limit=limit), code="personal_data_daily_limit")


def personal_data_unmask(*, actor, user: User) -> dict[str, str]:
    """Return the clear ID number, phone and address of ``user``; audited every time.

    Needs the permission ``accounts.view_personal_data`` (by default held by window
    clerks, see ``auth_backends``) and stays within the daily limit per viewer
    (``personal_data_reveal_check``). A refusal is audited too.
    """
    personal_data_reveal_check(actor=actor, obj=user)
    values = {name: getattr(user, name) or "" for name in PERSONAL_DATA_FIELDS}
    with transaction.atomic():
        # The field names only, never the values: the audit trail is read by others.
        audit_record(actor=actor, action=UNMASK_ACTION, obj=user,
                     details={"fields": [name for name, value in values.items() if value]})
    return values
