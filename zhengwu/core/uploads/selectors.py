"""Reads for uploaded files."""

from __future__ import annotations

import uuid

from zhengwu.core.models import StoredFile


def file_get(*, file_id) -> StoredFile | None:
    """Return the file (deleted ones included, callers check) or None for an unknown or malformed id."""
    try:
        key = file_id if isinstance(file_id, uuid.UUID) else uuid.UUID(str(file_id))
    except (ValueError, TypeError, AttributeError):
        return None
    return StoredFile.objects.filter(pk=key).first()


def file_list(*, object_type: str, object_id: str | int, include_deleted: bool = False):
    """Return the files attached to one object, oldest first."""
    qs = StoredFile.objects.filter(object_type=object_type, object_id=str(object_id))
    if not include_deleted:
        qs = qs.filter(is_deleted=False)
    return qs.order_by("created_at", "pk")
