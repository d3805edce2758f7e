"""Decide what an uploaded file really is, and refuse what must not be stored.

Every check raises ``ValidationFailed`` with a Chinese message naming the file and the
rule, because the person uploading must be able to fix the problem themselves.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
import zlib
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from zhengwu.core.errors import ValidationFailed

from . import config

# Extensions that are archives in their own right: refused by name before anything is read.
ARCHIVE_EXTENSIONS = frozenset({
    "zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "tbz", "tbz2", "xz", "txz", "lz", "lzma",
    "zst", "z", "cab", "arj", "lzh", "iso", "jar", "war", "apk", "cpio", "ar",
})
EXTENSION_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OTHER_ARCHIVE_MAGICS = (
    b"Rar!\x1a\x07",          # RAR 4 and 5
    b"7z\xbc\xaf\x27\x1c",    # 7-Zip
    b"\x1f\x8b",              # gzip
    b"BZh",                   # bzip2
    b"\xfd7zXZ\x00",          # xz
    b"\x28\xb5\x2f\xfd",      # zstd
    b"MSCF",                  # cab
)
ZIP_CONTAINER_KINDS = ("docx", "xlsx", "ofd")
REQUIRED_ZIP_ENTRIES = {
    "docx": ("[Content_Types].xml", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "ofd": ("OFD.xml",),
}
KIND_LABELS = {"docx": "Word 文档", "xlsx": "Excel 表格", "ofd": "OFD 文件"}

_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;\u202a-\u202e\u2066-\u2069]')


def sanitize_name(raw: str | None) -> str:
    """Return a display-only name: no path, no control or bidi characters, at most 200 chars."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: 200 - len(ext) - 1] + "." + ext
        else:
            name = name[:200]
    return name or "未命名文件"


