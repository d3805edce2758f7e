"""Issue 15 finding 3: uploads are parsed, not pattern-matched.

Every malicious sample is built here, byte by byte, so the test shows what it refuses.
"""

import io
import zipfile

import pytest
from PIL import Image

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import StoredFile
from zhengwu.core.uploads import files_store

from .upload_samples import (
    PAGE_OBJECTS,
    PDF_BYTES,
    docx_entries,
    encode_stream,
    pdf_document,
    pdf_with_object_stream,
    upload,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

# The smallest thing Windows recognises as a program: a DOS stub pointing at "PE\0\0".
PE_PROGRAM = b"MZ" + b"\0" * 58 + (0x80).to_bytes(4, "little") + b"\0" * 64 + b"PE\0\0" + b"\x4c\x01" + b"\0" * 200


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def citizen():
    return CitizenFactory()


def refusal(actor, name: str, data: bytes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as exc:
        files_store(actor=actor, uploads=[upload(name, data)], purpose="case_material", owner=actor)
    assert StoredFile.objects.count() == 0
    return exc.value


def accepted(actor, name: str, data: bytes) -> StoredFile:
    [stored] = files_store(actor=actor, uploads=[upload(name, data)], purpose="case_material", owner=actor)
    return stored


CHAINS = [
    ["/ASCIIHexDecode"],
    ["/ASCII85Decode"],
    ["/ASCII85Decode", "/FlateDecode"],
    ["/ASCIIHexDecode", "/FlateDecode"],
    ["/ASCIIHexDecode", "/ASCII85Decode", "/FlateDecode"],
]


def catalog_with(extra: bytes) -> dict[int, bytes]:
    return {**PAGE_OBJECTS, 1: b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>"}


# --- PDF: active content hidden in object streams -------------------------------------

@pytest.mark.parametrize("filters", CHAINS, ids=lambda f: "+".join(n.strip("/") for n in f))
def test_open_action_script_in_encoded_object_stream_is_refused(citizen, filters):
    evil = pdf_with_object_stream(
        {4: b"<< /Type /Action /S /JavaScript /JS (app.launchURL('http://x');) >>"}, filters,
        plain=catalog_with(b"/OpenAction 4 0 R"),
    )
    assert b"JavaScript" not in evil and b"JS" not in evil  # given: invisible to a byte scan

    error = refusal(citizen, "通知.pdf", evil)

    assert error.code == "upload_pdf_active_content"
    assert error.message == "文件“通知.pdf”包含JavaScript 脚本,不允许上传"


@pytest.mark.parametrize("filters", CHAINS[1:3], ids=["a85", "a85+flate"])
def test_launch_action_on_page_open_in_object_stream_is_refused(citizen, filters):
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>"
    evil = pdf_with_object_stream(
        {4: b"<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>"}, filters, plain={**PAGE_OBJECTS, 3: page},
    )

    error = refusal(citizen, "a.pdf", evil)

    assert error.message == "文件“a.pdf”包含启动外部程序的动作,不允许上传"


def test_embedded_file_in_object_stream_is_refused(citizen):
    evil = pdf_with_object_stream({
        4: b"<< /EmbeddedFiles 5 0 R >>",
        5: b"<< /Names [(readme.exe) 6 0 R] >>",
        6: b"<< /Type /Filespec /F (readme.exe) >>",
    }, ["/ASCIIHexDecode", "/FlateDecode"], plain=catalog_with(b"/Names 4 0 R"))

    error = refusal(citizen, "b.pdf", evil)

    assert error.message == "文件“b.pdf”包含嵌入的文件,不允许上传"


def test_document_level_script_name_tree_is_refused(citizen):
    evil = pdf_with_object_stream(
        {4: b"<< /JavaScript 5 0 R >>", 5: b"<< /Names [] >>"}, ["/ASCII85Decode"], plain=catalog_with(b"/Names 4 0 R"),
    )

    assert "JavaScript" in refusal(citizen, "c.pdf", evil).message


def test_xfa_form_is_refused(citizen):
    evil = pdf_with_object_stream(
        {4: b"<< /Fields [] /XFA 5 0 R >>", 5: b"[(template) 6 0 R]", 6: b"<< >>"},
        ["/ASCII85Decode", "/FlateDecode"], plain=catalog_with(b"/AcroForm 4 0 R"),
    )

    assert "XFA" in refusal(citizen, "d.pdf", evil).message


def test_benign_object_stream_pdf_with_a_web_link_is_accepted(citizen):
    # Given a PDF whose page tree lives in an ASCII85+Flate object stream and which links to a site.
    pdf = pdf_with_object_stream({
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
        4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.gov.cn/) >> >>",
    }, ["/ASCII85Decode", "/FlateDecode"], plain={1: PAGE_OBJECTS[1]})

    assert accepted(citizen, "链接.pdf", pdf).kind == "pdf"


# --- PDF: the whole file must be a PDF ------------------------------------------------

def test_pdf_header_followed_by_a_program_is_refused(citizen):
    error = refusal(citizen, "发票.pdf", b"%PDF-1.4\n" + PE_PROGRAM)

    assert error.message.startswith("文件“发票.pdf”")
    assert error.code in {"upload_pdf_invalid", "upload_pdf_active_content"}


def test_pdf_header_followed_by_junk_is_refused_as_not_a_pdf(citizen):
    error = refusal(citizen, "x.pdf", b"%PDF-1.4\n" + b"hello world\n" * 50 + b"%%EOF\n")

    assert error.code == "upload_pdf_invalid"
    assert error.message == "文件“x.pdf”不是完整有效的 PDF 文件(无法解析),不允许上传"


def test_program_appended_after_the_end_of_a_valid_pdf_is_refused(citizen):
    error = refusal(citizen, "y.pdf", PDF_BYTES + PE_PROGRAM)

    assert error.code == "upload_pdf_invalid" and "文件结束标记之后" in error.message


def test_program_hidden_in_a_compressed_stream_is_refused(citizen):
    data = encode_stream(PE_PROGRAM, ["/FlateDecode"])
    objects = {**PAGE_OBJECTS, 4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"}

    error = refusal(citizen, "z.pdf", pdf_document(objects))

    assert error.message == "文件“z.pdf”包含可执行程序,不允许上传"


def test_truncated_pdf_is_refused(citizen):
    half = PDF_BYTES[: len(PDF_BYTES) // 2] + b"\n%%EOF\n"

    assert refusal(citizen, "half.pdf", half).code == "upload_pdf_invalid"


def test_stream_whose_filter_chain_does_not_decode_is_refused(citizen):
    bad = b"this is not ascii85 {{{"
    objects = {**PAGE_OBJECTS, 4: b"<< /Length %d /Filter [/ASCII85Decode /FlateDecode] >>\nstream\n" % len(bad) + bad + b"\nendstream"}

    assert refusal(citizen, "bad.pdf", pdf_document(objects)).code == "upload_pdf_invalid"


# --- OOXML: macros and programs --------------------------------------------------------

def docx(*defaults, main_type=None, **parts: bytes) -> bytes:
    entries = docx_entries(*defaults, **({"main_type": main_type} if main_type else {}))
    return zip_bytes({**entries, **{name.replace("__", "/"): data for name, data in parts.items()}})


BIN = ("bin", "application/vnd.openxmlformats-officedocument.oleObject")


def test_docx_with_vba_project_is_refused(citizen):
    evil = docx(("bin", "application/vnd.ms-office.vbaProject"), word__vbaProject_bin=b"\xd0\xcf\x11\xe0 vba")
    evil = evil.replace(b"vbaProject_bin", b"vbaProject.bin")  # same length: the zip stays valid

    error = refusal(citizen, "合同.docx", evil)

    assert error.code == "upload_macro"
    assert error.message == "文件“合同.docx”含有宏代码,不允许上传;请另存为不含宏的文档后再上传"


def test_docx_declaring_a_macro_enabled_main_part_is_refused(citizen):
    evil = docx(main_type="application/vnd.ms-word.document.macroEnabled.main+xml")

    assert refusal(citizen, "m.docx", evil).code == "upload_macro"


def test_docx_declaring_a_template_main_part_is_not_a_docx(citizen):
    dotx = docx(main_type="application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")

    error = refusal(citizen, "t.docx", dotx)

    assert error.code == "upload_content_mismatch" and "内容类型声明不正确" in error.message


@pytest.mark.parametrize("part", ["word/embeddings/setup.exe", "word/media/helper.dll", "customXml/run.js", "word/x.vbs"])
def test_docx_with_a_program_or_script_part_is_refused(citizen, part):
    evil = zip_bytes({**docx_entries(("exe", "application/octet-stream")), part: b"harmless looking bytes"})

    error = refusal(citizen, "d.docx", evil)

    assert error.code == "upload_embedded_executable" and part in error.message


def test_ole_object_carrying_a_program_is_refused(citizen):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + PE_PROGRAM
    evil = zip_bytes({**docx_entries(BIN), "word/embeddings/oleObject1.bin": ole})

    error = refusal(citizen, "o.docx", evil)

    assert error.code == "upload_embedded_executable" and "oleObject1.bin" in error.message


def test_ole_package_naming_a_script_is_refused(citizen):
    package = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + b"\x02\x00invoice.pdf.vbs\x00C:\\tmp\\invoice.pdf.vbs\x00"
    evil = zip_bytes({**docx_entries(BIN), "word/embeddings/oleObject1.bin": package})

    assert refusal(citizen, "p.docx", evil).code == "upload_embedded_executable"


def test_harmless_ole_object_is_accepted(citizen):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + b"\x02\x00equation.wmf\x00"
    good = zip_bytes({**docx_entries(BIN), "word/embeddings/oleObject1.bin": ole})

    assert accepted(citizen, "公式.docx", good).kind == "docx"


def test_docx_part_without_a_declared_content_type_is_refused(citizen):
    odd = zip_bytes({**docx_entries(), "word/media/image1.png": b"\x89PNG\r\n\x1a\nxx"})

    error = refusal(citizen, "n.docx", odd)

    assert "image1.png 没有声明内容类型" in error.message


def test_docx_with_declared_image_part_is_accepted(citizen):
    good = zip_bytes({**docx_entries(("png", "image/png")), "word/media/image1.png": b"\x89PNG\r\n\x1a\nxx"})

    assert accepted(citizen, "图文.docx", good).kind == "docx"


# --- OOXML: one zip, nothing before, between or after ------------------------------------

def test_program_appended_after_the_end_of_a_docx_is_refused(citizen):
    error = refusal(citizen, "glued.docx", docx() + PE_PROGRAM)

    assert error.code == "upload_content_mismatch" and "夹带了其他数据" in error.message


def test_bytes_inserted_between_zip_entries_are_refused(citizen):
    # Given a zip whose first entry is followed by a hidden program, the offsets fixed up.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in docx_entries().items():
            zf.writestr(name, data)
    original = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        second = sorted(zf.infolist(), key=lambda i: i.header_offset)[1].header_offset
    padded = original[:second] + PE_PROGRAM + original[second:]
    patched = _shift_central_directory(padded, after=second, by=len(PE_PROGRAM))
    with zipfile.ZipFile(io.BytesIO(patched)) as zf:
        assert zf.testzip() is None  # given: still a readable zip

    assert refusal(citizen, "gap.docx", patched).code in {"upload_content_mismatch", "upload_embedded_executable"}


def _shift_central_directory(data: bytes, *, after: int, by: int) -> bytes:
    """Fix the offsets of a zip after ``by`` bytes were inserted at ``after``."""
    import struct

    out = bytearray(data)
    eocd = out.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<LL", out, eocd + 12)
    struct.pack_into("<L", out, eocd + 16, cd_offset + by)
    pos = cd_offset + by
    while pos < cd_offset + by + cd_size:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, pos + 28)
        (local,) = struct.unpack_from("<L", out, pos + 42)
        if local >= after:
            struct.pack_into("<L", out, pos + 42, local + by)
        pos += 46 + name_len + extra_len + comment_len
    return bytes(out)


# --- images: the whole image must decode ---------------------------------------------------

def test_truncated_jpeg_is_refused(citizen):
    buf = io.BytesIO()
    Image.effect_noise((64, 64), 80).convert("RGB").save(buf, format="JPEG")

    error = refusal(citizen, "cut.jpg", buf.getvalue()[: len(buf.getvalue()) // 2])

    assert error.message == "文件“cut.jpg”不是有效的图片或已损坏"
