"""好差评: who may rate, when, how often; a bad rating's rectification on its own clock."""

from datetime import date

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.cases.services import case_submit
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent, Clock
from zhengwu.core.workdays import add_working_days
from zhengwu.notifications.models import Message
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post
from zhengwu.ratings.models import Level, Rating, Rectification, RectificationStage
from zhengwu.ratings.services import rating_submit, rectification_stage_record

from .journey import concluded_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(item, citizen, staff, on_2026_09_24):
    return concluded_case(item, citizen, staff)


def test_applicant_rates_a_concluded_case_once_and_it_is_audited(case, citizen):
    rating = rating_submit(actor=citizen, case=case, level=Level.VERY_SATISFIED, comment="办事很快")

    assert (rating.level, rating.get_level_display(), rating.department_id) == (5, "非常满意", case.item.department_id)
    assert AuditEvent.objects.filter(action="ratings.rating.create", object_id=str(rating.pk)).count() == 1
    assert not Rectification.objects.exists()
    with pytest.raises(Conflict, match="已评价"):
        rating_submit(actor=citizen, case=case, level=Level.SATISFIED)
    assert Rating.objects.count() == 1


def test_someone_other_than_the_applicant_cannot_rate(case, staff):
    with pytest.raises(PermissionDenied, match="只有申请人本人"):
        rating_submit(actor=CitizenFactory(), case=case, level=Level.SATISFIED)
    with pytest.raises(PermissionDenied):
        rating_submit(actor=staff["handler"], case=case, level=Level.SATISFIED)
    assert not Rating.objects.exists()


def test_a_running_case_cannot_be_rated(item, citizen, on_2026_09_24):
    running = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")

    with pytest.raises(ValidationFailed, match="办结后才能评价"):
        rating_submit(actor=citizen, case=running, level=Level.SATISFIED)


@pytest.mark.parametrize("level", [0, 6, "x", None, "满意"])
def test_an_unknown_level_is_refused_in_chinese(case, citizen, level):
    with pytest.raises(ValidationFailed, match="请选择评价等级"):
        rating_submit(actor=citizen, case=case, level=level)


def test_a_bad_rating_needs_a_reason(case, citizen):
    with pytest.raises(ValidationFailed, match="请写明不满意的原因"):
        rating_submit(actor=citizen, case=case, level=Level.DISSATISFIED, comment="  ")
    assert not Rating.objects.exists()


@pytest.mark.parametrize("level", [Level.DISSATISFIED, Level.VERY_DISSATISFIED])
def test_a_bad_rating_opens_a_rectification_due_in_15_working_days(case, citizen, level):
    rating = rating_submit(actor=citizen, case=case, level=level, comment="窗口态度差")

    rect = Rectification.objects.select_related("clock").get(rating=rating)
    assert rect.status == Rectification.Status.OPEN and rect.department_id == case.item.department_id
    assert rect.clock.started_on == date(2026, 9, 24)
    # 15 working days across the National Day holiday (10-1 … 10-8).
    assert rect.clock.due_on == add_working_days(date(2026, 9, 24), 15).due
    assert rect.clock.due_on > date(2026, 10, 15)
    assert AuditEvent.objects.filter(action="ratings.rectification.open").count() == 1


def test_the_rectification_limit_follows_the_setting(case, citizen, settings):
    settings.ZHENGWU_RECTIFICATION_DAYS = 5

    rating = rating_submit(actor=citizen, case=case, level=Level.VERY_DISSATISFIED, comment="多次跑腿")

    assert rating.rectification.clock.limit_days == 5


def _open_rectification(case, citizen):
    return rating_submit(actor=citizen, case=case, level=Level.DISSATISFIED, comment="等太久").rectification


def test_department_staff_record_the_four_stages_in_order_and_feedback_closes_it(case, citizen, staff):
    rect = _open_rectification(case, citizen)
    handler = staff["handler"]

    with pytest.raises(ValidationFailed, match="请先完成“回访”"):
        rectification_stage_record(actor=handler, rectification=rect, stage="fix", note="已整改")
    for stage, note in [("callback", "已电话回访"), ("finding", "核实属实"), ("fix", "优化流程")]:
        rectification_stage_record(actor=handler, rectification=rect, stage=stage, note=note)
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.OPEN
    rectification_stage_record(actor=handler, rectification=rect, stage="feedback", note="已向申请人反馈整改结果")

    rect.refresh_from_db()
    assert rect.status == Rectification.Status.CLOSED and rect.closed_at is not None
    assert Clock.objects.get(pk=rect.clock_id).state == Clock.State.STOPPED
    assert list(rect.stages.values_list("stage", flat=True)) == ["callback", "finding", "fix", "feedback"]
    assert AuditEvent.objects.filter(action__startswith="ratings.rectification.", object_id=str(rect.pk)).count() == 5
    feedback = Message.objects.get(recipient=citizen, title__contains="整改反馈")
    assert "已向申请人反馈整改结果" in feedback.body
    with pytest.raises(Conflict, match="已办结"):
        rectification_stage_record(actor=handler, rectification=rect, stage="feedback", note="再次")


def test_a_stage_needs_a_note_and_cannot_be_recorded_twice(case, citizen, staff):
    rect = _open_rectification(case, citizen)

    with pytest.raises(ValidationFailed, match="请填写“回访”"):
        rectification_stage_record(actor=staff["handler"], rectification=rect, stage="callback", note=" ")
    rectification_stage_record(actor=staff["handler"], rectification=rect, stage="callback", note="已回访")
    with pytest.raises(Conflict, match="已记录"):
        rectification_stage_record(actor=staff["reviewer"], rectification=rect, stage="callback", note="又回访")
    assert RectificationStage.objects.count() == 1


def test_staff_of_another_department_or_admins_cannot_record_stages(case, citizen, staff):
    rect = _open_rectification(case, citizen)
    other = grant_post(StaffFactory(), Role.HANDLER, unit=UnitFactory(code="QT"))
    admin = grant_post(StaffFactory(), Role.SYSTEM_ADMIN, unit=case.item.department)

    for actor in (other, admin, citizen, staff["clerk"]):
        with pytest.raises(PermissionDenied, match="实施部门的工作人员"):
            rectification_stage_record(actor=actor, rectification=rect, stage="callback", note="回访")
    assert not RectificationStage.objects.exists()
