"""Second factor for staff (MLPS level 3, 身份鉴别: two factors for back-office users).

Every staff account has one TOTP device (django-otp) plus ten single-use recovery codes
(a django-otp StaticDevice). A session counts as verified once ``mfa_verify`` accepted a
code in it (``django_otp.login`` stores the device in the session); a new login starts
unverified. Failed codes are throttled per device by django-otp (1, 2, 4, 8 … seconds).

Recovery codes are stored as a keyed hash (HMAC-SM3 blind index, truncated to the 16
characters a StaticToken holds), so a database dump does not hand them out.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengwu.core.audit import audit_record
from zhengwu.core.crypto import provider
from zhengwu.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from zhengwu.org.roles import Role
from zhengwu.org.selectors import user_has_role

from .models import User

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
# No 0/o, 1/l/i: the codes are copied by hand from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_DEVICE_NAME = "手机令牌"
RECOVERY_DEVICE_NAME = "备用恢复码"
DEMO_DEVICE_NAME = "演示令牌(密钥公开,仅限演示)"
# Published on purpose (var/demo_accounts.txt, README): demo staff only, never production.
DEMO_TOTP_KEY_HEX = b"zhengwu-demo-totp-26".hex()


class MfaThrottled(DomainError):
    status = 429
    code = "mfa_throttled"


# ------------------------------------------------------------------ selectors


def mfa_required() -> bool:
    return getattr(settings, "ZHENGWU_STAFF_MFA_REQUIRED", True)


def totp_device_get(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def mfa_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_remaining(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def mfa_issuer() -> str:
    return getattr(settings, "OTP_TOTP_ISSUER", "") or "政务信息平台"


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32 in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, drawn here (no external service, no JS)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    # The size comes from CSS; the accessible name tells screen-reader users what it is.
    return svg.replace("<svg ", '<svg role="img" aria-label="手机令牌二维码" class="mfa-qr" ', 1)


def staff_mfa_status_list(*, query: str = "", limit: int = 50) -> list[dict]:
    """Staff accounts matching ``query`` with whether each has a confirmed TOTP device."""
    qs = User.objects.filter(kind=User.Kind.STAFF).order_by("username")
    query = query.strip()
    if query:
        qs = qs.filter(username__icontains=query) | qs.filter(real_name__icontains=query)
    users = list(qs.order_by("username")[:limit])
    enrolled = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    return [{"user": u, "enrolled": u.pk in enrolled} for u in users]


# ------------------------------------------------------------------ helpers


def _require_staff(user) -> None:
    if not (getattr(user, "pk", None) and user.is_active and user.kind == User.Kind.STAFF):
        raise PermissionDenied("双因素认证仅适用于工作人员账户。", code="not_staff")


def _normalise_code(token: str) -> str:
    return "".join((token or "").split()).replace("-", "").lower()


def _recovery_digest(code: str) -> str:
    return provider().blind_index(code, purpose="mfa_recovery_code")[:16]


def _recovery_code_new() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def _recovery_code_display(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _recovery_codes_replace(user) -> list[str]:
    """Drop the user's recovery codes and issue a fresh set; return them for one display."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=_recovery_digest(c)) for c in codes])
    return [_recovery_code_display(c) for c in codes]


def _throttle_message(data: dict | None) -> str:
    locked_until = (data or {}).get("locked_until")
    wait = 1
    if locked_until is not None:
        wait = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
    return f"验证码错误次数过多,为防止猜测已暂停验证,请在 {wait} 秒后重试。"


# ------------------------------------------------------------------ services


