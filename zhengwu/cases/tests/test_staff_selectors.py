"""Staff inbox and case visibility: who sees which case, colours in SQL, key paging, query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.selectors.staff import (
    InboxFilters,
    case_get_for_staff,
    case_inbox_list,
    inbox_cursor_parse,
)
from zhengwu.core.errors import NotFound
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post

from .conftest import moment
from .staff_fixtures import at_review, do, submit


pytestmark = pytest.mark.django_db


def receipts(user, **filters):
    return {c.receipt_no for c in case_inbox_list(user=user, filters=InboxFilters(**filters)).rows}


def test_reviewer_sees_only_own_department_cases_at_review(on_2026_09_24, item, staff, applicant, other_item, other_staff):
    mine = at_review(item, applicant, staff["clerk"])
    theirs = at_review(other_item, applicant, staff["clerk"])

    assert receipts(staff["reviewer"]) == {mine.receipt_no}
    assert receipts(other_staff["reviewer"]) == {theirs.receipt_no}
    # Department X staff never see department Y's cases, not even by receipt number.
    assert receipts(staff["reviewer"], receipt=theirs.receipt_no) == set()
    with pytest.raises(NotFound):
        case_get_for_staff(user=staff["reviewer"], receipt_no=theirs.receipt_no)


def test_posts_of_other_steps_do_not_see_the_case(on_2026_09_24, item, staff, applicant):
    at_review(item, applicant, staff["clerk"])

    assert receipts(staff["approver"]) == set()
    assert receipts(staff["handler"]) == set()


def test_post_in_a_section_counts_for_its_department(on_2026_09_24, item, dept, staff, applicant):
    section = UnitFactory(code="NY-1", name="宅基地管理股", kind=Unit.Kind.SECTION, parent=dept)
    reviewer = grant_post(StaffFactory(), Role.REVIEWER, unit=section)
    case = at_review(item, applicant, staff["clerk"])

    assert receipts(reviewer) == {case.receipt_no}


def test_window_clerk_sees_accept_steps_of_every_department(on_2026_09_24, item, other_item, staff, applicant):
    a = submit(item, applicant)
    b = submit(other_item, applicant)
    at_review(item, applicant, staff["clerk"])

    assert receipts(staff["clerk"]) == {a.receipt_no, b.receipt_no}


def test_supervisor_sees_every_open_case(on_2026_09_24, item, other_item, staff, applicant, supervisor):
    a = submit(item, applicant)
    b = at_review(other_item, applicant, staff["clerk"])
    refused = do(submit(item, applicant), staff["clerk"], "refuse", reason="不属于本部门受理范围")

    seen = receipts(supervisor)

    assert {a.receipt_no, b.receipt_no} <= seen and refused.receipt_no not in seen
    assert case_get_for_staff(user=supervisor, receipt_no=b.receipt_no).pk == b.pk


def test_transfer_moves_the_case_from_colleague_to_assignee(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    do(case, staff["reviewer"], "transfer", reason="回避", payload={"to_user_id": staff["reviewer2"].pk})

    assert receipts(staff["reviewer2"]) == {case.receipt_no}
    assert receipts(staff["reviewer"]) == set()
    # The one who acted can still open it (to follow up or withdraw).
    assert case_get_for_staff(user=staff["reviewer"], receipt_no=case.receipt_no).pk == case.pk


def test_colours_come_from_stored_clock_dates(calendar_2026, item, staff, applicant):
    with at(moment(2026, 9, 1)):
        red = submit(item, applicant)  # 受理 due 2026-09-02
    with at(moment(2026, 9, 24)):
        # 受理: 1 working day, warned 0 days ahead; 09-25 is 中秋节, so due (and yellow) on Monday 09-28.
        yellow = submit(item, applicant)
        normal = at_review(item, applicant, staff["clerk"])  # 审查: 4 days, yellow from 09-30
        suspended = at_review(item, applicant, staff["clerk"])
        do(suspended, staff["reviewer"], "suspend", reason="需专家论证", payload={"kind": "expert_review"})
    with at(moment(2026, 9, 28)):
        clerk_rows = {c.receipt_no: c.step_colour for c in case_inbox_list(user=staff["clerk"], filters=InboxFilters()).rows}
        reviewer_rows = {c.receipt_no: c.step_colour_label for c in case_inbox_list(user=staff["reviewer"], filters=InboxFilters()).rows}
        assert receipts(staff["clerk"], colour="red") == {red.receipt_no}
        assert receipts(staff["clerk"], colour="yellow") == {yellow.receipt_no}
        assert receipts(staff["reviewer"], colour="normal") == {normal.receipt_no}
        assert receipts(staff["reviewer"], colour="suspended") == {suspended.receipt_no}

    assert clerk_rows == {red.receipt_no: "red", yellow.receipt_no: "yellow"}
    assert reviewer_rows == {normal.receipt_no: "正常", suspended.receipt_no: "暂停"}


def test_filters_by_status_item_receipt_and_date(calendar_2026, item, other_item, staff, applicant, supervisor):
    with at(moment(2026, 9, 1)):
        early = submit(item, applicant)
    with at(moment(2026, 9, 24)):
        late = submit(other_item, applicant)
        corr = submit(item, applicant)
        do(corr, staff["clerk"], "request_correction", payload={"missing": ["户口簿"]})

        assert receipts(supervisor, status="correction") == {corr.receipt_no}
        assert receipts(supervisor, item=other_item.code) == {late.receipt_no}
        assert receipts(supervisor, item="宅基地") == {early.receipt_no, corr.receipt_no}
        assert receipts(supervisor, receipt=early.receipt_no.lower()) == {early.receipt_no}
        assert receipts(supervisor, date_to=date(2026, 9, 2)) == {early.receipt_no}
        assert receipts(supervisor, date_from=date(2026, 9, 24)) == {late.receipt_no, corr.receipt_no}


def test_inbox_pages_by_key_most_urgent_first(calendar_2026, item, staff, applicant):
    made = []
    for day in (3, 1, 2, 4, 7):
        with at(moment(2026, 9, day)):
            made.append(submit(item, applicant))
    with at(moment(2026, 9, 24)):
        seen, after = [], None
        while True:
            page = case_inbox_list(user=staff["clerk"], filters=InboxFilters(after=after), limit=2)
            seen += [c.receipt_no for c in page.rows]
            if not page.next_after:
                break
            after = inbox_cursor_parse(page.next_after)

    by_submission = sorted(made, key=lambda c: c.submitted_at)
    assert seen == [c.receipt_no for c in by_submission]


def test_inbox_query_count_does_not_grow_with_rows(on_2026_09_24, item, other_item, staff, applicant):
    at_review(item, applicant, staff["clerk"])

    with CaptureQueriesContext(connection) as few:
        assert len(case_inbox_list(user=staff["reviewer"], filters=InboxFilters()).rows) == 1
    for _ in range(6):
        at_review(item, applicant, staff["clerk"])
    with CaptureQueriesContext(connection) as many:
        assert len(case_inbox_list(user=staff["reviewer"], filters=InboxFilters()).rows) == 7

    # The user's posts, the page's keys (sorted narrow rows), the page's rows by key.
    assert len(many.captured_queries) == len(few.captured_queries) == 3
