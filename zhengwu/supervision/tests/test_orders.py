"""督办: issued by supervisors, answered by the case's department, both audited."""

from datetime import date

import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.services import case_submit
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.supervision.models import SupervisionOrder
from zhengwu.supervision.services import (
    supervision_order_issue,
    supervision_order_respond,
)

from .conftest import moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(item, citizen, calendar_2026):
    with at(moment(2026, 9, 24)):
        return case_submit(actor=citizen, item=item, applicant=citizen, channel="online")


def test_supervisor_issues_an_order_due_in_working_days_over_the_holiday(case, supervisor):
    with at(moment(2026, 9, 30)):
        order = supervision_order_issue(actor=supervisor, case=case, text="请说明受理超期原因", days=2)
    # 1-7 Oct are holidays: two working days after Wed 30 Sep are 8 and 9 Oct.
    assert (order.due_on, order.status) == (date(2026, 10, 9), SupervisionOrder.Status.OPEN)
    row = AuditEvent.objects.get(action="supervision.order.issue")
    assert (row.actor_id, row.object_id) == (supervisor.pk, str(order.pk))


def test_non_supervisor_cannot_issue(case, staff):
    with pytest.raises(PermissionDenied):
        supervision_order_issue(actor=staff["approver"], case=case, text="督办", days=2)
    assert not SupervisionOrder.objects.exists()


@pytest.mark.parametrize("text,days", [("", 3), ("  ", 3), ("请办理", 0), ("请办理", 31), ("x" * 2001, 3)])
def test_bad_order_input_is_refused_and_nothing_saved(case, supervisor, text, days):
    with pytest.raises(ValidationFailed):
        supervision_order_issue(actor=supervisor, case=case, text=text, days=days)
    assert not SupervisionOrder.objects.exists()


def test_department_staff_respond_and_it_is_audited(case, supervisor, staff):
    order = supervision_order_issue(actor=supervisor, case=case, text="请说明原因", days=3)
    supervision_order_respond(actor=staff["reviewer"], order=order, text="已于当日补办受理")
    order.refresh_from_db()
    assert (order.status, order.response, order.responded_by_id) == ("responded", "已于当日补办受理", staff["reviewer"].pk)
    assert AuditEvent.objects.filter(action="supervision.order.respond", actor=staff["reviewer"]).count() == 1


def test_staff_of_another_department_cannot_respond(case, supervisor):
    order = supervision_order_issue(actor=supervisor, case=case, text="请说明原因", days=3)
    with pytest.raises(PermissionDenied):
        supervision_order_respond(actor=StaffFactory(), order=order, text="无关人员")
    order.refresh_from_db()
    assert order.status == "open"


def test_an_order_is_answered_once(case, supervisor, staff):
    order = supervision_order_issue(actor=supervisor, case=case, text="请说明原因", days=3)
    supervision_order_respond(actor=staff["reviewer"], order=order, text="第一次反馈")
    with pytest.raises(Conflict):
        supervision_order_respond(actor=staff["approver"], order=order, text="第二次反馈")
    order.refresh_from_db()
    assert order.response == "第一次反馈"
