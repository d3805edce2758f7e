"""Upload settings, read lazily so tests (and operators) can change them at run time."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

KNOWN_KINDS = ("pdf", "ofd", "jpg", "png", "docx", "xlsx")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_FILES = 10

# Limits for the ZIP containers (docx, xlsx, ofd). Real documents stay far below them;
# a zip bomb does not.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200
# Pillow's own default (~89 Mpx) is generous; 60 Mpx still covers a 48 Mpx phone photo.
IMAGE_MAX_PIXELS = 60_000_000


def upload_root() -> Path:
    root = getattr(settings, "ZHENGWU_UPLOAD_ROOT", None)
    if root is None:
        root = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "uploads"
    return Path(root)


def max_bytes() -> int:
    return int(getattr(settings, "ZHENGWU_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "ZHENGWU_UPLOAD_MAX_FILES", DEFAULT_MAX_FILES))


def allowed_kinds() -> tuple[str, ...]:
    configured = getattr(settings, "ZHENGWU_UPLOAD_ALLOWED", KNOWN_KINDS)
    wanted = {str(k).strip().lower().lstrip(".") for k in configured}
    # Only kinds we can actually inspect may be allowed; anything else in the setting is ignored.
    return tuple(k for k in KNOWN_KINDS if k in wanted)


def human_size(n: int) -> str:
    mb = n / (1024 * 1024)
    if mb >= 1:
        return f"{mb:g} MB" if mb == int(mb) else f"{mb:.1f} MB"
    return f"{n // 1024} KB" if n >= 1024 else f"{n} 字节"
# PDFs are parsed completely; these bound the work one hostile file can cause.
PDF_MAX_OBJECTS = 500_000
PDF_MAX_DECODED = 200 * 1024 * 1024
