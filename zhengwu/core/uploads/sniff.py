"""What the first bytes and the name of a file say it is; shared by every content check."""

from __future__ import annotations

import re

from zhengwu.core.errors import ValidationFailed

# Extensions that are archives in their own right: refused by name before anything is read.
ARCHIVE_EXTENSIONS = frozenset({
    "zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "tbz", "tbz2", "xz", "txz", "lz", "lzma",
    "zst", "z", "cab", "arj", "lzh", "iso", "jar", "war", "apk", "cpio", "ar",
})
# Parts that run code when a document is opened or clicked: never inside a container.
EXECUTABLE_EXTENSIONS = frozenset({
    "exe", "dll", "js", "jse", "vbs", "vbe", "vba", "wsf", "wsh", "bat", "cmd", "com", "scr",
    "ps1", "psm1", "hta", "msi", "msp", "lnk", "cpl", "sys", "pif", "reg", "ocx", "application",
})

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

_MZ = re.compile(rb"MZ")


def extension_of(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def is_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def is_archive_bytes(head: bytes) -> bool:
    return head.startswith(ZIP_MAGICS) or head.startswith(OTHER_ARCHIVE_MAGICS) or is_tar(head)


def mismatch(display_name: str, why: str = "") -> ValidationFailed:
    suffix = f"({why})" if why else ""
    return ValidationFailed(
        f"文件“{display_name}”的内容与扩展名不符{suffix}", code="upload_content_mismatch",
        details={"file": display_name},
    )


def contains_executable(data: bytes) -> bool:
    """Whether ``data`` holds a Windows PE or ELF program anywhere (an embedded executable)."""
    for match in _MZ.finditer(data):
        start = match.start()
        lfanew_at = start + 0x3C
        if lfanew_at + 4 > len(data):
            break
        pe = start + int.from_bytes(data[lfanew_at:lfanew_at + 4], "little")
        if 0x40 <= pe - start <= 0x10000 and data[pe:pe + 4] == b"PE\x00\x00":
            return True
    elf = data.find(b"\x7fELF")
    while elf != -1:
        if data[elf + 4:elf + 5] in (b"\x01", b"\x02") and data[elf + 5:elf + 6] in (b"\x01", b"\x02") \
                and data[elf + 6:elf + 7] == b"\x01":
            return True
        elf = data.find(b"\x7fELF", elf + 1)
    return False
