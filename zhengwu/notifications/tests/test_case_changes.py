"""The applicant hears of every state change of their case."""

import pytest

from zhengwu.cases.services import case_submit
from zhengwu.notifications.models import Message
from zhengwu.cases.notices import notify_case_state_change
from zhengwu.ratings.tests.journey import act

pytestmark = pytest.mark.django_db


def test_each_action_sends_the_applicant_a_message_with_the_new_state(item, citizen, staff, on_2026_09_24):
    # No explicit call: the CASE_ACTED hook the cases app registers (cases/notices.py) sends them.
    case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    for actor, action in [("clerk", "accept"), ("reviewer", "review_pass"), ("approver", "approve"), ("handler", "conclude")]:
        act(case, staff[actor], action)

    titles = list(Message.objects.filter(recipient=citizen).order_by("id").values_list("title", flat=True))
    assert titles == [
        f"办件 {case.receipt_no}:{label}" for label in ("提交申请", "受理", "审查通过", "准予许可", "办结")
    ]
    last = Message.objects.filter(recipient=citizen).latest("id")
    assert "已办结" in last.body and item.name in last.body
    assert last.link == f"/ratings/cases/{case.receipt_no}/"


def test_a_correction_request_tells_the_applicant_what_is_missing(item, citizen, staff, on_2026_09_24):
    case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    act(case, staff["clerk"], "request_correction", reason="缺少户口簿复印件", payload={"missing": ["户口簿复印件"]})

    message = Message.objects.filter(recipient=citizen).latest("id")

    assert "缺少户口簿复印件" in message.body and "待补正" in message.body


def test_an_internal_return_reason_stays_in_the_office(item, citizen, staff, on_2026_09_24):
    case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    act(case, staff["clerk"], "accept")
    act(case, staff["reviewer"], "return", reason="受理意见书写不规范")

    message = Message.objects.filter(recipient=citizen).latest("id")

    assert "受理意见书写不规范" not in message.body and "退回上一环节" in message.title


def test_a_refused_action_sends_nothing(item, citizen, staff, on_2026_09_24):
    from zhengwu.cases.engine import TransitionRefused
    from zhengwu.core.errors import DomainError

    case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    before = Message.objects.filter(recipient=citizen).count()

    with pytest.raises((TransitionRefused, DomainError)):
        act(case, staff["clerk"], "return")  # nothing to return to at the first step

    assert Message.objects.filter(recipient=citizen).count() == before


def test_the_explicit_call_still_works_for_callers_outside_case_act(item, citizen, on_2026_09_24):
    case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")

    values = notify_case_state_change(case=case, event="submit")

    message = Message.objects.get(pk=values["id"])
    assert message.recipient == citizen and case.receipt_no in message.title
