"""Check ZIP-based documents (docx, xlsx, ofd) as what they claim to be, not only as zips.

Beyond the zip-bomb limits, a container must be exactly one zip (nothing before, between
or after its records: a zip glued to a program is refused), carry no macros (VBA
projects, macro-enabled content types, ActiveX) and no embedded program or script (by
part name, by executable bytes, or packaged inside an OLE object). Word and Excel files
must declare the right content types for every part.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from zhengwu.core.errors import ValidationFailed

from . import config
from .sniff import ARCHIVE_EXTENSIONS, EXECUTABLE_EXTENSIONS, contains_executable, extension_of, is_archive_bytes, mismatch

ZIP_CONTAINER_KINDS = ("docx", "xlsx", "ofd")
REQUIRED_ZIP_ENTRIES = {
    "docx": ("[Content_Types].xml", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "ofd": ("OFD.xml",),
}
KIND_LABELS = {"docx": "Word 文档", "xlsx": "Excel 表格", "ofd": "OFD 文件"}
# The main part and its content type: a .docx whose main part is a macro document or a
# template is not a .docx.
MAIN_PARTS = {
    "docx": ("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
_MACRO_PART_NAMES = {"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin", "vbaprojectsignatureagile.bin"}
_MACRO_CONTENT_MARKERS = ("macroenabled", "vbaproject", "vbadata", "activex", "ms-office.vba")
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# An OLE "Package" object stores the packaged file's name in ANSI, NUL-terminated.
_PACKAGED_NAME = re.compile(
    rb"[^\x00-\x1f\\/:*?\"<>|]{1,200}\.(" + b"|".join(e.encode() for e in sorted(EXECUTABLE_EXTENSIONS)) + rb")\x00",
    re.IGNORECASE,
)
_SCAN_OVERLAP = 0x10000 + 8  # a PE header may sit up to 64 KiB after its MZ stub

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def _bomb(display_name: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件“{display_name}”疑似压缩炸弹({why}),不允许上传", code="upload_zip_bomb",
        details={"file": display_name},
    )


def _nested(display_name: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件“{display_name}”内嵌压缩包,不允许上传", code="upload_nested_archive",
        details={"file": display_name},
    )


def _macro(display_name: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件“{display_name}”含有宏代码,不允许上传;请另存为不含宏的文档后再上传", code="upload_macro",
        details={"file": display_name},
    )


def _executable(display_name: str, part: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件“{display_name}”内嵌可执行程序或脚本({part}),不允许上传", code="upload_embedded_executable",
        details={"file": display_name, "part": part},
    )


def _check_layout(path: Path, infos: list[zipfile.ZipInfo], display_name: str, label: str) -> None:
    """Require one zip and nothing else: no bytes before, between or after its records."""
    broken = mismatch(display_name, f"不是单一完整的{label},文件前后或中间夹带了其他数据")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        tail_len = min(size, _EOCD.size + 0xFFFF)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + _EOCD.size > len(tail):
            raise broken
        *_, n_total, cd_size, cd_offset, comment_len = _EOCD.unpack_from(tail, at)
        eocd_abs = size - tail_len + at
        if eocd_abs + _EOCD.size + comment_len != size:
            raise broken
        cd_end = eocd_abs
        if cd_offset == 0xFFFFFFFF or cd_size == 0xFFFFFFFF or n_total == 0xFFFF:
            if eocd_abs < _ZIP64_LOCATOR.size:
                raise broken
            fh.seek(eocd_abs - _ZIP64_LOCATOR.size)
            sig, _, z64_at, _ = _ZIP64_LOCATOR.unpack(fh.read(_ZIP64_LOCATOR.size))
            if sig != b"PK\x06\x07":
                raise broken
            fh.seek(z64_at)
            record = fh.read(_ZIP64_EOCD.size)
            if len(record) != _ZIP64_EOCD.size or record[:4] != b"PK\x06\x06":
                raise broken
            *_, cd_size, cd_offset = _ZIP64_EOCD.unpack(record)
            cd_end = z64_at
        if cd_offset + cd_size != cd_end:
            raise broken
        expected = 0
        for info in sorted(infos, key=lambda i: i.header_offset):
            gap = info.header_offset - expected
            # A streamed entry may be followed by a data descriptor (12–24 bytes).
            if gap != 0 and not (expected and gap in (12, 16, 20, 24)):
                raise broken
            fh.seek(info.header_offset)
            header = fh.read(_LOCAL_HEADER.size)
            if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
                raise broken
            fields = _LOCAL_HEADER.unpack(header)
            name_len, extra_len = fields[-2], fields[-1]
            expected = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
        gap = cd_offset - expected
        if gap != 0 and not (infos and gap in (12, 16, 20, 24)):
            raise broken


def _check_names(infos: list[zipfile.ZipInfo], display_name: str) -> None:
    for info in infos:
        name = info.filename.rstrip("/")
        base = name.rsplit("/", 1)[-1].lower()
        if base in _MACRO_PART_NAMES:
            raise _macro(display_name)
        ext = extension_of(base)
        if ext in ARCHIVE_EXTENSIONS:
            raise _nested(display_name)
        if ext in EXECUTABLE_EXTENSIONS:
            raise _executable(display_name, name)


def _check_content_types(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], *, kind: str, display_name: str, label: str) -> None:
    wrong = mismatch(display_name, f"不是有效的{label},内容类型声明不正确")
    raw = zf.read("[Content_Types].xml")
    if len(raw) > 1024 * 1024 or b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise wrong
    try:
        # defusedxml: an uploaded file's XML may carry entity bombs or external entities.
        types = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException):
        raise wrong from None
    if types.tag != f"{_CT_NS}Types":
        raise wrong
    defaults = {
        el.get("Extension", "").lower(): el.get("ContentType", "").lower() for el in types.iter(f"{_CT_NS}Default")
    }
    overrides = {
        el.get("PartName", "").lower(): el.get("ContentType", "").lower() for el in types.iter(f"{_CT_NS}Override")
    }
    for content_type in [*defaults.values(), *overrides.values()]:
        if any(marker in content_type for marker in _MACRO_CONTENT_MARKERS):
            raise _macro(display_name)
    main_part, main_type = MAIN_PARTS[kind]
    for info in infos:
        if info.is_dir() or info.filename == "[Content_Types].xml":
            continue
        part = "/" + info.filename.lower()
        declared = overrides.get(part) or defaults.get(extension_of(part.rsplit("/", 1)[-1]))
        if not declared:
            raise mismatch(display_name, f"不是有效的{label},部件 {info.filename} 没有声明内容类型")
        if part == main_part and declared != main_type:
            if "macro" in declared:
                raise _macro(display_name)
            raise wrong


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, display_name: str, total: int) -> int:
    """Decompress one part (verifying its CRC) and look for archives and programs in it."""
    is_ole = info.filename.lower().endswith(".bin")
    carry = b""
    with zf.open(info) as member:
        first = member.read(512)
        if is_archive_bytes(first):
            raise _nested(display_name)
        chunk = first
        while chunk:
            total += len(chunk)
            if total > config.ZIP_MAX_UNCOMPRESSED:
                raise _bomb(display_name, "解压后体积超限")
            window = carry + chunk
            if contains_executable(window) or (is_ole and _PACKAGED_NAME.search(window)):
                raise _executable(display_name, info.filename)
            carry = window[-_SCAN_OVERLAP:]
            chunk = member.read(64 * 1024)
    return total


def check_zip_container(path: Path, *, kind: str, display_name: str) -> None:
    label = KIND_LABELS[kind]
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise mismatch(display_name, f"不是有效的{label}") from None
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
            raise mismatch(display_name, f"不是有效的{label},缺少 {'、'.join(missing)}")
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
        _check_names(infos, display_name)
        _check_layout(path, infos, display_name, label)
        try:
            if kind in MAIN_PARTS:
                _check_content_types(zf, infos, kind=kind, display_name=display_name, label=label)
            # Decompress every entry (bounded by the declared sizes, which zipfile enforces
            # while reading) to verify CRCs and find what hides under innocent names.
            total = 0
            for info in infos:
                if not info.is_dir():
                    total = _scan_member(zf, info, display_name=display_name, total=total)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError):
            raise mismatch(display_name, f"{label}已损坏") from None
