"""Decide what an uploaded file really is, and refuse what must not be stored.

Every check raises ``ValidationFailed`` with a Chinese message naming the file and the
rule, because the person uploading must be able to fix the problem themselves.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from zhengwu.core.errors import ValidationFailed

from . import config
from .containers import ZIP_CONTAINER_KINDS, check_zip_container
from .pdf import check_pdf
from .sniff import (
    ARCHIVE_EXTENSIONS,
    JPEG_MAGIC,
    PDF_MAGIC,
    PNG_MAGIC,
    ZIP_MAGICS,
    extension_of,
    is_archive_bytes,
    mismatch,
)

EXTENSION_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}

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


def check_content(path: Path, *, kind: str, display_name: str) -> None:
    """Require the bytes to match ``kind``; refuse archives and dangerous content."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    expected_zip = kind in ZIP_CONTAINER_KINDS
    if is_archive_bytes(head) and not (expected_zip and head.startswith(ZIP_MAGICS)):
        raise ValidationFailed(f"文件“{display_name}”是压缩包,不允许上传", code="upload_archive")
    if kind == "pdf":
        if not head.startswith(PDF_MAGIC):
            raise mismatch(display_name)
        check_pdf(path, display_name)
    elif kind == "png":
        if not head.startswith(PNG_MAGIC):
            raise mismatch(display_name)
    elif kind == "jpg":
        if not head.startswith(JPEG_MAGIC):
            raise mismatch(display_name)
    elif expected_zip:
        if not head.startswith(ZIP_MAGICS):
            raise mismatch(display_name)
        check_zip_container(path, kind=kind, display_name=display_name)
    else:  # pragma: no cover - kind_from_name only returns known kinds
        raise mismatch(display_name)


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
