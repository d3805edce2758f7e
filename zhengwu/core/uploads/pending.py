"""Files uploaded on selection: kept for a form until it is accepted (issue 16).

A browser never refills a file input, so a form that comes back with errors used to
lose every chosen file. Instead each file is checked and stored as soon as it is
chosen (or, without JavaScript, when the form is first posted), and the form carries a
token per file in hidden inputs. The service that accepts the form attaches the files
to its record inside its own transaction (``pending_uploads_attach``); tokens of a form
that is never sent expire and ``pending_uploads_purge`` (periodic task and
``manage.py pending_uploads_purge``) removes rows and bytes.

A pending upload belongs to the signed-in account that chose it, or to the visitor's
session (a keyed hash of the session key): nobody can attach someone else's file by
copying a token.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengwu.core import crypto
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.models import PendingUpload, StoredFile

from . import config, storage
from .services import PENDING_PURPOSE, files_store

logger = logging.getLogger(__name__)

SESSION_PURPOSE = "core.pending_upload.session"
TOKEN_FIELD_SUFFIX = "__token"
DEFAULT_HOURS = 24
# One owner's pending files at a time: enough for the longest material list, too few
# to use the form endpoint as free storage.
MAX_PENDING_PER_OWNER = 40
GONE_MESSAGE = "之前选择的文件已过期或已被移除,请重新选择"


def pending_hours() -> int:
    return int(getattr(settings, "ZHENGWU_PENDING_UPLOAD_HOURS", DEFAULT_HOURS))


def session_hash_for(session_key: str) -> str:
    return crypto.provider().blind_index(session_key or "", purpose=SESSION_PURPOSE) if session_key else ""


@dataclass(frozen=True)
class UploadOwner:
    """Who a pending upload belongs to: an account, or (anonymous) a session hash."""

    user: object | None
    session_hash: str

    @property
    def user_id(self):
        return getattr(self.user, "pk", None)

    def queryset(self):
        if self.user_id:
            return PendingUpload.objects.filter(user_id=self.user_id)
        if self.session_hash:
            return PendingUpload.objects.filter(user__isnull=True, session_hash=self.session_hash)
        return PendingUpload.objects.none()


def upload_owner_for(request) -> UploadOwner:
    """The owner of uploads chosen on this request; starts a session for an anonymous visitor."""
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    if user is not None:
        return UploadOwner(user=user, session_hash="")
    if not request.session.session_key:
        request.session.save()
    return UploadOwner(user=None, session_hash=session_hash_for(request.session.session_key))


def size_label(size: int) -> str:
    return config.human_size(size)


def pending_upload_create(*, owner: UploadOwner, upload, field_name: str = "") -> PendingUpload:
    """Check and store one chosen file; return its pending row (the form keeps the token)."""
    if not owner.user_id and not owner.session_hash:
        raise ValidationFailed("无法保存所选文件,请刷新页面后重试", code="pending_upload_no_owner")
    now = timezone.now()
    if owner.queryset().filter(expires_at__gt=now).count() >= MAX_PENDING_PER_OWNER:
        raise ValidationFailed(
            f"已选择的待提交文件过多(最多 {MAX_PENDING_PER_OWNER} 个),请先提交或移除部分文件",
            code="pending_upload_too_many", details={"field": field_name},
        )
    with transaction.atomic():
        try:
            (stored,) = files_store(
                actor=owner.user, uploads=[upload], purpose=PENDING_PURPOSE, owner=owner.user,
            )
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code=exc.code, details={**exc.details, "field": field_name}) from None
        return PendingUpload.objects.create(
            token=secrets.token_urlsafe(24), stored_file=stored, user=owner.user,
            session_hash=owner.session_hash if owner.user is None else "",
            field=field_name[:64], expires_at=now + timedelta(hours=pending_hours()),
        )


def pending_uploads_get(*, owner: UploadOwner, tokens) -> list[PendingUpload]:
    """The owner's live pending uploads among ``tokens``, in the order given; others are ignored."""
    wanted = [t for t in dict.fromkeys(tokens or []) if isinstance(t, str) and 0 < len(t) <= 64]
    if not wanted:
        return []
    rows = {
        p.token: p for p in owner.queryset().filter(token__in=wanted, expires_at__gt=timezone.now())
        .select_related("stored_file")
    }
    return [rows[t] for t in wanted if t in rows]


def pending_uploads_attach(
    *, actor, pending, purpose, owner=None, object_type: str = "", object_id: str | int = "",
    anonymous: bool = False,
) -> list[StoredFile]:
    """Attach pending uploads to a record, all or none, inside the caller's transaction.

    ``purpose`` is one string or one per upload (like ``files_store``). A row that has
    expired or was removed since the form was shown makes the whole call fail with a
    Chinese message, so the caller's record is not created without its files.

    ``anonymous``: the record must not be traceable to whoever chose the files (an
    anonymous letter written by a signed-in citizen). Each file is re-issued under a new
    id with no uploader, and its "files.attach" row names neither the person nor the old
    id; the "files.upload" row of the pending file carries no digest or size to match
    (``files_store``).
    """
    pending = list(pending or [])
    if not pending:
        return []
    purposes = [purpose] * len(pending) if isinstance(purpose, str) else list(purpose)
    if len(purposes) != len(pending) or not all(purposes):
        raise ValueError("pending_uploads_attach needs a purpose for every upload")
    with transaction.atomic():
        locked = {
            p.pk: p for p in PendingUpload.objects.select_for_update()
            .filter(pk__in=[p.pk for p in pending], expires_at__gt=timezone.now()).select_related("stored_file")
        }
        if len(locked) != len(pending):
            raise ValidationFailed(GONE_MESSAGE, code="pending_upload_gone")
        attached = []
        for row, file_purpose in zip(pending, purposes, strict=True):
            stored = locked[row.pk].stored_file
            if anonymous:
                stored = _reissued(stored)
            stored.purpose = file_purpose[:64]
            stored.object_type = str(object_type)[:64]
            stored.object_id = str(object_id)[:64]
            # The record decides who owns its files: an anonymous letter's file has no owner
            # even though a signed-in person chose it.
            stored.owner = owner
            stored.uploaded_by = actor if getattr(actor, "pk", None) else None
            stored.save(update_fields=["purpose", "object_type", "object_id", "owner", "uploaded_by", "updated_at"])
            audit_record(
                actor=actor, action="files.attach", obj=stored,
                details={"purpose": stored.purpose, "object_type": stored.object_type, "object_id": stored.object_id,
                         "size": stored.size, "sha256": stored.sha256},
            )
            attached.append(stored)
        PendingUpload.objects.filter(pk__in=list(locked)).delete()
        if anonymous:
            # The pending rows (and their pending StoredFile rows) go; the bytes stay,
            # now named by the re-issued rows.
            StoredFile.objects.filter(pk__in=[locked[p.pk].stored_file_id for p in pending],
                                      purpose=PENDING_PURPOSE).delete()
    return attached


