"""Case services: submission, actions with roles, the 409 race, clocks, frozen rules."""

from datetime import date

import pytest

from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.engine import TransitionRefused
from zhengwu.cases.models import Case, CaseEvent, ProcessDefinition
from zhengwu.cases.services import (
    _split_limit,
    case_act,
    case_submit,
    process_default_for_item,
    process_definition_publish,
)
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.core.clock import clock_colour
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent, Clock, ClockEvent
from zhengwu.org.models import Unit
from zhengwu.org.tests.factories import UnitFactory

from .conftest import moment

pytestmark = pytest.mark.django_db


def submit(item, citizen, **kw):
    return case_submit(actor=citizen, item=item, applicant=citizen, channel=kw.pop("channel", "online"), **kw)


def do(case, actor, action, reason="", payload=None):
    return case_act(actor=actor, case=case, action=action, expected_version=case.version, reason=reason, payload=payload)


# --- definitions --------------------------------------------------------------------


@pytest.mark.parametrize("total", [0, 1, 3, 4, 5, 10, 20, 60, 97])
def test_default_split_always_sums_to_the_item_limit(total):
    parts = _split_limit(total)
    assert sum(parts) == total and len(parts) == 4 and min(parts) >= 0
    assert parts[0] <= 5


def test_default_definition_has_four_steps_from_promised_limit(item):
    d = process_default_for_item(actor=None, item=item)
    assert [(s["name"], s["role"]) for s in d.steps] == [
        ("受理", "window_clerk"), ("审查", "reviewer"), ("审批", "approver"), ("办结", "handler"),
    ]
    assert [s["limit_days"] for s in d.steps] == [1, 4, 4, 1]
    assert (d.version, d.is_current) == (1, True)
    assert process_default_for_item(actor=None, item=item) == d  # idempotent
    assert AuditEvent.objects.filter(action="cases.process.create_default").count() == 1


def test_default_definition_falls_back_to_statutory_then_20_days(db):
    assert process_default_for_item(actor=None, item=ItemFactory(statutory_limit_days=12)).total_limit_days == 12
    assert process_default_for_item(actor=None, item=ItemFactory()).total_limit_days == 20


def _steps(limits=(2, 5)):
    return [
        {"key": "accept", "name": "受理", "role": "window_clerk", "limit_days": limits[0], "warn_days": 1,
         "outcomes": ["accept", "refuse"], "stops_clock": False},
        {"key": "decide", "name": "审批", "role": "approver", "limit_days": limits[1], "warn_days": 1,
         "outcomes": ["approve", "reject"], "stops_clock": False},
    ]


def test_publish_creates_a_new_current_version(item):
    v1 = process_default_for_item(actor=None, item=item)
    v2 = process_definition_publish(actor=None, item=item, steps=_steps())
    v1.refresh_from_db()
    assert (v2.version, v2.is_current, v1.is_current) == (2, True, False)
    assert AuditEvent.objects.filter(action="cases.process.publish", object_id=str(v2.pk)).exists()


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda s: [], "至少需要一个环节"),
        (lambda s: [dict(s[0], role="king")] + s[1:], "岗位“king”不存在"),
        (lambda s: [dict(s[0], limit_days=-1)] + s[1:], "时限必须是非负整数"),
        (lambda s: [dict(s[0], warn_days="1")] + s[1:], "预警阈值必须是非负整数"),
        (lambda s: [s[0], dict(s[1], key="accept")], "重复"),
        (lambda s: [dict(s[0], outcomes=["fly"])] + s[1:], "未知的办理结果"),
        (lambda s: [s[0], dict(s[1], outcomes=["return"])], "最后一个环节必须能够办结"),
        (lambda s: [dict(s[0], limit_days=10), dict(s[1], limit_days=11)], "超过法定办结时限 20"),
    ],
)
def test_publish_refuses_invalid_steps_in_chinese(item, mutate, message):
    with pytest.raises(ValidationFailed, match=message):
        process_definition_publish(actor=None, item=item, steps=mutate(_steps()))
    assert not ProcessDefinition.objects.filter(item=item).exists()


# --- submission ---------------------------------------------------------------------


