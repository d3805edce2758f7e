"""The sealed notice: Chinese text, a pyHanko signature that pyHanko and poppler both accept.

pdfsig checks the signature against the NSS system store, where the demo county's CA
is not installed: it reports the *signature* valid ("Signature is Valid.") and the
*certificate* as not trusted ("Certificate issuer isn't Trusted."). Trust in the county
root is what ``notice_verify`` checks, with the CA passed as trust root.
"""

import datetime as dt
import hashlib
import io
import re
import subprocess

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.generic import TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.core.seal.notice_pdf import SEAL_BOX, notice_pdf_render
from zhengwu.core.seal.selectors import seal_certificate_get, seal_trust_roots
from zhengwu.core.seal.services import (
    notice_sign,
    notice_verify,
    seal_ca_create,
    seal_certificate_issue,
)
from zhengwu.org.models import Unit
from zhengwu.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

DECISION = (
    "你于2025年5月20日提出的农村村民宅基地审批申请,本机关已依法受理。经审查,申请材料齐全,"
    "符合法定形式和法定条件。\n根据《中华人民共和国行政许可法》第三十八条第一款的规定,决定准予行政许可。"
)


def _notice(**overrides) -> bytes:
    fields = {
        "title": "准予行政许可决定书", "receipt_no": "SL2025060300012", "applicant_name": "张三",
        "item_name": "农村村民宅基地审批", "decision_text": DECISION, "unit_name": "示例县自然资源局",
        "issued_on": dt.date(2025, 6, 3),
    }
    fields.update(overrides)
    return notice_pdf_render(**fields)


@pytest.fixture
def seal(db):
    ca = seal_ca_create(actor=None, county_name="示例县人民政府")
    unit = seal_certificate_issue(actor=None, unit_code="D-ZRZY", unit_name="示例县自然资源局")
    return ca, unit


@pytest.fixture
def signed_pdf(seal, tmp_path):
    signed = notice_sign(actor=None, pdf_bytes=_notice(), unit_code="D-ZRZY")
    path = tmp_path / "notice.pdf"
    path.write_bytes(signed)
    return signed, path


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, check=False)


def test_notice_text_is_extractable_chinese_with_title_and_receipt_number(tmp_path):
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(_notice())

    text = _run("pdftotext", "-layout", str(path), "-").stdout

    assert "准予行政许可决定书" in text
    assert "受理编号:SL2025060300012" in text
    assert "张三" in text and "农村村民宅基地审批" in text
    assert "2025年6月3日" in text


def test_blank_title_falls_back_to_the_approval_notice_title(tmp_path):
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(_notice(title=""))

    assert "准予行政许可决定书" in _run("pdftotext", str(path), "-").stdout


def test_notice_is_one_a4_page():
    reader = PdfFileReader(io.BytesIO(_notice()))

    assert len(reader.root["/Pages"]["/Kids"]) == 1
    assert [round(float(v)) for v in reader.root["/Pages"]["/Kids"][0]["/MediaBox"]] == [0, 0, 595, 842]


def test_render_refuses_missing_fields_and_text_too_long_for_one_page():
    with pytest.raises(ValidationFailed):
        _notice(receipt_no=" ")
    with pytest.raises(ValidationFailed):
        _notice(decision_text="准予许可。" * 400)


def test_signed_notice_verifies_with_pyhanko_against_the_county_ca(signed_pdf, seal):
    signed, _ = signed_pdf

    result = notice_verify(signed, trust_roots=seal_trust_roots())

    assert result.intact is True and result.valid is True
    assert "示例县自然资源局" in result.signer_subject
    assert result.signed_at is not None


def test_signed_notice_is_not_valid_against_another_root(signed_pdf, seal):
    signed, _ = signed_pdf
    ca, _ = seal
    ca.is_active = False
    ca.save()
    other = seal_ca_create(actor=None, county_name="别的县人民政府")

    result = notice_verify(signed, trust_roots=[other.certificate_pem])

    assert result.intact is True and result.valid is False


