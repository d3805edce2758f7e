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