def extension_of(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def is_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def is_archive_bytes(head: bytes) -> bool:
    return head.startswith(ZIP_MAGICS) or head.startswith(OTHER_ARCHIVE_MAGICS) or is_tar(head)


def kind_from_name(display_name: str) -> str:
    """Map the extension to an allowed kind, or refuse the file by name alone."""
    ext = extension_of(display_name)
    if ext in ARCHIVE_EXTENSIONS:
        raise ValidationFailed(f"文件“{display_name}”是压缩包,不允许上传", code="upload_archive")
    kind = EXTENSION_ALIASES.get(ext, ext)
    allowed = config.allowed_kinds()
    if kind not in allowed:
        shown = f".{ext}" if ext else "(无扩展名)"
        raise ValidationFailed(
            f"不支持的文件类型:{shown},仅允许 {'、'.join(allowed)}", code="upload_type_not_allowed",
            details={"file": display_name},
        )
    return kind


def _mismatch(display_name: str, why: str = "") -> ValidationFailed:
    suffix = f"({why})" if why else ""
    return ValidationFailed(
        f"文件“{display_name}”的内容与扩展名不符{suffix}", code="upload_content_mismatch",
        details={"file": display_name},
    )


def check_content(path: Path, *, kind: str, display_name: str) -> None:
    """Require the bytes to match ``kind``; refuse archives and dangerous content."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    expected_zip = kind in ZIP_CONTAINER_KINDS
    if is_archive_bytes(head) and not (expected_zip and head.startswith(ZIP_MAGICS)):
        raise ValidationFailed(f"文件“{display_name}”是压缩包,不允许上传", code="upload_archive")
    if kind == "pdf":
        if not head.startswith(PDF_MAGIC):
            raise _mismatch(display_name)
        _check_pdf(path, display_name)
    elif kind == "png":
        if not head.startswith(PNG_MAGIC):
            raise _mismatch(display_name)
    elif kind == "jpg":
        if not head.startswith(JPEG_MAGIC):
            raise _mismatch(display_name)
    elif expected_zip:
        if not head.startswith(ZIP_MAGICS):
            raise _mismatch(display_name)
        _check_zip_container(path, kind=kind, display_name=display_name)
    else:  # pragma: no cover - kind_from_name only returns known kinds
        raise _mismatch(display_name)


# --- ZIP containers (docx, xlsx, ofd) -------------------------------------------------

def _bomb(display_name: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件“{display_name}”疑似压缩炸弹({why}),不允许上传", code="upload_zip_bomb",
        details={"file": display_name},
    )


def _check_zip_container(path: Path, *, kind: str, display_name: str) -> None:
    label = KIND_LABELS[kind]
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _mismatch(display_name, f"不是有效的{label}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > config.ZIP_MAX_ENTRIES:
            raise _bomb(display_name, f"包含超过 {config.ZIP_MAX_ENTRIES} 个条目")
        declared = sum(i.file_size for i in infos)
        if declared > config.ZIP_MAX_UNCOMPRESSED:
            raise _bomb(display_name, f"解压后超过 {config.human_size(config.ZIP_MAX_UNCOMPRESSED)}")
        names = {i.filename for i in infos}
        missing = [n for n in REQUIRED_ZIP_ENTRIES[kind] if n not in names]
        if missing:
            raise _mismatch(display_name, f"不是有效的{label},缺少 {'、'.join(missing)}")
        for info in infos:
            if info.flag_bits & 0x1:
                raise ValidationFailed(
                    f"文件“{display_name}”含有加密内容,无法检查,不允许上传", code="upload_encrypted",
                    details={"file": display_name},
                )
            if info.compress_size and info.file_size > 1024 * 1024 and (
                info.file_size / info.compress_size > config.ZIP_MAX_RATIO
            ):
                raise _bomb(display_name, "压缩比异常")
            if extension_of(info.filename.rstrip("/")) in ARCHIVE_EXTENSIONS:
                raise _nested(display_name)
        # Decompress every entry (bounded by the declared sizes, which zipfile enforces
        # while reading) to verify CRCs and sniff for archives hidden under other names.
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            try:
                with zf.open(info) as member:
                    first = member.read(512)
                    if is_archive_bytes(first):
                        raise _nested(display_name)
                    total += len(first)
                    while chunk := member.read(64 * 1024):
                        total += len(chunk)
                        if total > config.ZIP_MAX_UNCOMPRESSED:
                            raise _bomb(display_name, "解压后体积超限")
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError):
                raise _mismatch(display_name, f"{label}已损坏") from None


def _nested(display_name: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件“{display_name}”内嵌压缩包,不允许上传", code="upload_nested_archive",
        details={"file": display_name},
    )


# --- PDF ---------------------------------------------------------------------------

# PDF names may hide letters as #xx escapes (/J#61vaScript); decode them before comparing.
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_FORBIDDEN_NAMES = {b"JavaScript": "JavaScript 脚本", b"JS": "JavaScript 脚本", b"Launch": "启动外部程序的动作"}
_PDF_STREAM = re.compile(rb"stream\r?\n")
_PDF_INFLATE_BUDGET = 64 * 1024 * 1024


def _pdf_forbidden_name(data: bytes) -> str | None:
    for match in _PDF_NAME.finditer(data):
        name = _PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in _PDF_FORBIDDEN_NAMES:
            return _PDF_FORBIDDEN_NAMES[name]
    return None


def _check_pdf(path: Path, display_name: str) -> None:
    """Refuse PDFs carrying script or launch actions.

    This is a byte scan, not a PDF parser: it looks at the raw file and at every stream
    that inflates with zlib (object streams can hide dictionaries), within a budget. A
    deliberately obfuscated file (other filters, encryption) can still slip past, which is
    acceptable because downloads are served as attachments, never rendered in the browser.
    """
    data = path.read_bytes()  # bounded: the size limit was enforced while receiving
    found = _pdf_forbidden_name(data)
    budget = _PDF_INFLATE_BUDGET
    if found is None:
        for match in _PDF_STREAM.finditer(data):
            if budget <= 0:
                break
            inflater = zlib.decompressobj()
            try:
                inflated = inflater.decompress(data[match.end(): match.end() + 4 * 1024 * 1024], budget)
            except zlib.error:
                continue
            budget -= len(inflated)
            found = _pdf_forbidden_name(inflated)
            if found:
                break
    if found:
        raise ValidationFailed(
            f"文件“{display_name}”包含{found},不允许上传", code="upload_pdf_active_content",
            details={"file": display_name},
        )


# --- Images --------------------------------------------------------------------------

_PIL_FORMATS = {"jpg": "JPEG", "png": "PNG"}


def reencode_image(src: Path, dst: Path, *, kind: str, display_name: str) -> None:
    """Decode and re-save the image, dropping metadata and anything appended to it."""
    fmt = _PIL_FORMATS[kind]
    broken = ValidationFailed(
        f"文件“{display_name}”不是有效的图片或已损坏", code="upload_bad_image", details={"file": display_name},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(src, formats=[fmt]) as img:
                width, height = img.size
                if width * height > config.IMAGE_MAX_PIXELS:
                    raise ValidationFailed(
                        f"文件“{display_name}”的图片尺寸过大({width}×{height}),不允许上传",
                        code="upload_image_too_large", details={"file": display_name},
                    )
                img.load()
                # Apply the EXIF orientation before the EXIF goes, or photos end up sideways.
                clean = ImageOps.exif_transpose(img)
                save_args: dict = {}
                if fmt == "JPEG":
                    if clean.mode not in ("RGB", "L", "CMYK"):
                        clean = clean.convert("RGB")
                    save_args = {"quality": 90}
                else:
                    transparency = clean.info.get("transparency")
                    if transparency is not None and not isinstance(transparency, dict):
                        save_args["transparency"] = transparency
                # A fresh image carries pixels only: no EXIF, XMP, ICC or text chunks.
                fresh = Image.new(clean.mode, clean.size)
                if clean.mode == "P":
                    fresh.putpalette(clean.getpalette())
                fresh.paste(clean)
                fresh.save(dst, format=fmt, **save_args)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise broken from None
    except (OSError, ValueError, SyntaxError, EOFError, TypeError, MemoryError):
        raise broken from None
