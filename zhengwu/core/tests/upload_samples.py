"""Build small, real sample files for the upload tests."""

import gzip
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image



def pdf_document(objects: dict[int, bytes], *, root: int = 1) -> bytes:
    """A complete PDF (header, objects, xref table, trailer) from ``{number: body}``."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref_at)
    return bytes(out)


PAGE_OBJECTS = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
}
PDF_BYTES = pdf_document(PAGE_OBJECTS)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "ZhengwuCam"  # Make
    exif[0x0131] = "secret-software"  # Software
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 200)).save(buf, format="JPEG", exif=exif.tobytes())
    return buf.getvalue()


def zip_bytes(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def content_types(main_part: str, main_type: str, *defaults: tuple[str, str]) -> bytes:
    """An OPC [Content_Types].xml declaring rels, xml and the main part."""
    extra = "".join(f'<Default Extension="{ext}" ContentType="{ct}"/>' for ext, ct in defaults)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'{extra}<Override PartName="{main_part}" ContentType="{main_type}"/></Types>'
    ).encode()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def docx_entries(*defaults: tuple[str, str], main_type: str = DOCX_MAIN) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": content_types("/word/document.xml", main_type, *defaults),
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        "word/document.xml": b'<?xml version="1.0"?><w:document/>',
    }


def docx_bytes(**extra: bytes) -> bytes:
    return zip_bytes({**docx_entries(), **extra})


def xlsx_bytes() -> bytes:
    return zip_bytes({
        "[Content_Types].xml": content_types("/xl/workbook.xml", XLSX_MAIN),
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><worksheet/>',
    })


def ofd_bytes() -> bytes:
    return zip_bytes({
        "OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD/>',
        "Doc_0/Document.xml": b'<?xml version="1.0"?><ofd:Document/>',
    })


def gzip_bytes() -> bytes:
    return gzip.compress(b"hello" * 10)


_ENCODERS = {
    "/ASCIIHexDecode": lambda data: data.hex().upper().encode() + b">",
    "/ASCII85Decode": lambda data: __import__("base64").a85encode(data) + b"~>",
    "/FlateDecode": lambda data: __import__("zlib").compress(data),
}


def encode_stream(data: bytes, filters: list[str]) -> bytes:
    """Encode ``data`` so that decoding with ``filters`` (in PDF order) gives it back."""
    for name in reversed(filters):
        data = _ENCODERS[name](data)
    return data


def pdf_with_object_stream(hidden: dict[int, bytes], filters: list[str], *, plain: dict[int, bytes] | None = None) -> bytes:
    """A PDF 1.5 whose objects ``hidden`` live in one object stream encoded with ``filters``.

    The cross-reference is a stream too (as PDF 1.5 requires for compressed objects), so
    nothing of the hidden objects appears in the file's bytes.
    """
    plain = dict(PAGE_OBJECTS if plain is None else plain)
    header, body = [], b""
    for num in sorted(hidden):
        header.append(b"%d %d" % (num, len(body)))
        body += hidden[num] + b" "
    head = b" ".join(header) + b" "
    objstm_num = max([*plain, *hidden]) + 1
    xref_num = objstm_num + 1
    encoded = encode_stream(head + body, filters)
    filter_entry = b"[" + b" ".join(f.encode() for f in filters) + b"]"
    plain[objstm_num] = (
        b"<< /Type /ObjStm /N %d /First %d /Filter %s /Length %d >>\nstream\n"
        % (len(hidden), len(head), filter_entry, len(encoded)) + encoded + b"\nendstream"
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(plain):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + plain[num] + b"\nendobj\n"
    offsets[xref_num] = len(out)
    size = xref_num + 1
    index = {num: i for i, num in enumerate(sorted(hidden))}
    rows = b""
    for num in range(size):
        if num in offsets:
            rows += bytes([1]) + offsets[num].to_bytes(4, "big") + b"\0\0"
        elif num in hidden:
            rows += bytes([2]) + objstm_num.to_bytes(4, "big") + index[num].to_bytes(2, "big")
        else:
            rows += bytes([0]) + b"\0\0\0\0" + b"\xff\xff"
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_num, size, len(rows)) + rows + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_num]
    return bytes(out)
