"""Personal-information rights (个人信息保护法): consent to the privacy notice, the
download of one's own data, and closing one's account (issue 16)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengwu.core import crypto
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import PermissionDenied, ValidationFailed
from zhengwu.core.registries.personal_data import CLOSED_MARKER, personal_data_sources

from ..models import PrivacyConsent, User

IP_PURPOSE = "accounts.privacy_consent.ip"


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    date: str


def privacy_notice() -> PrivacyNotice:
    """The notice in force; changing ``ZHENGWU_PRIVACY_VERSION`` asks everyone to agree again."""
    return PrivacyNotice(
        version=str(getattr(settings, "ZHENGWU_PRIVACY_VERSION", "2026.1")),
        date=str(getattr(settings, "ZHENGWU_PRIVACY_DATE", "2026-12-01")),
    )


def _ip_hash(ip: str | None) -> str:
    # A keyed hash: it matches the audit trail's address for an inquiry, yet the consent
    # table alone reveals no address.
    return crypto.provider().blind_index(ip, purpose=IP_PURPOSE) if ip else ""


def privacy_consent_current(user) -> bool:
    """Whether ``user`` agreed to the notice in force (staff are bound by their employment, not asked)."""
    if getattr(user, "kind", None) not in (User.Kind.CITIZEN, User.Kind.ENTERPRISE):
        return True
    return PrivacyConsent.objects.filter(user_id=user.pk, version=privacy_notice().version).exists()


def privacy_consent_record(*, actor, user: User, ip: str | None) -> PrivacyConsent:
    """Record ``user``'s agreement to the notice in force (only the person themself agrees)."""
    if actor is None or getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied("只能由本人同意隐私政策", code="privacy_consent_not_own")
    notice = privacy_notice()
    with transaction.atomic():
        consent = PrivacyConsent.objects.create(user=user, version=notice.version, consented_at=timezone.now(),
                                                ip_hash=_ip_hash(ip))
        audit_record(actor=actor, action="accounts.privacy.consent", obj=user, details={"version": notice.version})
    return consent


# --- download of one's own data ------------------------------------------------------------


def _at(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _profile(user: User) -> dict:
    return {
        "账户类型": user.get_kind_display(), "姓名/单位名称": user.real_name, "身份证号": user.id_number or "",
        "统一社会信用代码": user.credit_code or "", "法定代表人": user.legal_representative,
        "手机号": user.phone, "手机号验证时间": _at(user.phone_verified_at), "住址": user.address,
        "电子邮箱": user.email, "注册时间": _at(user.date_joined), "最近登录": _at(user.last_login),
    }


def _consents(user: User) -> list[dict]:
    return [{"隐私政策版本": c.version, "同意时间": _at(c.consented_at)}
            for c in PrivacyConsent.objects.filter(user=user).order_by("consented_at", "pk")]


def personal_data_export(*, actor, user: User) -> bytes:
    """Build the ZIP of JSON files with everything the platform holds about ``user``; audited.

    Only the person themself may download it. Every app contributes through
    ``core.registries.personal_data``; each exporter returns only ``user``'s own rows.
    """
    if actor is None or getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied("只能下载本人的个人信息", code="personal_data_export_not_own")
    if user.kind == User.Kind.STAFF:
        raise PermissionDenied("工作人员账户的个人信息请向系统管理员申请", code="personal_data_export_staff")
    parts = {"profile": ("账户资料", _profile(user)), "consents": ("隐私政策同意记录", _consents(user))}
    for source in personal_data_sources():
        parts[source.key] = (source.label, source.exporter(user))
    buffer = io.BytesIO()
    now = timezone.localtime()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        index = {"导出时间": now.isoformat(timespec="seconds"), "隐私政策版本": privacy_notice().version,
                 "文件": {f"{key}.json": label for key, (label, _) in parts.items()}}
        archive.writestr("README.json", json.dumps(index, ensure_ascii=False, indent=2))
        for key, (_label, data) in parts.items():
            archive.writestr(f"{key}.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
    with transaction.atomic():
        audit_record(actor=actor, action="accounts.personal_data.export", obj=user,
                     details={"parts": sorted(parts)})
    return buffer.getvalue()


# --- closing one's account -----------------------------------------------------------------

CLOSED_NAME = CLOSED_MARKER


def retention_notes() -> list[tuple[str, str]]:
    """(label, reason) of every kind of record that stays after closure."""
    return [(s.label, s.retention) for s in personal_data_sources() if s.retention]


def account_close(*, actor, user: User, password: str, ip: str | None = None) -> User:
    """Close one's own account at once: login disabled, profile erased, records kept.

    The name becomes "已注销用户", the ID number, phone, address and e-mail are erased
    and the login name is replaced, so the same person may register again. Case files,
    letters and requests stay, as the law requires, linked to the pseudonymous account;
    the copies of the person's data the apps took from the account (the name on a
    disclosure request) are erased by each app's registered ``erase`` in the same
    transaction.
    Staff accounts are closed by the system administrator, never here.
    """
    if actor is None or getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied("只能注销本人的账户", code="account_close_not_own")
    if user.kind == User.Kind.STAFF:
        raise PermissionDenied("工作人员账户不能自行注销,请联系系统管理员", code="account_close_staff")
    if not password or not user.check_password(password):
        raise ValidationFailed("密码不正确", code="account_close_wrong_password", details={"field": "password"})
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=user.pk)
        kind = account.kind
        account.is_active = False
        account.closed_at = timezone.now()
        account.real_name = f"{CLOSED_NAME}{account.pk}"
        account.id_number = None
        account.credit_code = None
        account.legal_representative = ""
        account.phone = ""
        account.phone_verified_at = None
        account.address = ""
        account.email = ""
        account.first_name = account.last_name = ""
        # Not derived from the ID number any more (that was erased): a fixed pseudonym.
        account.username = f"closed-{account.pk}"
        account.set_unusable_password()
        account.save()
        erased = {source.key: source.erase(account) for source in personal_data_sources() if source.erase}
        audit_record(actor=account, action="accounts.close", obj=account,
                     details={"kind": kind, "erased": {k: n for k, n in erased.items() if n}})
    return account
