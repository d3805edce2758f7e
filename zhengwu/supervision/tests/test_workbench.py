"""督办 waiting for the department's feedback on the staff workbench (issue 16 item 5)."""

import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.services import case_submit
from zhengwu.core.tests.workbench import workbench_read
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post
from zhengwu.supervision.services import supervision_order_issue, supervision_order_respond

from .conftest import moment

pytestmark = pytest.mark.django_db


def test_open_orders_of_the_department_are_counted_with_their_feedback_limits(
        client, item, citizen, calendar_2026, staff, supervisor):
    with at(moment(2026, 9, 21)):  # Monday
        case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
        overdue = supervision_order_issue(actor=supervisor, case=case, text="逾期未反馈", days=1)  # due Tue 22
    with at(moment(2026, 9, 23)):
        supervision_order_issue(actor=supervisor, case=case, text="今日到期", days=1)  # due Thu 24
    with at(moment(2026, 9, 24)):
        supervision_order_issue(actor=supervisor, case=case, text="明日到期", days=1)  # due Fri 25: warning
        supervision_order_issue(actor=supervisor, case=case, text="时间充裕", days=5)  # after the October holiday
        answered = supervision_order_issue(actor=supervisor, case=case, text="已反馈", days=1)
        supervision_order_respond(actor=staff["approver"], order=answered, text="已整改")

        counts, deadlines, links = workbench_read(client, staff["handler"])
        assert counts["supervision_orders"] == (4, 2, 1)
        assert deadlines == [f"督办反馈 {case.receipt_no} 今日到期"]
        assert links["supervision_orders"] == "/office/supervision/orders/mine/"
        assert overdue.due_on < moment(2026, 9, 24).date()

        # Staff of another department answer none of these; an administrator of the
        # separated duties (三员) does no business work and has no such card.
        other = UnitFactory(code="JY", name="县教育局", kind=Unit.Kind.DEPARTMENT)
        counts, deadlines, _ = workbench_read(client, grant_post(StaffFactory(), Role.HANDLER, unit=other))
        assert counts["supervision_orders"] == (0, 0, 0) and deadlines == []
        counts, _, _ = workbench_read(client, grant_post(StaffFactory(), Role.SECURITY_ADMIN, unit=other))
        assert "supervision_orders" not in counts
