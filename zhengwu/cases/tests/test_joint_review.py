"""A joint review (联合审查) step owned by another department: the step's own department decides.

The bug this pins (issue 14): the services honoured the step's department while the
inbox, the detail, the action buttons, the transfer list and the download rule used the
item's, so the joint department's reviewer saw an empty inbox and got 404, and the
item department's reviewer saw the case and got 403.
"""

import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.cases.selectors.staff import (
    InboxFilters,
    case_detail_for_staff,
    case_get_for_staff,
    case_inbox_list,
    case_staff_can_see,
)
from zhengwu.cases.services.staff import case_act_as_staff
from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhengwu.org.roles import Role
from zhengwu.org.models import Unit
from zhengwu.org.tests.factories import UnitFactory, grant_post

from .staff_fixtures import do, submit

pytestmark = pytest.mark.django_db


def receipts(user):
    return {c.receipt_no for c in case_inbox_list(user=user, filters=InboxFilters()).rows}


@pytest.fixture
def at_joint(on_2026_09_24, joint_item, staff, applicant):
    """A case that passed its own department's review and waits at the joint review."""
    case = do(submit(joint_item, applicant), staff["clerk"], "accept")
    case = do(case, staff["reviewer"], "review_pass")
    assert case.definition.steps[case.step_index]["key"] == "joint_review"
    return case


def test_joint_departments_reviewer_sees_the_step_in_the_inbox(at_joint, other_staff, staff):
    assert receipts(other_staff["reviewer"]) == {at_joint.receipt_no}
    assert receipts(staff["reviewer2"]) == set()
    assert receipts(staff["reviewer"]) == set()


def test_joint_departments_reviewer_is_offered_the_steps_actions_and_acts(at_joint, other_staff, staff):
    detail = case_detail_for_staff(user=other_staff["reviewer"], receipt_no=at_joint.receipt_no)
    assert "review_pass" in detail.actions

    case = case_act_as_staff(actor=other_staff["reviewer"], receipt_no=at_joint.receipt_no, action="review_pass",
                             expected_version=at_joint.version)

    assert case.definition.steps[case.step_index]["key"] == "approve"
    assert receipts(staff["approver"]) == {at_joint.receipt_no}


def test_item_departments_reviewer_is_offered_nothing_and_refused(at_joint, staff):
    # The one who reviewed earlier still opens the case (they acted on it) and may take
    # their own move back, but is offered none of the joint step's actions.
    detail = case_detail_for_staff(user=staff["reviewer"], receipt_no=at_joint.receipt_no)
    assert detail.actions == ["withdraw"]
    with pytest.raises(PermissionDenied) as refused:
        case_act_as_staff(actor=staff["reviewer"], receipt_no=at_joint.receipt_no, action="review_pass",
                          expected_version=at_joint.version)
    assert refused.value.code == "wrong_role"


def test_item_departments_other_reviewer_does_not_see_the_case(at_joint, staff):
    with pytest.raises(NotFound):
        case_get_for_staff(user=staff["reviewer2"], receipt_no=at_joint.receipt_no)
    with pytest.raises(NotFound):
        case_act_as_staff(actor=staff["reviewer2"], receipt_no=at_joint.receipt_no, action="review_pass",
                          expected_version=at_joint.version)


def test_transfer_list_holds_the_joint_departments_reviewers(at_joint, other_dept, other_staff, staff):
    colleague = grant_post(StaffFactory(real_name="乙局审核二"), Role.REVIEWER, unit=other_dept)

    detail = case_detail_for_staff(user=other_staff["reviewer"], receipt_no=at_joint.receipt_no)

    assert [uid for uid, _ in detail.transfer_targets] == [colleague.pk]
    with pytest.raises(ValidationFailed):
        case_act_as_staff(actor=other_staff["reviewer"], receipt_no=at_joint.receipt_no, action="transfer",
                          expected_version=at_joint.version, payload={"to_user_id": staff["reviewer2"].pk},
                          reason="请同事办理")
    case = case_act_as_staff(actor=other_staff["reviewer"], receipt_no=at_joint.receipt_no, action="transfer",
                             expected_version=at_joint.version, payload={"to_user_id": colleague.pk}, reason="请同事办理")
    assert receipts(colleague) == {case.receipt_no}
    assert case.step_clock.handler_id == colleague.pk and case.step_clock.unit_id == other_dept.pk


def test_joint_step_clock_names_the_joint_department(at_joint, other_dept):
    assert (at_joint.step_clock.unit_id, at_joint.step_clock.role) == (other_dept.pk, Role.REVIEWER)


def test_joint_departments_reviewer_may_read_the_case_and_its_materials(at_joint, other_staff, staff):
    from zhengwu.cases.services.apply import case_material_download_allowed

    class File:
        owner_id = uploaded_by_id = None
        object_type = "cases.case"
        object_id = str(at_joint.pk)

    assert case_staff_can_see(user=other_staff["reviewer"], case_id=at_joint.pk)
    assert not case_staff_can_see(user=staff["reviewer2"], case_id=at_joint.pk)
    assert case_material_download_allowed(other_staff["reviewer"], File())
    outsider = grant_post(StaffFactory(), Role.REVIEWER, unit=UnitFactory(code="QT", kind=Unit.Kind.DEPARTMENT))
    assert not case_material_download_allowed(outsider, File())
