"""Audited writes of the electronic seal: create the county CA, issue seal certificates, seal PDFs."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, NotFound, ValidationFailed
from zhengwu.core.models import SealCertificate

from . import certificates, selectors
from .signing import VerificationResult, notice_verify, pdf_sign

__all__ = ["VerificationResult", "notice_sign", "notice_verify", "seal_ca_create", "seal_certificate_issue"]

_NAME_MAX = SealCertificate._meta.get_field("unit_name").max_length
_CODE_MAX = SealCertificate._meta.get_field("unit_code").max_length


def _clean(value: str, *, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"{label}不能为空")
    if len(value) > max_length:
        raise ValidationFailed(f"{label}过长(最多 {max_length} 个字符)")
    if any(ord(ch) < 32 for ch in value):
        raise ValidationFailed(f"{label}含有非法字符")
    return value


def _row(issued: certificates.IssuedCertificate, **fields) -> SealCertificate:
    return SealCertificate(
        subject=issued.subject[:300],
        serial=issued.serial_hex,
        not_before=issued.certificate.not_valid_before_utc,
        not_after=issued.certificate.not_valid_after_utc,
        certificate_pem=issued.certificate_pem,
        encrypted_key_pem=issued.encrypted_key_pem,
        **fields,
    )


def seal_ca_create(*, actor, county_name: str) -> SealCertificate:
    """Create the county's root CA (ECDSA P-256, 10 years); refuse if one is active."""
    county_name = _clean(county_name, label="县(区)名称", max_length=_NAME_MAX)
    issued = certificates.ca_build(county_name=county_name, now=timezone.now())
    try:
        with transaction.atomic():
            if SealCertificate.objects.select_for_update().filter(kind=SealCertificate.Kind.CA, is_active=True).exists():
                raise Conflict("本县电子印章根证书已存在,不能重复创建")
            ca = _row(issued, kind=SealCertificate.Kind.CA, unit_name=county_name)
            ca.save()
            audit_record(
                actor=actor, action="seal.ca.create", obj=ca,
                details={"subject": ca.subject, "serial": ca.serial, "not_after": ca.not_after.isoformat()},
            )
    except IntegrityError as exc:  # a concurrent create won the partial unique index
        raise Conflict("本县电子印章根证书已存在,不能重复创建") from exc
    return ca


def seal_certificate_issue(*, actor, unit_code: str, unit_name: str, replace: bool = False) -> SealCertificate:
    """Issue a department's seal certificate under the active county CA (3 years).

    A unit holds one active certificate; with ``replace=True`` the old one is retired
    (renewal, change of name), otherwise a second issue is refused.
    """
    unit_code = _clean(unit_code, label="机构代码", max_length=_CODE_MAX)
    unit_name = _clean(unit_name, label="机构名称", max_length=_NAME_MAX)
    ca = selectors.seal_ca_get_active()
    if ca is None:
        raise NotFound("尚未创建本县电子印章根证书,请先运行 seal_setup")
    issued = certificates.unit_certificate_build(
        ca_certificate_pem=ca.certificate_pem, ca_encrypted_key_pem=ca.encrypted_key_pem,
        unit_code=unit_code, unit_name=unit_name, county_name=ca.unit_name, now=timezone.now(),
    )
    try:
        with transaction.atomic():
            current = list(
                SealCertificate.objects.select_for_update().filter(
                    kind=SealCertificate.Kind.UNIT, unit_code=unit_code, is_active=True
                )
            )
            if current and not replace:
                raise Conflict(f"{unit_name}已有有效的电子印章证书")
            for old in current:
                old.is_active = False
                old.save(update_fields=["is_active", "updated_at"])
            certificate = _row(
                issued, kind=SealCertificate.Kind.UNIT, unit_code=unit_code, unit_name=unit_name, issuer=ca
            )
            certificate.save()
            audit_record(
                actor=actor, action="seal.certificate.issue", obj=certificate,
                details={
                    "unit_code": unit_code, "subject": certificate.subject, "serial": certificate.serial,
                    "not_after": certificate.not_after.isoformat(),
                    "replaces": [old.serial for old in current],
                },
            )
    except IntegrityError as exc:
        raise Conflict(f"{unit_name}已有有效的电子印章证书") from exc
    return certificate


def notice_sign(*, actor, pdf_bytes: bytes, unit_code: str) -> bytes:
    """Seal a PDF with the unit's certificate (visible seal on page 1) and return it.

    The signature is computed before the transaction (it needs no rows locked); the
    signed bytes are handed back only once the audit row has committed.
    """
    if not pdf_bytes:
        raise ValidationFailed("待盖章的文件为空")
    certificate = selectors.seal_certificate_get(unit_code=unit_code)
    if certificate is None:
        raise NotFound("该部门尚无有效的电子印章证书")
    now = timezone.now()
    if not (certificate.not_before <= now < certificate.not_after):
        raise ValidationFailed("该部门的电子印章证书不在有效期内,请更新证书")
    ca = certificate.issuer
    signed = pdf_sign(
        pdf_bytes=pdf_bytes,
        certificate_pem=certificate.certificate_pem,
        encrypted_key_pem=certificate.encrypted_key_pem,
        chain_pems=[ca.certificate_pem],
        signer_name=certificate.unit_name,
        location=ca.unit_name,
    )
    with transaction.atomic():
        audit_record(
            actor=actor, action="seal.sign", obj=certificate,
            details={
                "unit_code": unit_code,
                "serial": certificate.serial,
                "input_sha256": hashlib.sha256(pdf_bytes).hexdigest(),
                "output_sha256": hashlib.sha256(signed).hexdigest(),
            },
        )
    return signed