def test_submit_returns_receipt_number_and_starts_case_and_step_clocks(item, citizen, on_2026_09_24):
    case = submit(item, citizen)
    assert case.receipt_no == "ZW20260924000001"
    assert submit(item, citizen).receipt_no == "ZW20260924000002"
    assert (case.status, case.step_index, case.version) == ("running", 0, 1)
    # 10 working days from Thursday 24 September across 中秋 and 国庆: Oct 15.
    assert case.clock.due_on == date(2026, 10, 15)
    assert (case.step_clock.limit_days, case.step_clock.due_on) == (1, date(2026, 9, 28))
    assert list(CaseEvent.objects.filter(case=case).values_list("seq", "action")) == [(1, "submit")]
    assert AuditEvent.objects.filter(action="cases.case.submit", object_id=str(case.pk)).exists()


def test_receipt_sequence_restarts_each_day(item, citizen, calendar_2026):
    with at(moment(2026, 9, 24)):
        submit(item, citizen)
    with at(moment(2026, 9, 25)):
        assert submit(item, citizen).receipt_no == "ZW20260925000001"


def test_agent_channel_requires_a_service_point(item, citizen, on_2026_09_24):
    with pytest.raises(ValidationFailed, match="代办点"):
        submit(item, citizen, channel="agent")
    point = UnitFactory(kind=Unit.Kind.SERVICE_POINT)
    case = submit(item, citizen, channel="agent", agent_unit=point)
    assert case.agent_unit == point


def test_retired_item_cannot_be_applied_for(item, citizen, on_2026_09_24):
    item.status = item.Status.RETIRED
    item.save()
    with pytest.raises(ValidationFailed, match="停用"):
        submit(item, citizen)
    assert not Case.objects.exists()


# --- acting -------------------------------------------------------------------------


def test_full_journey_with_return_and_resubmission(item, citizen, staff, calendar_2026):
    with at(moment(2026, 9, 24)):
        case = submit(item, citizen)
        do(case, staff["clerk"], "accept")
        do(case, staff["reviewer"], "review_pass")
        do(case, staff["approver"], "return", reason="四至界限不清")
        do(case, staff["reviewer"], "request_correction", payload={"missing": ["四至示意图"]})
        do(case, citizen, "resubmit")
        do(case, staff["reviewer"], "review_pass")
        do(case, staff["approver"], "approve")
        do(case, staff["handler"], "conclude")
    case.refresh_from_db()
    assert (case.status, case.flags["decision"], case.flags["returns"], case.version) == ("concluded", "approved", 1, 9)
    assert case.concluded_at is not None
    actions = list(CaseEvent.objects.filter(case=case).values_list("seq", "action"))
    assert [a for _, a in actions] == [
        "submit", "accept", "review_pass", "return", "request_correction", "resubmit", "review_pass", "approve", "conclude",
    ]
    assert [s for s, _ in actions] == list(range(1, 10))
    assert AuditEvent.objects.filter(action__startswith="cases.case.", object_id=str(case.pk)).count() == 9
    case.clock.refresh_from_db()
    assert case.clock.state == "stopped"


def test_stale_version_gets_conflict_and_writes_nothing(item, citizen, staff, on_2026_09_24):
    # Given two reviewers holding the same page of one case,
    case = submit(item, citizen)
    do(case, staff["clerk"], "accept")
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    seen = mine.version
    # when the first passes the review and the second acts on the same version,
    case_act(actor=staff["reviewer"], case=mine, action="review_pass", expected_version=seen)
    events, audits, clock_events = CaseEvent.objects.count(), AuditEvent.objects.count(), ClockEvent.objects.count()
    with pytest.raises(Conflict, match="该办件已被他人处理,请刷新后重试") as err:
        case_act(actor=staff["reviewer2"], case=theirs, action="request_correction", expected_version=seen,
                 payload={"missing": ["身份证"]})
    # then the second gets 409 and no second event, audit row or clock change exists.
    assert err.value.status == 409
    assert (CaseEvent.objects.count(), AuditEvent.objects.count(), ClockEvent.objects.count()) == (events, audits, clock_events)
    case.refresh_from_db()
    assert (case.status, case.step_index, case.version) == ("running", 2, seen + 1)


