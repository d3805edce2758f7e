"""Parse an uploaded PDF completely and refuse active content.

A byte scan is not enough: a script action can sit in an object stream behind
ASCIIHex, ASCII85 or a chain of filters, and a file can start with ``%PDF-`` and be
something else. So the file is opened with pypdf, every object named by the
cross-reference data (including those inside object streams) is resolved, every stream
is decoded through all of its filters, and every dictionary is inspected. A file that
does not parse is refused as not being a PDF.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from pypdf import PdfReader
from pypdf import PasswordType
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from zhengwu.core.errors import ValidationFailed

from . import config
from .sniff import contains_executable

# Dictionary keys whose mere presence means active or embedded content.
_FORBIDDEN_KEYS = {
    "/JS": "JavaScript 脚本",
    "/JavaScript": "JavaScript 脚本",  # the document-level name tree of scripts
    "/EmbeddedFiles": "嵌入的文件",
    "/EF": "嵌入的文件",
    "/XFA": "XFA 动态表单(可含脚本)",
}
# Action types (/S) that run code, start programs or open embedded files.
_FORBIDDEN_ACTIONS = {
    "/JavaScript": "JavaScript 脚本",
    "/Launch": "启动外部程序的动作",
    "/GoToE": "打开嵌入文件的动作",
    "/ImportData": "导入外部数据的动作",
    "/RichMediaExecute": "多媒体脚本动作",
}
_FORBIDDEN_SUBTYPES = {"/FileAttachment": "附件注释(嵌入的文件)", "/RichMedia": "多媒体脚本内容"}

# Names may hide letters as #xx escapes (/J#61vaScript) in the raw bytes.
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_RAW_FORBIDDEN = {b"JavaScript": "JavaScript 脚本", b"JS": "JavaScript 脚本", b"Launch": "启动外部程序的动作"}
_EOF_TAIL = re.compile(rb"%%EOF[\s\x00]*\Z")

logger = logging.getLogger(__name__)


def _refuse(display_name: str, what: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件“{display_name}”包含{what},不允许上传", code="upload_pdf_active_content",
        details={"file": display_name},
    )


def _not_pdf(display_name: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件“{display_name}”不是完整有效的 PDF 文件({why}),不允许上传", code="upload_pdf_invalid",
        details={"file": display_name},
    )


def _raw_forbidden_name(data: bytes) -> str | None:
    # Kept as a second net for objects a repairing viewer might find outside the xref.
    for match in _PDF_NAME.finditer(data):
        name = _PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in _RAW_FORBIDDEN:
            return _RAW_FORBIDDEN[name]
    return None


def _inspect_value(value, display_name: str) -> None:
    """Walk one object's direct contents (indirect objects are visited on their own)."""
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > 1_000_000:
            raise _not_pdf(display_name, "结构过于复杂")
        if isinstance(item, DictionaryObject):
            for key, child in item.items():
                if key in _FORBIDDEN_KEYS:
                    raise _refuse(display_name, _FORBIDDEN_KEYS[key])
                if key == "/S" and isinstance(child, NameObject) and child in _FORBIDDEN_ACTIONS:
                    raise _refuse(display_name, _FORBIDDEN_ACTIONS[child])
                if key == "/Type" and child == "/EmbeddedFile":
                    raise _refuse(display_name, "嵌入的文件")
                if key == "/Subtype" and isinstance(child, NameObject) and child in _FORBIDDEN_SUBTYPES:
                    raise _refuse(display_name, _FORBIDDEN_SUBTYPES[child])
                if not isinstance(child, IndirectObject):
                    stack.append(child)
        elif isinstance(item, ArrayObject):
            stack.extend(c for c in item if not isinstance(c, IndirectObject))


def _all_references(reader: PdfReader) -> list[IndirectObject]:
    refs = [IndirectObject(num, gen, reader) for gen, table in reader.xref.items() for num in table]
    refs += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
    return refs


def check_pdf(path: Path, display_name: str) -> None:
    """Refuse a PDF that does not parse completely or carries active or embedded content."""
    data = path.read_bytes()  # bounded: the size limit was enforced while receiving
    if not _EOF_TAIL.search(data):
        raise _not_pdf(display_name, "文件结束标记之后还有其他内容")
    found = _raw_forbidden_name(data)
    if found:
        raise _refuse(display_name, found)
    if contains_executable(data):
        raise _refuse(display_name, "可执行程序")
    try:
        _parse_and_inspect(data, display_name)
    except ValidationFailed:
        raise
    except RecursionError:
        raise _not_pdf(display_name, "结构嵌套过深") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure on hostile bytes means "not a PDF"
        logger.info("pdf upload refused, parser said %s: %s", type(exc).__name__, exc)
        raise _not_pdf(display_name, "无法解析") from None


def _parse_and_inspect(data: bytes, display_name: str) -> None:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise ValidationFailed(
            f"文件“{display_name}”设有打开密码,无法检查,不允许上传", code="upload_encrypted",
            details={"file": display_name},
        )
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    if not isinstance(root, DictionaryObject) or "/Pages" not in root:
        raise _not_pdf(display_name, "缺少文档目录")
    _inspect_value(reader.trailer, display_name)
    refs = _all_references(reader)
    if len(refs) > config.PDF_MAX_OBJECTS:
        raise _not_pdf(display_name, f"对象超过 {config.PDF_MAX_OBJECTS} 个")
    budget = config.PDF_MAX_DECODED
    for ref in refs:
        obj = ref.get_object()
        if obj is None:
            continue
        _inspect_value(obj, display_name)
        if isinstance(obj, StreamObject):
            if obj.get("/Type") == "/XRef":
                continue
            decoded = obj.get_data()  # runs every filter of the chain; raises if one fails
            budget -= len(decoded)
            if budget < 0:
                raise _not_pdf(display_name, "解压后体积超限")
            if contains_executable(decoded):
                raise _refuse(display_name, "可执行程序")
            found = _raw_forbidden_name(decoded) if obj.get("/Type") == "/ObjStm" else None
            if found:
                raise _refuse(display_name, found)
    # Walking the page tree proves the document itself is readable, not only its objects.
    for page in reader.pages:
        _inspect_value(page, display_name)
