"""Trust in the seal (issue 15, finding 8): the root certificate is public, the notice is tagged."""

import hashlib
import io
import re

import pytest
from cryptography import x509
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from zhengwu.core.seal.selectors import seal_trust_roots
from zhengwu.core.seal.services import notice_verify

from .test_seal_notice import _notice, seal, signed_pdf  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02X}" for b in digest)


# --- the public page ------------------------------------------------------------------

def test_root_page_shows_the_fingerprint_of_the_downloadable_certificate(seal):
    ca, _ = seal
    client = Client()

    page = client.get(reverse("seal:root")).content.decode()
    der = client.get(reverse("seal:root_download", kwargs={"serial": ca.serial, "fmt": "der"}))

    assert der.status_code == 200 and der["Content-Type"] == "application/pkix-cert"
    assert "attachment" in der["Content-Disposition"]
    certificate = x509.load_der_x509_certificate(der.content)
    assert certificate.serial_number == int(ca.serial, 16)
    # The fingerprint on the page is the one a citizen's viewer computes from the file.
    assert _colon_hex(hashlib.sha256(der.content).digest()) in page


def test_root_is_also_offered_as_pem_equal_to_the_trust_root(seal):
    ca, _ = seal

    pem = Client().get(reverse("seal:root_download", kwargs={"serial": ca.serial, "fmt": "pem"}))

    assert pem.status_code == 200 and pem.content.decode() == ca.certificate_pem
    assert pem.content.decode() in seal_trust_roots()


def test_root_page_explains_how_to_check_a_notice_in_chinese(seal):
    page = Client().get(reverse("seal:root")).content.decode()

    for words in ("Adobe Acrobat Reader", "WPS", "pdfsig", "核对指纹", "可信任的根证书"):
        assert words in page


def test_unknown_serial_or_format_is_404(seal):
    ca, _ = seal
    client = Client()

    assert client.get(reverse("seal:root_download", kwargs={"serial": "ffff", "fmt": "pem"})).status_code == 404
    assert client.get(reverse("seal:root_download", kwargs={"serial": ca.serial, "fmt": "exe"})).status_code == 404


def test_page_without_a_county_root_says_so():
    page = Client().get(reverse("seal:root"))

    assert page.status_code == 200 and "尚未启用电子印章" in page.content.decode()


def test_footer_of_every_public_page_links_the_root_page():
    home = Client().get(reverse("portal:home")).content.decode()

    assert f'href="{reverse("seal:root")}"' in home


def test_rating_page_with_a_result_links_the_root_page():
    from django.template.loader import get_template

    source = get_template("ratings/rate.html").template.source

    download = source.index("core:file_download")
    assert "{% url 'seal:root' %}" in source[download: download + 300]


# --- the tagged notice ----------------------------------------------------------------

def _structure(reader: PdfReader) -> list[str]:
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"].get_object()
    [document] = [k.get_object() for k in tree["/K"]]
    assert document["/S"] == "/Document"
    return [kid.get_object()["/S"] for kid in document["/K"]]


def test_notice_is_a_tagged_pdf_in_chinese_with_a_title():
    reader = PdfReader(io.BytesIO(_notice()))
    root = reader.trailer["/Root"]

    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712  (a PDF boolean object)
    assert root["/Lang"] == "zh-CN"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert reader.metadata.title == "准予行政许可决定书(SL2025060300012)"
    tags = _structure(reader)
    assert tags.count("/H1") == 1 and tags.count("/P") >= 5


def test_every_structure_element_points_at_marked_content_on_the_page():
    reader = PdfReader(io.BytesIO(_notice()))
    page = reader.pages[0]
    content = page.get_contents().get_data().decode("latin-1")

    mcids = [int(m) for m in re.findall(r"<<\s*/MCID (\d+)\s*>> BDC", content)]
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    [document] = [k.get_object() for k in tree["/K"]]
    pointed = [kid.get_object()["/K"] for kid in document["/K"]]

    assert sorted(pointed) == mcids == list(range(len(mcids)))
    assert page["/StructParents"] == 0
    parents = tree["/ParentTree"].get_object()["/Nums"]
    assert parents[0] == 0 and len(parents[1].get_object()) == len(mcids)
    assert "/Artifact BMC" in content  # the decorative rules are not read aloud


def test_sealed_notice_stays_tagged_and_its_signature_verifies(signed_pdf):
    signed, _ = signed_pdf

    reader = PdfReader(io.BytesIO(signed))
    result = notice_verify(signed, trust_roots=seal_trust_roots())

    assert "/H1" in _structure(reader) and reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert result.intact is True and result.valid is True