def test_wrong_expected_version_is_a_conflict(item, citizen, staff, on_2026_09_24):
    case = submit(item, citizen)
    with pytest.raises(Conflict):
        case_act(actor=staff["clerk"], case=case, action="accept", expected_version=case.version + 1)


def test_actor_without_the_step_post_is_denied_with_the_reason(item, citizen, staff, on_2026_09_24):
    case = submit(item, citizen)
    with pytest.raises(PermissionDenied, match="窗口人员"):
        do(case, staff["reviewer"], "accept")
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_post_in_another_department_does_not_count(item, citizen, staff, on_2026_09_24):
    from zhengwu.accounts.tests.factories import StaffFactory
    from zhengwu.org.tests.factories import grant_post

    outsider = grant_post(StaffFactory(), "reviewer", unit=UnitFactory(kind=Unit.Kind.DEPARTMENT))
    case = submit(item, citizen)
    do(case, staff["clerk"], "accept")
    with pytest.raises(PermissionDenied, match="实施部门"):
        do(case, outsider, "review_pass")


def test_return_requires_reason(item, citizen, staff, on_2026_09_24):
    case = submit(item, citizen)
    do(case, staff["clerk"], "accept")
    with pytest.raises(TransitionRefused, match="理由"):
        do(case, staff["reviewer"], "return", reason="  ")
    case.refresh_from_db()
    assert (case.step_index, case.version) == (1, 2)


def test_withdraw_only_before_the_next_step_acted(item, citizen, staff, on_2026_09_24):
    case = submit(item, citizen)
    do(case, staff["clerk"], "accept")
    do(case, staff["reviewer"], "review_pass")
    do(case, staff["reviewer"], "withdraw")
    assert case.step_index == 1
    do(case, staff["reviewer"], "review_pass")
    do(case, staff["approver"], "extend", reason="需实地核查,经负责人批准", payload={"days": 2})
    with pytest.raises(TransitionRefused, match="下一环节"):
        do(case, staff["reviewer"], "withdraw")


def test_only_the_applicant_resubmits(item, citizen, staff, on_2026_09_24):
    from zhengwu.accounts.tests.factories import CitizenFactory

    case = submit(item, citizen)
    do(case, staff["clerk"], "request_correction", payload={"missing": ["户口簿"]})
    with pytest.raises(PermissionDenied, match="申请人"):
        do(case, CitizenFactory(), "resubmit")


def test_transferred_step_is_handled_only_by_the_colleague(item, citizen, staff, on_2026_09_24):
    case = submit(item, citizen)
    do(case, staff["clerk"], "accept")
    do(case, staff["reviewer"], "transfer", reason="出差", payload={"to_user_id": staff["reviewer2"].pk})
    with pytest.raises(PermissionDenied, match="转交"):
        do(case, staff["reviewer"], "review_pass")
    do(case, staff["reviewer2"], "review_pass")
    assert case.step_index == 2


def test_clocks_name_the_department_post_and_the_colleague_a_step_went_to(item, citizen, staff, on_2026_09_24):
    def answers(clock_id):
        return Clock.objects.filter(pk=clock_id).values_list("unit_id", "role", "handler_id").get()

    case = submit(item, citizen)
    dept = item.department_id
    assert answers(case.clock_id) == (dept, "", None)
    assert answers(case.step_clock_id) == (dept, "window_clerk", None)
    do(case, staff["clerk"], "accept")
    review_clock = case.step_clock_id
    assert answers(review_clock) == (dept, "reviewer", None)
    do(case, staff["reviewer"], "transfer", reason="出差", payload={"to_user_id": staff["reviewer2"].pk})
    assert case.step_clock_id == review_clock  # same step, same clock: it now names the colleague
    assert answers(review_clock) == (dept, "reviewer", staff["reviewer2"].pk)
    do(case, staff["reviewer2"], "review_pass")
    assert answers(case.step_clock_id) == (dept, "approver", None)  # the next step is the post's again


