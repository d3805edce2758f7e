"""Reads of case results."""

from __future__ import annotations

from zhengwu.cases.owners import CASE
from zhengwu.core.models import StoredFile

from .services import RESULT_PURPOSE


def case_result_get(*, case) -> StoredFile | None:
    """The case's current sealed result (the newest, if it was ever re-issued)."""
    return (
        StoredFile.objects.filter(purpose=RESULT_PURPOSE, object_type=CASE.name, object_id=str(case.pk), is_deleted=False)
        .order_by("-created_at")
        .first()
    )
