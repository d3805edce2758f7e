"""One-time SMS codes: password recovery and the phone check at registration (issue 16).

Codes travel through ``core.registries.sms`` to the notifications app's SMS outbox (in
the demo, where no gateway exists, ``manage.py sms_outbox`` shows them). Recovery never
tells whether an account exists: the request always gets the same answer, and a wrong
code for an unknown name is refused with the same words as a wrong code for a real one.
Requests and checks are limited per address and per name with ``core.ratelimit`` (the
machinery the letters and login limits use); each code also dies after a few wrong tries.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengwu.core import crypto, masking
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import FieldErrors, ValidationFailed
from zhengwu.core.ratelimit import rate_limit_check
from zhengwu.core.registries.sms import sms_send

from ..models import User, VerificationCode, phone_index_for
from .privacy import privacy_consent_record
from . import _check_password, _UnknownActor, login_attempt_label, normalise_login, normalise_phone

logger = logging.getLogger(__name__)

CODE_PURPOSE = "accounts.verification_code"
CODE_LENGTH = 6
CODE_WRONG_MESSAGE = "验证码错误或已失效,请重新获取"
RESET_SENT_MESSAGE = "如果该账号存在且绑定了手机号,验证码已发送至该手机号,10 分钟内有效。请填写验证码并设置新密码。"


def code_minutes() -> int:
    return int(getattr(settings, "ZHENGWU_VERIFICATION_CODE_MINUTES", 10))


def code_max_attempts() -> int:
    return int(getattr(settings, "ZHENGWU_VERIFICATION_CODE_ATTEMPTS", 5))


def _digest(salt: str, code: str) -> str:
    return crypto.provider().blind_index(f"{salt}:{code}", purpose=CODE_PURPOSE)


def _normalise_code(value) -> str:
    text = "".join(str(value or "").split())
    return text if len(text) == CODE_LENGTH and text.isascii() and text.isdigit() else ""


def _issue(*, purpose: str, phone: str, user: User | None) -> str:
    """Store a new code (earlier open ones of the same purpose and target die) and return it."""
    now = timezone.now()
    index = phone_index_for(phone)
    open_codes = VerificationCode.objects.filter(purpose=purpose, used_at__isnull=True, expires_at__gt=now)
    open_codes = open_codes.filter(user=user) if user is not None else open_codes.filter(user__isnull=True, phone_index=index)
    open_codes.update(expires_at=now)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    salt = secrets.token_hex(8)
    VerificationCode.objects.create(
        purpose=purpose, user=user, phone_index=index, salt=salt, code_hash=_digest(salt, code),
        created_at=now, expires_at=now + timedelta(minutes=code_minutes()),
    )
    return code


def _site_name() -> str:
    return str(getattr(settings, "ZHENGWU_SMS_SIGNATURE", "政务服务"))


def _match(candidates, code: str):
    """The candidate the code opens, counting a wrong try on each of them otherwise."""
    code = _normalise_code(code)
    for row in candidates:
        if code and hmac.compare_digest(row.code_hash, _digest(row.salt, code)):
            return row
    for row in candidates:
        row.attempts += 1
        if row.attempts >= code_max_attempts():
            row.expires_at = timezone.now()  # burnt: the next try needs a new code
        row.save(update_fields=["attempts", "expires_at"])
    return None


def _live(qs):
    return qs.filter(used_at__isnull=True, expires_at__gt=timezone.now(), attempts__lt=code_max_attempts())


# --- password recovery --------------------------------------------------------------------


def _accounts_for(identifier: str) -> list[User]:
    """Active, not closed accounts named by a login name or a registered mobile number."""
    text = "".join((identifier or "").split())
    if not text:
        return []
    users = User.objects.filter(is_active=True, closed_at__isnull=True)
    try:
        phone = normalise_phone(text)
    except ValidationFailed:
        phone = ""
    if phone:
        return list(users.filter(phone_index=phone_index_for(phone)).order_by("pk"))
    return list(users.filter(username=normalise_login(text)))


def _identifier_key(identifier: str) -> str:
    # Keyed, so the rate-limit table never holds an ID number or a phone in the clear.
    return crypto.provider().blind_index("".join((identifier or "").split()).upper(), purpose="accounts.reset.name")


def password_reset_request(*, identifier: str, ip: str | None) -> None:
    """Send a recovery code to the phone of the account(s) named; answer the same either way.

    A mobile number shared by several accounts sends one code to each; whichever code is
    entered with that number resets its own account.
    """
    if not "".join((identifier or "").split()):
        raise ValidationFailed("请填写账号或手机号", code="reset_identifier_required", details={"field": "identifier"})
    rate_limit_check(key=f"accounts:reset:ip:{ip or 'unknown'}", limit=10, window_seconds=3600)
    rate_limit_check(key=f"accounts:reset:name:{_identifier_key(identifier)}", limit=3, window_seconds=900)
    accounts = [u for u in _accounts_for(identifier) if u.phone]
    with transaction.atomic():
        for user in accounts:
            code = _issue(purpose=VerificationCode.Purpose.PASSWORD_RESET, phone=user.phone, user=user)
            sms_send(phone=user.phone, purpose="password_reset", text=(
                f"【{_site_name()}】您正在找回登录密码,验证码 {code},{code_minutes()} 分钟内有效。"
                "如非本人操作,请忽略本短信,切勿将验证码告诉他人。"
            ))
            audit_record(actor=user, action="accounts.password.reset_request", obj=user,
                         details={"phone": masking.mask_phone(user.phone)})
        if not accounts:
            label = login_attempt_label(identifier)
            audit_record(actor=_UnknownActor(f"未知账户({label})"), action="accounts.password.reset_request",
                         object_type="accounts.user", result="failure", details={"login": label, "reason": "no_account"})
    logger.info("password reset requested (%s accounts)", len(accounts))


def password_reset_confirm(*, identifier: str, code: str, new_password: str, new_password2: str,
                           ip: str | None) -> User:
    """Check the code and set the new password; every session of the account ends.

    Wrong codes count against the code (burnt after a few) and, with the address, against
    the rate limit. The new password is checked only after the code, so its rules say
    nothing to someone without the code. Staff keep their second factor: a reset changes
    the password only, so the next login still asks for the TOTP code.
    """
    rate_limit_check(key=f"accounts:reset_confirm:ip:{ip or 'unknown'}", limit=20, window_seconds=900)
    errors = FieldErrors()
    if not _normalise_code(code):
        errors.add("code", "请填写短信中的 6 位数字验证码")
    if not new_password:
        errors.add("new_password", "请填写新密码")
    elif new_password != new_password2:
        errors.add("new_password2", "两次输入的新密码不一致")
    errors.raise_if_any()
    accounts = _accounts_for(identifier)
    with transaction.atomic():
        candidates = list(_live(VerificationCode.objects.select_for_update().filter(
            purpose=VerificationCode.Purpose.PASSWORD_RESET, user__in=accounts)).select_related("user"))
        match = _match(candidates, code)
        if match is None:
            label = login_attempt_label(identifier)
            audit_record(actor=accounts[0] if len(accounts) == 1 else _UnknownActor(f"未知账户({label})"),
                         action="accounts.password.reset", object_type="accounts.user",
                         object_id=accounts[0].pk if len(accounts) == 1 else "", result="failure",
                         details={"reason": "wrong_code", "login": label})
    if match is None:
        raise ValidationFailed(CODE_WRONG_MESSAGE, code="reset_code_wrong", details={"field": "code"})
    user = match.user
    _check_password(new_password, user, field="new_password")
    with transaction.atomic():
        locked = VerificationCode.objects.select_for_update().get(pk=match.pk)
        if locked.used_at is not None:
            raise ValidationFailed(CODE_WRONG_MESSAGE, code="reset_code_wrong", details={"field": "code"})
        now = timezone.now()
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        VerificationCode.objects.filter(purpose=locked.purpose, user=user, used_at__isnull=True).update(expires_at=now)
        # A new password changes the session hash: every existing session of the account
        # fails Django's session check on its next request and is logged out.
        user.set_password(new_password)
        user.failed_login_count = 0
        user.locked_until = None
        user.save(update_fields=["password", "password_changed_at", "failed_login_count", "locked_until"])
        audit_record(actor=user, action="accounts.password.reset", obj=user, details={"kind": user.kind, "via": "sms"})
    return user


# --- the phone check at registration -------------------------------------------------------


def phone_code_send(*, phone: str, ip: str | None) -> str:
    """Send a registration code to ``phone``; return the normalised number.

    The answer does not depend on whether the number already has an account (several
    accounts may share one number anyway).
    """
    phone = normalise_phone(phone)
    rate_limit_check(key=f"accounts:phone_code:ip:{ip or 'unknown'}", limit=10, window_seconds=3600)
    rate_limit_check(key=f"accounts:phone_code:phone:{phone_index_for(phone)}", limit=1, window_seconds=60)
    rate_limit_check(key=f"accounts:phone_code:phone_hour:{phone_index_for(phone)}", limit=5, window_seconds=3600)
    with transaction.atomic():
        code = _issue(purpose=VerificationCode.Purpose.PHONE_VERIFY, phone=phone, user=None)
        sms_send(phone=phone, purpose="phone_verify", text=(
            f"【{_site_name()}】您正在注册账户,手机验证码 {code},{code_minutes()} 分钟内有效。如非本人操作,请忽略。"
        ))
        audit_record(actor=_UnknownActor(f"注册({masking.mask_phone(phone)})"), action="accounts.phone_code.send",
                     object_type="accounts.user", details={"phone": masking.mask_phone(phone)})
    return phone


def phone_code_check(*, phone: str, code: str) -> VerificationCode:
    """Return the open registration code ``code`` for ``phone`` or raise (a wrong try counts).

    Does not use the code up: registration does that in its own transaction
    (``phone_code_use``), so a refused registration (an ID number already registered)
    does not cost the citizen a new SMS.
    """
    if not _normalise_code(code):
        raise ValidationFailed("请填写短信中的 6 位数字验证码", code="phone_code_required", details={"field": "phone_code"})
    try:
        phone = normalise_phone(phone)
    except ValidationFailed:
        raise ValidationFailed(CODE_WRONG_MESSAGE, code="phone_code_wrong", details={"field": "phone_code"}) from None
    with transaction.atomic():
        candidates = list(_live(VerificationCode.objects.select_for_update().filter(
            purpose=VerificationCode.Purpose.PHONE_VERIFY, user__isnull=True, phone_index=phone_index_for(phone))))
        match = _match(candidates, code)
    if match is None:
        raise ValidationFailed(CODE_WRONG_MESSAGE, code="phone_code_wrong", details={"field": "phone_code"})
    return match


def phone_code_use(*, verification: VerificationCode, user: User) -> None:
    """Use the checked code up for the new ``user`` (inside the registration's transaction)."""
    now = timezone.now()
    taken = VerificationCode.objects.filter(pk=verification.pk, used_at__isnull=True).update(used_at=now, user=user)
    if not taken:
        raise ValidationFailed(CODE_WRONG_MESSAGE, code="phone_code_wrong", details={"field": "phone_code"})
    user.phone_verified_at = now
    user.save(update_fields=["phone_verified_at"])
    audit_record(actor=user, action="accounts.phone.verify", obj=user, details={"phone": masking.mask_phone(user.phone)})


def register_with_phone_code(*, register, phone: str, phone_code: str, ip: str | None) -> User:
    """Complete a registration: check the SMS code, create the account, record consent.

    ``register`` is ``citizen_register``/``enterprise_register`` bound to the form's
    values. The code is checked first (a wrong try counts even though nothing is created)
    and used up in the same transaction as the new account and its privacy consent, so
    a refused registration leaves the code valid for the corrected form.
    """
    verification = phone_code_check(phone=phone, code=phone_code)
    with transaction.atomic():
        user = register()
        phone_code_use(verification=verification, user=user)
        privacy_consent_record(actor=user, user=user, ip=ip)
    return user
