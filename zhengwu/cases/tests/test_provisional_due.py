"""A case opened in late December, before next year's holiday notice is published."""

from datetime import date

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.services import case_submit
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.core.workdays import calendar_fill_provisional, calendar_import_year

from .conftest import moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def item_20_days(dept):
    return ItemFactory(name="农村村民宅基地审批", department=dept, promised_limit_days=20, statutory_limit_days=20)


def test_case_of_christmas_2026_is_due_after_new_years_day_flagged_and_moved_by_the_notice(
    calendar_2026, item_20_days, citizen, client
):
    calendar_fill_provisional(actor=None, through_year=2028)
    with at(moment(2026, 12, 25)):
        case = case_submit(actor=citizen, item=item_20_days, applicant=citizen, channel="online")
    assert case.clock.limit_days == 20
    # 28-31 Dec are days 1-4, Friday 1 January 2027 (元旦) rests, Monday 25 January is day 20.
    assert case.clock.due_on == date(2027, 1, 25)
    assert case.clock.calendar_complete is False

    with at(moment(2026, 12, 26)):
        client.force_login(citizen)
        page = client.get(reverse("cases:mine_detail", kwargs={"receipt_no": case.receipt_no})).content.decode()
    assert "2027年1月25日" in page
    assert "预计:该年度国务院节假日安排尚未公布,暂按法定节假日规则推算" in page

    # The notice (illustrative test data) makes Saturday 9 January a working day.
    result = calendar_import_year(
        actor=None, year=2027,
        holidays=[(date(2027, 1, d), "元旦") for d in (1, 2, 3)],
        makeup_workdays=[(date(2027, 1, 9), "元旦调休上班")],
        notice="测试通知",
    )
    moved = {(m.owner_type, m.owner_id): (m.old_due, m.new_due) for m in result.moved_clocks}
    assert moved[("cases.case", str(case.pk))] == (date(2027, 1, 25), date(2027, 1, 22))
    case.clock.refresh_from_db()
    assert (case.clock.due_on, case.clock.calendar_complete) == (date(2027, 1, 22), True)
    with at(moment(2026, 12, 28)):
        client.force_login(citizen)
        page = client.get(reverse("cases:mine_detail", kwargs={"receipt_no": case.receipt_no})).content.decode()
    assert "2027年1月22日" in page and "暂按法定节假日规则推算" not in page
