"""A staff action from the handling page or the staff API: one entry for both.

The transition itself is ``services.case_act`` (engine + clocks + event + audit in one
transaction); this adds what the screens share: the case must be one the user may see
(else the same 404 as an unknown number), a transfer must name a colleague holding the
step's post, a suspension (听证、专家评审、检验检测) carries its evidence files, and every
refused attempt leaves a failure row in the audit trail, written after the refused
transaction is gone so it always commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from zhengwu.core.audit import audit_record_failure
from zhengwu.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from zhengwu.core.sanitise import has_unsafe_chars
from zhengwu.core.uploads import files_store

from .. import engine
from ..models import Case
from ..owners import CASE
from ..selectors.apply import EVIDENCE_PURPOSE, MATERIAL_OBJECT_TYPE
from ..selectors.staff import (
    case_get_for_staff,
    case_superseded_for_staff,
    transfer_targets,
)
from . import STALE_MESSAGE, case_act
from .apply import discard_stored_files

EVIDENCE_REQUIRED = "特别程序须上传证明材料(如听证通知书、专家评审委托书、检验检测委托单)"


def _audit_refusal(*, actor, action: str, receipt_no: str, case: Case | None, exc: DomainError) -> None:
    audit_record_failure(
        actor=actor,
        # Only known action names reach the trail's action column; anything else is "act".
        action=f"cases.case.{action if action in engine.ACTION_LABELS else 'act'}",
        obj=case,
        object_type="" if case is not None else CASE.name,
        object_id="" if case is not None else (receipt_no or "")[:64],
        details={"receipt_no": (receipt_no or "")[:32], "code": exc.code, "status": exc.status, "message": exc.message},
    )


def _check_evidence(action: str, evidence: list) -> None:
    if action == "suspend" and not evidence:
        raise ValidationFailed(EVIDENCE_REQUIRED, code="evidence_required", details={"field": "evidence"})
    if action != "suspend" and evidence:
        raise ValidationFailed("只有特别程序需要上传证明材料", code="evidence_unexpected", details={"field": "evidence"})


def _act_with_evidence(*, actor, case: Case, action, expected_version, reason, payload, evidence) -> Case:
    """Store the evidence and apply the suspension in one transaction: the event names the files."""
    stored: list = []
    try:
        with transaction.atomic():
            stored = files_store(
                # The applicant owns the evidence of their case: they may read why it stands still.
                actor=actor, uploads=evidence, purpose=EVIDENCE_PURPOSE, owner=case.applicant,
                object_type=MATERIAL_OBJECT_TYPE, object_id=case.pk,
            )
            return case_act(
                actor=actor, case=case, action=action, expected_version=expected_version, reason=reason,
                payload={**(payload or {}), "evidence": [str(row.pk) for row in stored]},
            )
    except BaseException:
        discard_stored_files(stored)
        raise


def case_act_as_staff(
    *,
    actor,
    receipt_no: str,
    action: str,
    expected_version: int,
    reason: str = "",
    payload: dict | None = None,
    evidence: Sequence[object] = (),
) -> Case:
    """Apply ``action`` for a staff member; raise the DomainError (404/400/403/409) after auditing it.

    ``evidence``: the uploaded files a suspension needs (at least one; no other action takes any).
    """
    case = None
    evidence = [f for f in evidence if f]
    try:
        try:
            case = case_get_for_staff(user=actor, receipt_no=receipt_no)
        except NotFound:
            if case_superseded_for_staff(user=actor, receipt_no=receipt_no, version=expected_version):
                raise Conflict(STALE_MESSAGE, code="stale_version") from None
            raise
        if action == "transfer":
            target = (payload or {}).get("to_user_id")
            allowed = {uid for uid, _ in transfer_targets(case=case, exclude_user_id=actor.pk)}
            if target is not None and not isinstance(target, bool) and target not in allowed:
                raise ValidationFailed("接收人员须在本环节办理部门担任本环节岗位", code="transfer_target_invalid")
        if isinstance(payload, dict) and "evidence" in payload:
            # File ids come only from this upload, never from the caller.
            raise ValidationFailed("证明材料须随办理动作一并上传", code="evidence_ids_unexpected")
        if has_unsafe_chars(reason or ""):
            raise ValidationFailed("理由含有不可见的控制字符", code="text_invalid")
        _check_evidence(action, evidence)
        if evidence:
            return _act_with_evidence(
                actor=actor, case=case, action=action, expected_version=expected_version, reason=reason,
                payload=payload, evidence=evidence,
            )
        return case_act(
            actor=actor, case=case, action=action, expected_version=expected_version, reason=reason, payload=payload,
        )
    except DomainError as exc:
        _audit_refusal(actor=actor, action=action, receipt_no=receipt_no, case=case, exc=exc)
        raise
