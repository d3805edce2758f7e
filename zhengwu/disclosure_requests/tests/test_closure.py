"""Closing an account keeps the requests but not the name copied from it (个人信息保护法)."""

import pytest

from zhengwu.accounts.services.privacy import account_close
from zhengwu.accounts.tests.factories import PASSWORD
from zhengwu.core.models import AuditEvent
from zhengwu.disclosure_requests.models import DisclosureRequest

from .helpers import PHONE, submit_on

pytestmark = pytest.mark.django_db


def test_closing_the_account_replaces_the_copied_name_and_phone_and_keeps_the_request(
        calendar, dept, citizen, other_citizen, clerk):
    mine = submit_on((2026, 9, 24), actor=citizen, department=dept)
    theirs = submit_on((2026, 9, 24), actor=other_citizen, department=dept)
    # A paper request entered at the window for someone of the same name has no account behind it.
    paper = submit_on((2026, 9, 24), actor=clerk, department=dept, channel="window", requester_type="natural",
                      requester_name="张三")
    assert (mine.requester_name, mine.contact_phone) == ("张三", PHONE)

    account_close(actor=citizen, user=citizen, password=PASSWORD)

    mine.refresh_from_db()
    assert (mine.requester_name, mine.contact_phone) == ("已注销用户", "")
    assert mine.receipt_no and mine.description == "请公开本县2026年老旧小区改造资金安排。"  # the record stays
    assert mine.requester_type == "natural"  # the annual report still counts it
    theirs.refresh_from_db()
    paper.refresh_from_db()
    assert (theirs.requester_name, theirs.contact_phone) == ("李四", PHONE)
    assert paper.requester_name == "张三"
    assert DisclosureRequest.objects.count() == 3
    event = AuditEvent.objects.get(action="accounts.close")
    assert event.details["erased"] == {"disclosure_requests": 1}