def test_a_step_with_its_own_department_names_it_on_its_clock(item, citizen, staff, on_2026_09_24):
    other = UnitFactory(code="ZRZY", name="县自然资源局", kind=Unit.Kind.DEPARTMENT)
    steps = [dict(step) for step in process_default_for_item(actor=None, item=item).steps]
    steps[1]["department"] = other.code
    process_definition_publish(actor=None, item=item, steps=steps)
    case = submit(item, citizen)
    do(case, staff["clerk"], "accept")
    assert Clock.objects.get(pk=case.step_clock_id).unit_id == other.pk


def _waiting(case):
    return Case.objects.filter(pk=case.pk).values_list("waiting_role", "waiting_unit_id", "waiting_handler_id").get()


def test_case_row_names_the_post_it_waits_for_through_its_life(item, citizen, staff, on_2026_09_24):
    # The inbox filters on these columns (ADR 0013); they must follow every move.
    other = UnitFactory(code="ZRZY", name="县自然资源局", kind=Unit.Kind.DEPARTMENT)
    steps = [dict(step) for step in process_default_for_item(actor=None, item=item).steps]
    steps[2]["department"] = other.code  # the approval step by another department
    process_definition_publish(actor=None, item=item, steps=steps)
    dept = item.department_id
    case = submit(item, citizen)
    assert _waiting(case) == ("window_clerk", None, None)  # the service hall takes every department's
    do(case, staff["clerk"], "accept")
    assert _waiting(case) == ("reviewer", dept, None)
    do(case, staff["reviewer"], "transfer", reason="出差", payload={"to_user_id": staff["reviewer2"].pk})
    assert _waiting(case) == ("reviewer", dept, staff["reviewer2"].pk)
    do(case, staff["reviewer2"], "review_pass")
    assert _waiting(case) == ("approver", other.pk, None)  # transfer cleared, the step's own department
    assert (case.waiting_role, case.waiting_unit_id, case.waiting_handler_id) == _waiting(case)


def test_correction_stop_moves_case_due_date_by_exactly_the_stopped_working_days(item, citizen, staff, calendar_2026):
    # Given a 10-day case submitted on 24 September (due 15 October),
    with at(moment(2026, 9, 24)):
        case = submit(item, citizen)
        do(case, staff["clerk"], "accept")
    assert case.clock.due_on == date(2026, 10, 15)
    # when the reviewer asks for correction on 29 September and the applicant resubmits
    # on 9 October (Sep 30, Oct 8 and Oct 9 stopped),
    with at(moment(2026, 9, 29)):
        do(case, staff["reviewer"], "request_correction", payload={"missing": ["户口簿", "四至示意图"]})
    case.clock.refresh_from_db()
    assert clock_colour(case.clock, date(2026, 10, 8)) == "suspended"
    with at(moment(2026, 10, 9)):
        do(case, citizen, "resubmit")
    # then the case is due exactly 3 working days later: Oct 15 -> Oct 20.
    case.clock.refresh_from_db()
    assert case.clock.due_on == date(2026, 10, 20)
    assert case.clock.suspended_days == 3
    assert list(ClockEvent.objects.filter(clock=case.clock).values_list("kind", flat=True)) == ["start", "suspend", "resume"]


def test_step_cards_turn_yellow_and_red_across_the_holiday(item, citizen, staff, calendar_2026):
    # The review step (4 days, 1-day threshold) entered on 28 September is due 9 October.
    with at(moment(2026, 9, 24)):
        case = submit(item, citizen)
    with at(moment(2026, 9, 28)):
        do(case, staff["clerk"], "accept")
    step = case.step_clock
    assert step.due_on == date(2026, 10, 9)
    assert [clock_colour(step, d) for d in (date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10))] == [
        "normal", "yellow", "yellow", "red",
    ]


def test_rules_frozen_new_version_does_not_change_a_running_case(item, citizen, staff, on_2026_09_24):
    case = submit(item, citizen)
    old_definition = case.definition_id
    process_definition_publish(actor=None, item=item, steps=_steps())
    item.promised_limit_days = 3
    item.save()
    do(case, staff["clerk"], "accept")
    do(case, staff["reviewer"], "review_pass")  # "审查" exists only in version 1
    case.refresh_from_db()
    assert case.definition_id == old_definition and case.step_index == 2
    assert case.clock.limit_days == 10
    newer = submit(item, citizen)
    assert newer.definition.version == 2 and newer.clock.limit_days == 7
