import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from zhengwu.core.errors import Conflict, NotFound, ValidationFailed
from zhengwu.core.models import AuditEvent, SealCertificate
from zhengwu.core.seal import certificates
from zhengwu.core.seal.services import seal_ca_create, seal_certificate_issue
from zhengwu.org.models import Unit
from zhengwu.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _load(row: SealCertificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(row.certificate_pem.encode())


def test_ca_create_makes_a_self_signed_p256_root_and_audits_it():
    ca = seal_ca_create(actor=None, county_name="示例县人民政府")

    cert = _load(ca)
    assert cert.issuer == cert.subject
    assert isinstance(cert.public_key().curve, ec.SECP256R1)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "示例县人民政府"
    assert AuditEvent.objects.filter(action="seal.ca.create", object_id=str(ca.pk)).count() == 1


def test_second_ca_is_refused_and_nothing_is_saved():
    seal_ca_create(actor=None, county_name="示例县人民政府")

    with pytest.raises(Conflict):
        seal_ca_create(actor=None, county_name="示例县人民政府")

    assert SealCertificate.objects.filter(kind="ca").count() == 1


def test_issued_unit_certificate_names_the_department_signs_only_and_lasts_three_years():
    ca = seal_ca_create(actor=None, county_name="示例县人民政府")

    row = seal_certificate_issue(actor=None, unit_code="D-ZRZY", unit_name="示例县自然资源局")

    cert = _load(row)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "示例县自然资源局"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "示例县自然资源局"
    assert cert.issuer == _load(ca).subject
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365.25
    assert 2.99 < years < 3.01
    _load(ca).public_key().verify(
        cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm)
    )
    assert (row.unit_code, row.serial, row.issuer_id) == ("D-ZRZY", format(cert.serial_number, "x"), ca.pk)
    assert AuditEvent.objects.filter(action="seal.certificate.issue", object_id=str(row.pk)).count() == 1


def test_issue_without_a_ca_is_refused():
    with pytest.raises(NotFound):
        seal_certificate_issue(actor=None, unit_code="D1", unit_name="示例县教育局")


def test_issue_rejects_blank_unit_name():
    seal_ca_create(actor=None, county_name="示例县人民政府")

    with pytest.raises(ValidationFailed):
        seal_certificate_issue(actor=None, unit_code="D1", unit_name="  ")

    assert not SealCertificate.objects.filter(kind="unit").exists()


def test_second_issue_needs_replace_and_replacing_retires_the_old_certificate():
    seal_ca_create(actor=None, county_name="示例县人民政府")
    first = seal_certificate_issue(actor=None, unit_code="D1", unit_name="示例县教育局")

    with pytest.raises(Conflict):
        seal_certificate_issue(actor=None, unit_code="D1", unit_name="示例县教育局")
    second = seal_certificate_issue(actor=None, unit_code="D1", unit_name="示例县教育局", replace=True)

    first.refresh_from_db()
    assert first.is_active is False and second.is_active is True
    event = AuditEvent.objects.get(action="seal.certificate.issue", object_id=str(second.pk))
    assert event.details["replaces"] == [first.serial]


def test_stored_key_is_encrypted_pkcs8_that_needs_the_passphrase():
    ca = seal_ca_create(actor=None, county_name="示例县人民政府")

    assert ca.encrypted_key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(ca.encrypted_key_pem.encode(), password=None)
    with override_settings(ZHENGWU_SEAL_KEY_PASSPHRASE="another-passphrase-entirely"), pytest.raises(ValueError):
        certificates.decrypt_private_key(ca.encrypted_key_pem)
    key = certificates.decrypt_private_key(ca.encrypted_key_pem)
    assert key.public_key() == _load(ca).public_key()


def test_configured_passphrase_replaces_the_derived_one():
    with override_settings(ZHENGWU_SEAL_KEY_PASSPHRASE="a-long-random-seal-passphrase-0123456789"):
        ca = seal_ca_create(actor=None, county_name="示例县人民政府")
        certificates.decrypt_private_key(ca.encrypted_key_pem)

    with pytest.raises(ValueError):
        certificates.decrypt_private_key(ca.encrypted_key_pem)


def test_no_private_key_appears_in_clear_in_the_database_dump_or_var_files(settings):
    UnitFactory(code="D1", name="示例县教育局", kind=Unit.Kind.DEPARTMENT)
    call_command("seal_setup", stdout=io.StringIO())

    # Every row of every table, read raw, plus the serialised form backups use.
    with connection.cursor() as cursor:
        rows = []
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(cursor.fetchall())
    dump = io.StringIO()
    call_command("dumpdata", "core", stdout=dump)
    text = repr(rows) + dump.getvalue()
    assert "ENCRYPTED PRIVATE KEY" in text  # the keys are in the dump, but only encrypted
    assert "BEGIN PRIVATE KEY" not in text
    assert "BEGIN EC PRIVATE KEY" not in text
    for path in settings.VAR_DIR.rglob("*"):
        if path.is_file() and path.stat().st_size < 50 * 1024 * 1024:
            data = path.read_bytes()
            assert b"BEGIN PRIVATE KEY" not in data, path
            assert b"BEGIN EC PRIVATE KEY" not in data, path


def test_seal_setup_creates_ca_once_and_certificates_for_active_departments_only():
    UnitFactory(code="D1", name="示例县教育局", kind=Unit.Kind.DEPARTMENT)
    UnitFactory(code="D2", name="示例县民政局", kind=Unit.Kind.DEPARTMENT)
    UnitFactory(code="D3", name="示例县旧局", kind=Unit.Kind.DEPARTMENT, is_active=False)
    UnitFactory(code="C1", name="示例县", kind=Unit.Kind.COUNTY)

    call_command("seal_setup", stdout=io.StringIO())

    assert SealCertificate.objects.filter(kind="ca").count() == 1
    assert set(SealCertificate.objects.filter(kind="unit").values_list("unit_code", flat=True)) == {"D1", "D2"}


def test_seal_setup_is_idempotent_and_fills_in_new_departments():
    UnitFactory(code="D1", name="示例县教育局", kind=Unit.Kind.DEPARTMENT)
    call_command("seal_setup", stdout=io.StringIO())
    before = set(SealCertificate.objects.values_list("serial", flat=True))

    call_command("seal_setup", stdout=io.StringIO())
    assert set(SealCertificate.objects.values_list("serial", flat=True)) == before

    UnitFactory(code="D2", name="示例县民政局", kind=Unit.Kind.DEPARTMENT)
    call_command("seal_setup", stdout=io.StringIO())
    after = set(SealCertificate.objects.values_list("serial", flat=True))
    assert before < after and len(after - before) == 1
    assert AuditEvent.objects.filter(action="seal.ca.create").count() == 1
