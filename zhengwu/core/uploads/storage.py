"""Files on disk: random names, a two-level directory fan-out, atomic writes."""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from . import config

CHUNK = 64 * 1024


def new_storage_name(kind: str) -> str:
    return f"{uuid.uuid4().hex}.{kind}"


def path_for(storage_name: str) -> Path:
    """Place the file two directories deep (ab/cd/) so no directory grows huge."""
    digest = hashlib.sha256(storage_name.encode()).hexdigest()
    return config.upload_root() / digest[:2] / digest[2:4] / storage_name


def temp_dir() -> Path:
    # Under the upload root so os.replace never crosses a filesystem.
    path = config.upload_root() / ".incoming"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def new_temp_path() -> Path:
    fd, name = tempfile.mkstemp(dir=temp_dir(), prefix="up-", suffix=".part")
    os.close(fd)
    return Path(name)


def digests(path: Path) -> tuple[int, str, str]:
    """Return size, SHA-256 and SM3 (hex) of the file at ``path``."""
    sha = hashlib.sha256()
    sm3 = hashes.Hash(hashes.SM3())
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            size += len(chunk)
            sha.update(chunk)
            sm3.update(chunk)
    return size, sha.hexdigest(), sm3.finalize().hex()


def commit_file(temp: Path, storage_name: str) -> Path:
    """Move a finished temp file into place atomically and return its final path."""
    final = path_for(storage_name)
    final.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    with open(temp, "rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(temp, 0o640)
    os.replace(temp, final)
    return final


def remove_quietly(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink()
    except FileNotFoundError:
        pass
