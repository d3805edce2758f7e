"""Sign a PDF with a seal certificate and verify it, through pyHanko.

PAdES baseline B-B (ETSI.CAdES.detached, SHA-256), the certificate chain embedded so a
verifier needs only the county root. No timestamp authority: the demo county has none,
so the signing time is the one the signer reports (``signed_at``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import (
    AxisAlignment,
    BoxConstraints,
    Margins,
    SimpleBoxLayoutRule,
)
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from zhengwu.core.errors import ValidationFailed

from .certificates import decrypt_private_key
from .notice_pdf import SEAL_BOX, seal_appearance_render

SEAL_FIELD_NAME = "ElectronicSeal"
SEAL_REASON = "电子印章"


@dataclass(frozen=True)
class VerificationResult:
    intact: bool  # the signed bytes are unchanged
    valid: bool  # intact, cryptographically valid, chains to a trust root, covers the whole file
    signer_subject: str
    signed_at: dt.datetime | None


class _PdfBytesPage(PdfContent):
    """pyHanko's ImportedPdfPage, reading from memory instead of a file name."""

    def __init__(self, pdf_bytes: bytes):
        self.pdf_bytes = pdf_bytes
        super().__init__()

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.pdf_bytes)), page_ix=0)
        name = "/SealAppearance"
        self.resources.xobject[name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return name.encode() + b" Do"


def _asn1_certificate(pem: str) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)
    return asn1_x509.Certificate.load(der)


def pdf_sign(
    *, pdf_bytes: bytes, certificate_pem: str, encrypted_key_pem: str, chain_pems: list[str],
    signer_name: str, location: str,
) -> bytes:
    """Add a visible seal signature on page 1 at ``SEAL_BOX`` and return the signed PDF."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError) as exc:
        raise ValidationFailed("待盖章的文件不是有效的 PDF") from exc
    fields.append_signature_field(
        writer, sig_field_spec=fields.SigFieldSpec(sig_field_name=SEAL_FIELD_NAME, on_page=0, box=SEAL_BOX)
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(certificate_pem),
        signing_key=translate_pyca_cryptography_key_to_asn1(decrypt_private_key(encrypted_key_pem)),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(pem) for pem in chain_pems]),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD_NAME,
        reason=SEAL_REASON,
        location=location,
        name=signer_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    stamp_style = StaticStampStyle(
        background=_PdfBytesPage(seal_appearance_render(unit_name=signer_name)),
        background_opacity=1.0,
        border_width=0,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID, margins=Margins.uniform(0)
        ),
    )
    output = io.BytesIO()
    try:
        signers.PdfSigner(metadata, signer=signer, stamp_style=stamp_style).sign_pdf(writer, output=output)
    except SigningError as exc:
        raise ValidationFailed("电子印章签名失败") from exc
    return output.getvalue()


def notice_verify(pdf_bytes: bytes, *, trust_roots: list[str]) -> VerificationResult:
    """Validate every signature in the PDF against the given root certificates (PEM); all must pass.

    ``valid`` means intact, cryptographically sound, chained to one of ``trust_roots``,
    within the certificate's validity and covering the whole file.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError) as exc:
        raise ValidationFailed("文件不是有效的 PDF") from exc
    if not embedded:
        raise ValidationFailed("文件中没有电子印章签名")
    context = ValidationContext(trust_roots=[_asn1_certificate(pem) for pem in trust_roots])
    intact = valid = True
    first_subject, first_signed_at = "", None
    for signature in embedded:
        try:
            status = validate_pdf_signature(signature, context)
        except (PdfError, ValueError) as exc:
            # A signature whose bytes no longer parse is as good as broken.
            del exc
            intact = valid = False
            continue
        intact = intact and status.intact
        # A later incremental update could change what the reader sees: a notice is only
        # valid when its signature covers the whole file.
        valid = valid and status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        if not first_subject:
            first_subject = status.signing_cert.subject.human_friendly
            first_signed_at = status.signer_reported_dt
    return VerificationResult(intact=intact, valid=valid, signer_subject=first_subject, signed_at=first_signed_at)