def test_signature_is_a_visible_pades_field_on_page_one_at_the_seal_position(signed_pdf):
    signed, _ = signed_pdf
    reader = PdfFileReader(io.BytesIO(signed))

    (signature,) = reader.embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "电子印章"
    assert signature.sig_object["/Location"] == "示例县人民政府"
    widget = signature.sig_field
    assert [round(float(v), 2) for v in widget["/Rect"]] == [round(v, 2) for v in SEAL_BOX]
    assert widget["/P"] == reader.root["/Pages"]["/Kids"][0]
    assert "/AP" in widget  # the red seal is the signature's appearance


def test_signed_notice_embeds_the_chain_up_to_the_county_ca(signed_pdf, seal):
    signed, _ = signed_pdf
    ca, unit = seal
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures

    serials = {format(cert.serial_number, "x") for cert in signature.other_embedded_certs}
    assert ca.serial in serials
    assert format(signature.signer_cert.serial_number, "x") == unit.serial


def test_pdfsig_reports_the_signature_valid_and_names_the_department(signed_pdf):
    _, path = signed_pdf

    run = _run("pdfsig", str(path))

    assert run.returncode == 0
    assert "Signature Validation: Signature is Valid." in run.stdout
    assert "Signer Certificate Common Name: 示例县自然资源局" in run.stdout
    assert "Total document signed" in run.stdout
    # The county CA is not in the system's NSS store (see the module docstring).
    assert re.search(r"Certificate Validation: Certificate (issuer isn't Trusted|issuer is unknown)", run.stdout)


def _tamper_inside_first_signed_range(signed: bytes) -> bytes:
    first_range_end = int(re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", signed).group(1))
    offset = signed.find(b"ReportLab")
    assert 0 < offset < first_range_end
    return signed[:offset] + b"X" + signed[offset + 1 :]


def test_one_changed_byte_breaks_the_seal_for_pyhanko(signed_pdf):
    signed, _ = signed_pdf

    result = notice_verify(_tamper_inside_first_signed_range(signed), trust_roots=seal_trust_roots())

    assert result.intact is False and result.valid is False


def test_one_changed_byte_breaks_the_seal_for_pdfsig(signed_pdf, tmp_path):
    signed, _ = signed_pdf
    path = tmp_path / "tampered.pdf"
    path.write_bytes(_tamper_inside_first_signed_range(signed))

    run = _run("pdfsig", str(path))

    assert "Signature is Valid." not in run.stdout
    assert re.search(r"Signature Validation: (Digest Mismatch|Signature is Invalid)", run.stdout)


def test_appending_an_update_after_sealing_makes_the_notice_invalid(signed_pdf, seal):
    signed, _ = signed_pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    result = notice_verify(out.getvalue(), trust_roots=seal_trust_roots())

    assert result.intact is True and result.valid is False


def test_sign_is_audited_with_the_certificate_and_the_output_hash(signed_pdf, seal):
    signed, _ = signed_pdf
    _, unit = seal

    event = AuditEvent.objects.get(action="seal.sign")
    assert event.object_id == str(unit.pk)
    assert event.details["serial"] == unit.serial
    assert event.details["output_sha256"] == hashlib.sha256(signed).hexdigest()


def test_sign_for_a_unit_without_certificate_is_refused_and_not_audited(seal):
    with pytest.raises(NotFound):
        notice_sign(actor=None, pdf_bytes=_notice(), unit_code="NOPE")

    assert not AuditEvent.objects.filter(action="seal.sign").exists()


def test_sign_refuses_bytes_that_are_not_a_pdf(seal):
    with pytest.raises(ValidationFailed):
        notice_sign(actor=None, pdf_bytes=b"not a pdf at all", unit_code="D-ZRZY")


def test_verify_refuses_an_unsigned_pdf(seal):
    with pytest.raises(ValidationFailed):
        notice_verify(_notice(), trust_roots=seal_trust_roots())


def test_seal_setup_certificates_can_sign_a_notice_that_verifies():
    UnitFactory(code="D9", name="示例县民政局", kind=Unit.Kind.DEPARTMENT)
    call_command("seal_setup", stdout=io.StringIO())
    assert seal_certificate_get(unit_code="D9") is not None

    signed = notice_sign(actor=None, pdf_bytes=_notice(unit_name="示例县民政局"), unit_code="D9")

    assert notice_verify(signed, trust_roots=seal_trust_roots()).valid is True
