"""Reads of seal certificates."""

from __future__ import annotations

from zhengwu.core.models import SealCertificate


def seal_ca_get_active() -> SealCertificate | None:
    return SealCertificate.objects.filter(kind=SealCertificate.Kind.CA, is_active=True).first()


def seal_certificate_get(*, unit_code: str) -> SealCertificate | None:
    """Return the unit's active seal certificate (with its issuer), or None."""
    return (
        SealCertificate.objects.select_related("issuer")
        .filter(kind=SealCertificate.Kind.UNIT, unit_code=unit_code, is_active=True)
        .first()
    )


def seal_certificate_exists(*, unit_code: str) -> bool:
    """Cheap yes/no asked on every case conclusion (one prepared statement, no model)."""
    from django.db import connection

    from zhengwu.core import fastsql

    table = connection.ops.quote_name(SealCertificate._meta.db_table)
    row = fastsql.fetch_one(
        f"SELECT 1 FROM {table} WHERE kind = %s AND unit_code = %s AND is_active = %s LIMIT 1",  # nosec B608 - table name from the model
        [SealCertificate.Kind.UNIT, unit_code, True],
    )
    return row is not None


def seal_unit_codes_with_certificate() -> set[str]:
    return set(
        SealCertificate.objects.filter(kind=SealCertificate.Kind.UNIT, is_active=True).values_list(
            "unit_code", flat=True
        )
    )


def seal_trust_roots() -> list[str]:
    """Return every county CA certificate ever created (PEM), to verify notices with.

    Retired CAs stay trust roots: notices sealed before a CA rotation must still verify.
    """
    return list(
        SealCertificate.objects.filter(kind=SealCertificate.Kind.CA).order_by("not_before").values_list(
            "certificate_pem", flat=True
        )
    )


def seal_roots_published() -> list[dict]:
    """The county root certificates a citizen may need to check a notice, newest first.

    Retired roots are listed too (marked as such): notices sealed under them still verify.
    """
    from .certificates import certificate_fingerprint

    rows = SealCertificate.objects.filter(kind=SealCertificate.Kind.CA).order_by("-is_active", "-not_before")
    return [
        {
            "serial": row.serial, "subject": row.subject, "unit_name": row.unit_name,
            "not_before": row.not_before, "not_after": row.not_after, "is_active": row.is_active,
            "sha256": certificate_fingerprint(row.certificate_pem),
        }
        for row in rows
    ]


def seal_root_pem(*, serial: str) -> str | None:
    return (
        SealCertificate.objects.filter(kind=SealCertificate.Kind.CA, serial=serial[:64])
        .values_list("certificate_pem", flat=True).first()
    )
