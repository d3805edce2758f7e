"""Writes for uploaded files: store a batch, record downloads, mark files deleted."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.models import AuditEvent, StoredFile

from . import config, inspection, storage
from .rules import file_can_download

logger = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = "文件不存在或您无权下载"


def _receive(upload: UploadedFile, *, display_name: str, limit: int) -> Path:
    """Copy the upload to a temp file, stopping as soon as it passes ``limit`` bytes."""
    too_big = ValidationFailed(
        f"文件“{display_name}”超过大小限制 {config.human_size(limit)}", code="upload_too_large",
        details={"file": display_name},
    )
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise too_big
    temp = storage.new_temp_path()
    try:
        received = 0
        with open(temp, "wb") as out:
            if hasattr(upload, "seek"):
                upload.seek(0)
            for chunk in upload.chunks(storage.CHUNK):
                received += len(chunk)
                if received > limit:
                    raise too_big
                out.write(chunk)
        if received == 0:
            raise ValidationFailed(f"文件“{display_name}”是空文件", code="upload_empty", details={"file": display_name})
    except BaseException:
        storage.remove_quietly(temp)
        raise
    return temp


def _prepare(upload: UploadedFile, *, limit: int, written: list[Path]) -> tuple[str, str, str, Path]:
    """Validate one upload and move it into place; return (display name, kind, storage name, path)."""
    display_name = inspection.sanitize_name(getattr(upload, "name", ""))
    kind = inspection.kind_from_name(display_name)
    received = _receive(upload, display_name=display_name, limit=limit)
    temps = [received]
    try:
        inspection.check_content(received, kind=kind, display_name=display_name)
        final_temp = received
        if kind in ("jpg", "png"):
            final_temp = storage.new_temp_path()
            temps.append(final_temp)
            inspection.reencode_image(received, final_temp, kind=kind, display_name=display_name)
        storage_name = storage.new_storage_name(kind)
        final = storage.commit_file(final_temp, storage_name)
        written.append(final)
    finally:
        for temp in temps:
            storage.remove_quietly(temp)
    return display_name, kind, storage_name, final


# Files uploaded on selection, before their form is accepted (``core.uploads.pending``).
PENDING_PURPOSE = "pending"


def files_store(
    *,
    actor,
    uploads: Sequence[UploadedFile],
    purpose: str | Sequence[str],
    owner=None,
    object_type: str = "",
    object_id: str | int = "",
) -> list[StoredFile]:
    """Check and store a batch of uploads; all of them or none.

    Each file must pass the size limit, the extension allowlist, the magic-byte check for
    that extension and the content rules (no archives or zip bombs, no PDF scripts);
    images are re-encoded. Every file gets a random name under the upload root, a row
    and one "files.upload" audit row. If any file fails, nothing stays on disk or in the
    database, and the ``ValidationFailed`` names the file and the rule.

    ``purpose`` is one string for the whole batch, or one per upload (e.g.
    "case_material:1", "case_material:2") so a batch stays all-or-nothing.
    """
    uploads = list(uploads or [])
    purposes = [purpose] * len(uploads) if isinstance(purpose, str) else list(purpose)
    if not purposes or not all(purposes) or len(purposes) != len(uploads):
        raise ValueError("files_store needs a purpose for every upload")
    if not uploads:
        raise ValidationFailed("请选择要上传的文件", code="upload_none")
    if len(uploads) > config.max_files():
        raise ValidationFailed(f"一次最多上传 {config.max_files()} 个文件", code="upload_too_many")
    limit = config.max_bytes()
    written: list[Path] = []
    try:
        with transaction.atomic():
            stored: list[StoredFile] = []
            for upload, file_purpose in zip(uploads, purposes, strict=True):
                display_name, kind, storage_name, final = _prepare(upload, limit=limit, written=written)
                size, sha256, sm3 = storage.digests(final)
                row = StoredFile.objects.create(
                    storage_name=storage_name,
                    original_name=display_name,
                    kind=kind,
                    size=size,
                    sha256=sha256,
                    sm3=sm3,
                    owner=owner,
                    purpose=file_purpose[:64],
                    object_type=str(object_type)[:64],
                    object_id=str(object_id)[:64],
                    uploaded_by=actor if getattr(actor, "pk", None) else None,
                )
                details = {
                    "purpose": row.purpose, "kind": kind, "size": size, "sha256": sha256,
                    "object_type": row.object_type, "object_id": row.object_id,
                }
                if row.purpose == PENDING_PURPOSE:
                    # A file chosen on a form is no record yet: its digest and size go on the
                    # "files.attach" row of the record it joins. Left out here, so an
                    # anonymous letter's file cannot be matched to the signed-in person who
                    # chose it (core.uploads.pending re-issues such a file under a new id).
                    del details["size"], details["sha256"]
                audit_record(actor=actor, action="files.upload", obj=row, details=details)
                stored.append(row)
    except BaseException:
        for path in written:
            storage.remove_quietly(path)
        raise
    return stored


def file_download_open(*, actor, file_id) -> tuple[StoredFile, object]:
    """Check the download rule, audit the attempt and return the row and an open binary file.

    Exactly one "files.download" row is written: success, or denied (the file is missing,
    deleted or not the actor's to read), or failure (the row exists but its bytes are
    gone). Denials raise ``NotFound`` so the caller cannot tell "not yours" from "absent".
    """
    from .selectors import file_get

    stored = file_get(file_id=file_id)
    allowed = stored is not None and file_can_download(user=actor, stored_file=stored)
    handle = None
    result = AuditEvent.Result.SUCCESS
    if not allowed:
        result = AuditEvent.Result.DENIED
    else:
        try:
            handle = open(storage.path_for(stored.storage_name), "rb")
        except OSError:
            logger.error("stored file %s missing on disk", stored.pk)
            result = AuditEvent.Result.FAILURE
    try:
        with transaction.atomic():
            audit_record(
                actor=actor, action="files.download",
                object_type=StoredFile._meta.label_lower, object_id=str(file_id)[:64],
                result=result,
                details={"purpose": stored.purpose} if stored is not None else {},
            )
    except BaseException:
        if handle is not None:
            handle.close()
        raise
    if handle is None:
        raise NotFound(NOT_FOUND_MESSAGE, code="file_not_found")
    return stored, handle


def file_delete(*, actor, stored_file: StoredFile) -> StoredFile:
    """Hide a file from every download; the bytes stay on disk as part of the record."""
    with transaction.atomic():
        locked = StoredFile.objects.select_for_update().get(pk=stored_file.pk)
        if locked.is_deleted:
            return locked
        locked.is_deleted = True
        locked.save(update_fields=["is_deleted", "updated_at"])
        audit_record(actor=actor, action="files.delete", obj=locked, details={"purpose": locked.purpose})
    return locked


def files_sweep_orphans(*, older_than_seconds: int = 3600) -> list[Path]:
    """Remove files on disk that no row points to, older than ``older_than_seconds``.

    ``files_store`` cleans up after itself, but when the caller's own, outer transaction
    rolls back after ``files_store`` returned, the rows vanish and the files stay. This
    sweep (run periodically) removes them; the age margin spares uploads still in flight.
    """
    root = config.upload_root()
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than_seconds
    removed: list[Path] = []
    for path in root.glob("**/*"):
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        if path.parent.name == ".incoming" or not StoredFile.objects.filter(storage_name=path.name).exists():
            storage.remove_quietly(path)
            removed.append(path)
    return removed
