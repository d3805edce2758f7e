"""差评整改 of the department on the staff workbench (issue 16 item 5)."""

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.tests.conftest import moment
from zhengwu.core.tests.workbench import workbench_read
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post
from zhengwu.ratings.models import STAGE_ORDER, Level
from zhengwu.ratings.services import rating_submit, rectification_stage_record

from .journey import concluded_case

pytestmark = pytest.mark.django_db


def _bad_rating(item, staff, when):
    with at(when):
        citizen = CitizenFactory()
        case = concluded_case(item, citizen, staff)
        rating = rating_submit(actor=citizen, case=case, level=Level.DISSATISFIED, comment="态度差")
        return case, rating.rectification


def test_open_rectifications_are_counted_on_their_clocks(client, item, staff, calendar_2026):
    _bad_rating(item, staff, moment(2026, 8, 20))                   # 15 working days ran out on 10 Sep
    due_today, rectification = _bad_rating(item, staff, moment(2026, 9, 4))
    assert rectification.clock.due_on == moment(2026, 9, 24).date()
    _bad_rating(item, staff, moment(2026, 9, 24))                   # just opened
    _, closed = _bad_rating(item, staff, moment(2026, 9, 1))
    with at(moment(2026, 9, 2)):
        for stage in STAGE_ORDER:
            rectification_stage_record(actor=staff["handler"], rectification=closed, stage=stage, note="已处理")

    with at(moment(2026, 9, 24)):
        counts, deadlines, links = workbench_read(client, staff["handler"])
        assert counts["rectifications"] == (3, 1, 1)
        assert deadlines == [f"差评整改 {due_today.receipt_no} 今日到期"]
        assert links["rectifications"] == "/office/rectifications/"

        other = UnitFactory(code="SW", name="县水务局", kind=Unit.Kind.DEPARTMENT)
        counts, deadlines, _ = workbench_read(client, grant_post(StaffFactory(), Role.HANDLER, unit=other))
        assert counts["rectifications"] == (0, 0, 0) and deadlines == []
        counts, _, _ = workbench_read(client, grant_post(StaffFactory(), Role.AUDIT_ADMIN, unit=other))
        assert "rectifications" not in counts