def _reissued(stored: StoredFile) -> StoredFile:
    """A new row (new id, no uploader) for the same bytes; the old row is deleted by the caller."""
    fresh = StoredFile(
        original_name=stored.original_name, kind=stored.kind, size=stored.size, sha256=stored.sha256, sm3=stored.sm3,
        storage_name=stored.storage_name,
    )
    # storage_name is unique: free it on the old row first (same transaction).
    StoredFile.objects.filter(pk=stored.pk).update(storage_name=f"reissued-{stored.pk.hex}"[:64])
    fresh.save(force_insert=True)
    return fresh


def _drop_files(stored_ids) -> int:
    """Delete pending StoredFile rows and, after commit, their bytes (they are no record)."""
    rows = list(StoredFile.objects.filter(pk__in=list(stored_ids), purpose=PENDING_PURPOSE)
                .values_list("pk", "storage_name"))
    if not rows:
        return 0
    StoredFile.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    paths = [storage.path_for(name) for _, name in rows]
    transaction.on_commit(lambda: [storage.remove_quietly(p) for p in paths])
    return len(rows)


def pending_upload_discard(*, owner: UploadOwner, token: str) -> bool:
    """Remove one of the owner's pending uploads (the form's 移除 button); False if not found."""
    with transaction.atomic():
        row = owner.queryset().filter(token=token).select_for_update().first()
        if row is None:
            return False
        stored_id = row.stored_file_id
        row.delete()
        _drop_files([stored_id])
        audit_record(actor=owner.user, action="files.pending.discard", object_type="core.storedfile",
                     object_id=str(stored_id))
    return True


def pending_uploads_purge(*, now=None, orphan_grace_minutes: int = 60) -> int:
    """Delete expired pending uploads and pending files no row points to; return the file count.

    Orphans appear when a request stores the file but dies before its row is written; the
    grace period spares uploads still in flight.
    """
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(PendingUpload.objects.filter(expires_at__lte=now).values_list("pk", "stored_file_id"))
        PendingUpload.objects.filter(pk__in=[pk for pk, _ in expired]).delete()
        orphans = list(
            StoredFile.objects.filter(purpose=PENDING_PURPOSE, created_at__lt=now - timedelta(minutes=orphan_grace_minutes))
            .exclude(pk__in=PendingUpload.objects.values("stored_file_id")).values_list("pk", flat=True)
        )
        removed = _drop_files([sid for _, sid in expired] + orphans)
        if removed:
            audit_record(actor=None, action="files.pending.purge", object_type="core.storedfile",
                         details={"removed": removed, "expired": len(expired)})
    return removed


@dataclass
class FileSelection:
    """The files a form currently holds: kept ones (with tokens) and messages for refused ones."""

    field: str
    pending: list[PendingUpload] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    gone: bool = False
    # Set when the page was posted by a 移除 button without JavaScript: re-render, do not submit.
    dropped: bool = False

    @property
    def token_name(self) -> str:
        return self.field + TOKEN_FIELD_SUFFIX

    @property
    def items(self) -> list[dict]:
        return [
            {"token": p.token, "name": p.stored_file.original_name, "size": size_label(p.stored_file.size)}
            for p in self.pending
        ]


def file_selection_from_request(request, *, field_name: str, owner: UploadOwner | None = None) -> FileSelection:
    """Collect a form's files: tokens carried over plus files posted directly (no JavaScript).

    Every posted file is stored as pending on its own, so one refused file does not drop
    the others; its message goes into ``errors``. A token that no longer resolves sets
    ``gone`` (the page then asks for the file again).
    """
    owner = owner or upload_owner_for(request)
    tokens = request.POST.getlist(field_name + TOKEN_FIELD_SUFFIX)
    drop = request.POST.get(field_name + "__drop", "")
    selection = FileSelection(field=field_name, pending=pending_uploads_get(owner=owner, tokens=tokens))
    selection.gone = len(selection.pending) < len([t for t in dict.fromkeys(tokens) if t])
    if drop:
        selection.dropped = True
        selection.pending = [p for p in selection.pending if p.token != drop]
        pending_upload_discard(owner=owner, token=drop)
    if selection.gone:
        selection.errors.append(GONE_MESSAGE)
    for upload in request.FILES.getlist(field_name):
        try:
            selection.pending.append(pending_upload_create(owner=owner, upload=upload, field_name=field_name))
        except DomainError as exc:
            selection.errors.append(exc.message)
    return selection
