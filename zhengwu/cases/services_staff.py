"""A staff action from the handling page or the staff API: one entry for both.

The transition itself is ``services.case_act`` (engine + clocks + event + audit in one
transaction); this adds what the screens share: the case must be one the user may see
(else the same 404 as an unknown number), a transfer must name a colleague holding the
step's post, and every refused attempt leaves a failure row in the audit trail, written
after the refused transaction is gone so it always commits.
"""

from __future__ import annotations

from zhengwu.core.audit import audit_record_failure
from zhengwu.core.errors import Conflict, DomainError, NotFound, ValidationFailed

from . import engine
from .models import Case
from .selectors_staff import (
    case_get_for_staff,
    case_superseded_for_staff,
    transfer_targets,
)
from .services import STALE_MESSAGE, case_act


def _audit_refusal(*, actor, action: str, receipt_no: str, case: Case | None, exc: DomainError) -> None:
    audit_record_failure(
        actor=actor,
        # Only known action names reach the trail's action column; anything else is "act".
        action=f"cases.case.{action if action in engine.ACTION_LABELS else 'act'}",
        obj=case,
        object_type="" if case is not None else "cases.case",
        object_id="" if case is not None else (receipt_no or "")[:64],
        details={"receipt_no": (receipt_no or "")[:32], "code": exc.code, "status": exc.status, "message": exc.message},
    )


def case_act_as_staff(
    *, actor, receipt_no: str, action: str, expected_version: int, reason: str = "", payload: dict | None = None
) -> Case:
    """Apply ``action`` for a staff member; raise the DomainError (404/400/403/409) after auditing it."""
    case = None
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
                raise ValidationFailed("接收人员须在本事项实施部门担任本环节岗位", code="transfer_target_invalid")
        return case_act(
            actor=actor, case=case, action=action, expected_version=expected_version, reason=reason, payload=payload,
        )
    except DomainError as exc:
        _audit_refusal(actor=actor, action=action, receipt_no=receipt_no, case=case, exc=exc)
        raise
