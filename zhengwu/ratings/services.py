"""Writes of 好差评: rate a concluded case; record the stages of a bad rating's rectification."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.cases import engine
from zhengwu.core.audit import audit_record
from zhengwu.core.clock import clock_start, clock_stop
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.sanitise import strip_unsafe_chars
from zhengwu.org import responsibility

from .models import (
    BAD_LEVELS,
    STAGE_ORDER,
    Level,
    Rating,
    Rectification,
    RectificationStage,
)
from .owners import RECTIFICATION

DEFAULT_RECTIFICATION_DAYS = 15
RECTIFICATION_WARN_DAYS = 3
COMMENT_MAX = 500
NOTE_MAX = 2000
RECTIFICATION_OWNER = RECTIFICATION.name


def rectification_days() -> int:
    return int(getattr(settings, "ZHENGWU_RECTIFICATION_DAYS", DEFAULT_RECTIFICATION_DAYS))


def _parse_level(level) -> int:
    try:
        value = int(level)
    except (TypeError, ValueError):
        value = None
    if value not in Level.values:
        raise ValidationFailed("请选择评价等级(非常满意、满意、基本满意、不满意、非常不满意)", code="rating_level_invalid")
    return value


def rating_submit(*, actor, case, level, comment: str = "") -> Rating:
    """Record the applicant's rating of their concluded case; a bad one opens a rectification.

    Only the applicant, only once, only after the case concluded. The rectification's
    clock (ZHENGWU_RECTIFICATION_DAYS working days, default 15) starts on the rating day.
    """
    if getattr(actor, "pk", None) is None or actor.pk != case.applicant_id:
        raise PermissionDenied("只有申请人本人可以评价该办件", code="rating_not_applicant")
    if case.status != engine.CONCLUDED:
        raise ValidationFailed("办件办结后才能评价", code="rating_not_concluded")
    value = _parse_level(level)
    comment = strip_unsafe_chars(comment).strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(f"评价内容不能超过 {COMMENT_MAX} 个字", code="rating_comment_too_long")
    if value in BAD_LEVELS and not comment:
        # Rectification starts with a call-back about *what* went wrong.
        raise ValidationFailed("选择“不满意”或“非常不满意”时,请写明不满意的原因", code="rating_comment_required")
    department_id = case.item.department_id
    try:
        with transaction.atomic():
            if Rating.objects.filter(case_id=case.pk).exists():
                raise Conflict("该办件已评价,不能重复评价", code="rating_exists")
            rating = Rating.objects.create(
                case=case, department_id=department_id, level=value, comment=comment, rated_by=actor,
            )
            audit_record(
                actor=actor, action="ratings.rating.create", obj=rating,
                details={"receipt_no": case.receipt_no, "level": value, "department_id": department_id},
            )
            if value in BAD_LEVELS:
                _rectification_open(rating=rating, case=case, department_id=department_id)
    except IntegrityError:
        # A concurrent double submit lost the one-to-one race.
        raise Conflict("该办件已评价,不能重复评价", code="rating_exists") from None
    return rating


def _rectification_open(*, rating: Rating, case, department_id) -> Rectification:
    today = timezone.localdate()
    days = rectification_days()
    rectification = Rectification.objects.create(
        rating=rating, case=case, department_id=department_id,
        clock=clock_start(
            actor=None, owner=RECTIFICATION.ref(rating.pk),
            limit_days=days, warn_days=min(RECTIFICATION_WARN_DAYS, days), start_on=today,
            unit_id=department_id,  # the department answers for it; no one post or person does
        ),
    )
    # The clock's owner id names the rating (the rectification row did not exist yet).
    audit_record(
        actor=None, action="ratings.rectification.open", obj=rectification,
        details={"receipt_no": case.receipt_no, "level": rating.level, "due_on": rectification.clock.due_on.isoformat()},
    )
    return rectification


def rectification_stage_record(*, actor, rectification: Rectification, stage: str, note: str) -> RectificationStage:
    """Record the next stage (回访 → 核实 → 整改 → 反馈); 反馈 closes it, stops its clock and tells the applicant."""
    from zhengwu.notifications.services import notify

    # Any business post of the department (the 三员 do no business work), not the county's.
    responsibility.access_unit(actor, unit_id=rectification.department_id, message="只有该办件实施部门的工作人员可以办理整改",
                               code="rectification_not_department")
    if stage not in STAGE_ORDER:
        raise ValidationFailed("整改阶段不正确", code="rectification_stage_invalid")
    note = strip_unsafe_chars(note).strip()
    label = RectificationStage.Stage(stage).label
    if not note:
        raise ValidationFailed(f"请填写“{label}”的情况说明", code="rectification_note_required")
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"情况说明不能超过 {NOTE_MAX} 个字", code="rectification_note_too_long")
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().select_related("clock", "case").get(pk=rectification.pk)
        if locked.status == Rectification.Status.CLOSED:
            raise Conflict("该整改已办结", code="rectification_closed")
        done = set(locked.stages.values_list("stage", flat=True))
        expected = next(s for s in STAGE_ORDER if s not in done)
        if stage != expected:
            if stage in done:
                raise Conflict(f"“{label}”已记录,请刷新后继续", code="rectification_stage_done")
            raise ValidationFailed(
                f"请先完成“{RectificationStage.Stage(expected).label}”", code="rectification_stage_order",
            )
        row = RectificationStage.objects.create(rectification=locked, stage=stage, note=note, recorded_by=actor)
        if stage == RectificationStage.Stage.FEEDBACK:
            clock_stop(actor=actor, clock=locked.clock, on=timezone.localdate())
            locked.status = Rectification.Status.CLOSED
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(
            actor=actor, action=f"ratings.rectification.{stage}", obj=locked,
            details={"receipt_no": locked.case.receipt_no, "stage": stage},
        )
        if stage == RectificationStage.Stage.FEEDBACK:
            notify(
                recipient=locked.case.applicant,
                title=f"办件 {locked.case.receipt_no}:差评整改反馈",
                body=f"感谢您的评价。针对您反映的问题,我们的整改情况如下:\n{note}",
            )
    rectification.status, rectification.closed_at = locked.status, locked.closed_at
    return row