def totp_enrol_begin(*, actor) -> TOTPDevice:
    """Create the staff member's unconfirmed TOTP device (replacing an older unconfirmed one).

    Refused when a confirmed device exists: replacing it goes through ``mfa_reset`` by a
    security administrator, so a stolen password alone cannot add a device.
    """
    _require_staff(actor)
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise Conflict("您已设置手机令牌。如需更换,请联系安全管理员重置。", code="mfa_already_enrolled")
        replaced = TOTPDevice.objects.filter(user=actor, confirmed=False).delete()[0]
        device = TOTPDevice.objects.create(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
        audit_record(
            actor=actor, action="accounts.mfa.enrol", obj=device,
            details={"step": "begin", "replaced_unconfirmed": replaced},
        )
    return device


def totp_enrol_confirm(*, actor, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the device with a code from the app; return the 10 recovery codes (shown once)."""
    _require_staff(actor)
    if device is None or device.user_id != actor.pk:
        raise NotFound("未找到待确认的手机令牌,请重新扫描二维码。", code="mfa_device_not_found")
    if device.confirmed:
        raise Conflict("该手机令牌已经确认。", code="mfa_already_enrolled")
    token = _normalise_code(token)
    if not (token.isdigit() and len(token) == device.digits):
        raise ValidationFailed(f"请输入手机令牌显示的 {device.digits} 位数字验证码。", code="mfa_code_format")
    failure: DomainError | None = None
    codes: list[str] = []
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, data = device.verify_is_allowed()
        if not allowed:
            failure = MfaThrottled(_throttle_message(data))
            reason = "throttled"
        elif device.verify_token(token):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _recovery_codes_replace(actor)
            reason = ""
        else:
            failure = ValidationFailed(
                "验证码不正确,请确认手机时间准确后输入令牌当前显示的验证码。", code="mfa_code_wrong"
            )
            reason = "wrong_code"
        # The failed-attempt counter and its audit row are kept even though we refuse.
        audit_record(
            actor=actor, action="accounts.mfa.enrol", obj=device,
            result="failure" if failure else "success",
            details={"step": "confirm", **({"reason": reason} if reason else {})},
        )
    if failure is not None:
        raise failure
    return codes


def mfa_verify(*, request, token: str):
    """Check a TOTP code or a recovery code and mark this session verified.

    One ``accounts.mfa.verify`` audit row per attempt (never the code itself); a used
    recovery code is deleted and also recorded as ``accounts.mfa.recovery_used``.
    """
    actor = request.user
    _require_staff(actor)
    code = _normalise_code(token)
    if not code:
        raise ValidationFailed("请输入验证码。", code="mfa_code_missing")
    # Recovery codes are 10 characters, TOTP codes 6 digits: the length tells them apart.
    method = "totp" if code.isdigit() and len(code) <= 8 else "recovery"
    failure: DomainError | None = None
    with transaction.atomic():
        model = TOTPDevice if method == "totp" else StaticDevice
        device = model.objects.select_for_update().filter(user=actor, confirmed=True).order_by("pk").first()
        remaining = None
        if device is None:
            reason = "no_device"
            failure = ValidationFailed(
                "验证码不正确。" if method == "totp" else "您没有可用的备用恢复码,请使用手机令牌验证码或联系安全管理员。",
                code="mfa_code_wrong",
            )
        else:
            allowed, data = device.verify_is_allowed()
            if not allowed:
                reason = "throttled"
                failure = MfaThrottled(_throttle_message(data))
            elif device.verify_token(code if method == "totp" else _recovery_digest(code)):
                reason = ""
            else:
                reason = "wrong_code"
                failure = ValidationFailed(
                    "验证码不正确或已使用,请重新输入。" if method == "totp" else "备用恢复码不正确或已使用过。",
                    code="mfa_code_wrong",
                )
        audit_record(
            actor=actor, action="accounts.mfa.verify", obj=device,
            object_type="" if device else "otp.device",
            result="failure" if failure else "success",
            details={"method": method, **({"reason": reason} if reason else {})},
        )
        if failure is None and method == "recovery":
            remaining = device.token_set.count()
            audit_record(actor=actor, action="accounts.mfa.recovery_used", obj=device, details={"remaining": remaining})
    if failure is not None:
        raise failure
    otp_login(request, device)
    # A session that gained privileges gets a new key (no fixation of a verified session).
    request.session.cycle_key()
    return device


def mfa_session_start(request, device) -> None:
    """Mark this session verified right after enrolment: scanning and confirming proves possession."""
    otp_login(request, device)
    request.session.cycle_key()


def mfa_login_redirect_url(request, next_url: str = "") -> str:
    """Where a staff member goes right after the password step (called by the login view).

    A fresh login is never verified, even when the same person logs in again in a
    session that was (django's login keeps session data for the same user).
    """
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if hasattr(request.user, "otp_device"):
        request.user.otp_device = None
    target = next_url or reverse("portal:office")
    if not mfa_required():
        return target
    return f"{reverse('accounts:mfa_verify')}?{urlencode({'next': target})}"


def mfa_reset(*, actor, user) -> int:
    """Delete ``user``'s devices and recovery codes; they must enrol again at next login.

    Only a security administrator (安全管理员) may do it, and not for their own account
    (another security administrator must, so no one resets their own factor).
    """
    if not (getattr(actor, "pk", None) and user_has_role(actor, Role.SECURITY_ADMIN)):
        raise PermissionDenied("只有安全管理员可以重置双因素认证设备。", code="not_security_admin")
    if actor.pk == user.pk:
        raise PermissionDenied("不能重置自己的双因素认证设备,请由另一位安全管理员操作。", code="mfa_self_reset")
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        audit_record(
            actor=actor, action="accounts.mfa.reset", obj=user, role=Role.SECURITY_ADMIN,
            details={"removed_objects": removed},
        )
    return removed


def recovery_codes_regenerate(*, actor) -> list[str]:
    """Replace the staff member's recovery codes (the old ones stop working at once)."""
    _require_staff(actor)
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise Conflict("请先设置手机令牌。", code="mfa_not_enrolled")
        codes = _recovery_codes_replace(actor)
        audit_record(
            actor=actor, action="accounts.mfa.recovery_regenerate", object_type="accounts.user",
            object_id=actor.pk, details={"count": len(codes)},
        )
    return codes


# ------------------------------------------------------------------ demo


def demo_totp_device_ensure(*, user) -> TOTPDevice:
    """Give a demo staff account a confirmed TOTP device with the published demo secret.

    Demo only (``user.is_demo``): the secret is printed in var/demo_accounts.txt so the
    demo works without a phone app (``manage.py demo_totp <username>`` prints the code).
    """
    if not (user.is_demo and user.kind == User.Kind.STAFF):
        raise PermissionDenied("只有演示工作人员账户可以使用公开的演示令牌。", code="not_demo")
    with transaction.atomic():
        # A device the person enrolled themselves (e.g. after a reset) is left alone.
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            return device
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True)
        audit_record(actor=None, action="accounts.mfa.enrol", obj=device, details={"step": "demo"})
    return device


def demo_totp_secret_base32() -> str:
    return b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode().rstrip("=")


def demo_totp_code(*, user) -> str:
    """The current code of a demo staff account's published demo device."""
    from django_otp.oath import TOTP

    if not user.is_demo:
        raise PermissionDenied("只能为演示账户显示验证码。", code="not_demo")
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=DEMO_TOTP_KEY_HEX).first()
    if device is None:
        raise NotFound(
            "该演示账户没有使用公开的演示令牌(未载入演示数据,或已改用自己的手机令牌)。", code="mfa_device_not_found"
        )
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
