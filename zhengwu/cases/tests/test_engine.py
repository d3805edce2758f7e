"""The pure engine: every action, every refusal, and the clock effects it asks for (no database)."""

import pytest

from zhengwu.cases import engine
from zhengwu.cases.engine import CaseState, Effect, TransitionRefused, transition

STEPS = [
    {"key": "accept", "name": "受理", "role": "window_clerk", "limit_days": 1, "warn_days": 0,
     "outcomes": ["accept", "refuse", "request_correction", "transfer"], "stops_clock": False},
    {"key": "review", "name": "审查", "role": "reviewer", "limit_days": 8, "warn_days": 2,
     "outcomes": ["review_pass", "return", "request_correction", "suspend", "transfer"], "stops_clock": False},
    {"key": "approve", "name": "审批", "role": "approver", "limit_days": 8, "warn_days": 2,
     "outcomes": ["approve", "reject", "return", "extend", "suspend"], "stops_clock": False},
    {"key": "conclude", "name": "办结", "role": "handler", "limit_days": 3, "warn_days": 1,
     "outcomes": ["conclude", "return"], "stops_clock": False},
]


def restart(i):
    return [Effect("step", "stop"), Effect("step", "start", step_index=i)]


def at(i, status="running", **flags):
    return CaseState(status, i, flags)


def act(state, action, role, actor_id=1, reason=None, payload=None, steps=STEPS):
    return transition(engine.steps_from_json(steps), state, action, actor_role=role, actor_id=actor_id, reason=reason, payload=payload)


def test_accept_moves_to_review_and_restarts_the_step_clock():
    new, effects = act(engine.initial_state(), "accept", "window_clerk")
    assert (new.status, new.step_index) == ("running", 1)
    assert effects == restart(1)


def test_full_happy_path_concludes_and_stops_both_clocks():
    s, _ = act(engine.initial_state(), "accept", "window_clerk")
    s, _ = act(s, "review_pass", "reviewer", actor_id=2)
    s, _ = act(s, "approve", "approver", actor_id=3)
    assert s.flags["decision"] == "approved"
    s, effects = act(s, "conclude", "handler", actor_id=4)
    assert s.status == "concluded"
    assert effects == [Effect("step", "stop"), Effect("case", "stop")]


def test_refuse_requires_reason_and_ends_the_case():
    with pytest.raises(TransitionRefused, match="理由") as err:
        act(at(0), "refuse", "window_clerk", reason=" ")
    assert err.value.status == 400
    new, effects = act(at(0), "refuse", "window_clerk", reason="不属于本机关职权")
    assert (new.status, new.flags["decision"]) == ("refused", "refused")
    assert effects == [Effect("step", "stop"), Effect("case", "stop")]


def test_request_correction_lists_every_missing_material_and_stops_both_clocks():
    new, effects = act(at(1), "request_correction", "reviewer", payload={"missing": ["身份证复印件", " 户口簿 "]})
    assert new.status == "correction"
    assert new.flags["missing"] == ["身份证复印件", "户口簿"]
    assert [(e.target, e.op) for e in effects] == [("step", "suspend"), ("case", "suspend")]


@pytest.mark.parametrize("payload", [None, {}, {"missing": []}, {"missing": "户口簿"}, {"missing": ["", "x"]}])
def test_request_correction_without_a_material_list_is_refused(payload):
    with pytest.raises(TransitionRefused, match="缺少的材料"):
        act(at(1), "request_correction", "reviewer", payload=payload)


def test_resubmit_by_the_applicant_resumes_both_clocks():
    new, effects = act(at(1, "correction"), "resubmit", "applicant")
    assert new.status == "running" and new.step_index == 1
    assert [(e.target, e.op) for e in effects] == [("step", "resume"), ("case", "resume")]


def test_resubmit_refused_for_staff_and_when_not_awaiting_correction():
    with pytest.raises(TransitionRefused, match="申请人本人"):
        act(at(1, "correction"), "resubmit", "reviewer")
    with pytest.raises(TransitionRefused, match="待补正"):
        act(at(1), "resubmit", "applicant")


def test_review_pass_and_approve_advance_one_step_each():
    s, _ = act(at(1), "review_pass", "reviewer")
    assert s.step_index == 2
    s, effects = act(s, "approve", "approver", actor_id=9)
    assert s.step_index == 3 and effects == restart(3)


def test_reject_requires_reason_and_moves_to_conclusion_with_rejected_decision():
    with pytest.raises(TransitionRefused):
        act(at(2), "reject", "approver")
    s, _ = act(at(2), "reject", "approver", reason="不符合宅基地申请条件")
    assert (s.step_index, s.flags["decision"], s.flags["reject_reason"]) == (3, "rejected", "不符合宅基地申请条件")


def test_return_requires_reason():
    with pytest.raises(TransitionRefused, match="退回必须填写理由"):
        act(at(2), "return", "approver", reason="")


def test_return_goes_to_previous_step_counts_returns_and_restarts_its_clock():
    s, effects = act(at(2, returns=1), "return", "approver", reason="面积核算有误")
    assert (s.step_index, s.flags["returns"]) == (1, 2)
    assert effects == restart(1)


def test_first_step_cannot_return():
    steps = [dict(STEPS[0], outcomes=["accept", "return"])] + STEPS[1:]
    with pytest.raises(TransitionRefused, match="第一个环节"):
        act(at(0), "return", "window_clerk", reason="x", steps=steps)


def test_withdraw_restores_own_last_move_before_next_step_acts():
    s, _ = act(at(1), "review_pass", "reviewer", actor_id=7)
    back, effects = act(s, "withdraw", None, actor_id=7)
    assert (back.status, back.step_index) == ("running", 1)
    assert "undo" not in back.flags
    assert effects == restart(1)


def test_withdraw_of_approval_clears_the_decision():
    s, _ = act(at(2), "approve", "approver", actor_id=3)
    back, _ = act(s, "withdraw", None, actor_id=3)
    assert back.step_index == 2 and "decision" not in back.flags


def test_withdraw_by_someone_else_is_refused():
    s, _ = act(at(1), "review_pass", "reviewer", actor_id=7)
    with pytest.raises(TransitionRefused, match="本人"):
        act(s, "withdraw", None, actor_id=8)


def test_withdraw_after_the_next_step_acted_is_refused():
    s, _ = act(at(1), "review_pass", "reviewer", actor_id=7)
    s, _ = act(s, "suspend", "approver", actor_id=3, reason="组织听证", payload={"kind": "hearing"})
    with pytest.raises(TransitionRefused, match="下一环节"):
        act(s, "withdraw", None, actor_id=7)


def test_withdraw_of_a_return_restores_the_return_count():
    s, _ = act(at(2), "return", "approver", reason="补充说明", actor_id=3)
    back, _ = act(s, "withdraw", None, actor_id=3)
    assert (back.step_index, back.flags["returns"]) == (2, 0)


def test_conclusion_cannot_be_withdrawn():
    s, _ = act(at(3), "conclude", "handler", actor_id=4)
    with pytest.raises(TransitionRefused, match="已办结"):
        act(s, "withdraw", None, actor_id=4)


def test_transfer_needs_reason_and_target_and_records_the_assignee():
    with pytest.raises(TransitionRefused):
        act(at(1), "transfer", "reviewer", reason="休假")
    with pytest.raises(TransitionRefused):
        act(at(1), "transfer", "reviewer", payload={"to_user_id": 5})
    s, effects = act(at(1), "transfer", "reviewer", reason="休假", payload={"to_user_id": 5})
    assert (s.step_index, s.flags["assignee_id"], effects) == (1, 5, [])
    s, _ = act(s, "review_pass", "reviewer", actor_id=5)
    assert "assignee_id" not in s.flags


def test_suspend_and_resume_stop_and_restart_both_clocks():
    with pytest.raises(TransitionRefused, match="理由"):
        act(at(2), "suspend", "approver", payload={"kind": "testing"})
    with pytest.raises(TransitionRefused, match="类型"):
        act(at(2), "suspend", "approver", reason="x", payload={"kind": "party"})
    s, effects = act(at(2), "suspend", "approver", reason="委托检测", payload={"kind": "testing"})
    assert s.status == "suspended" and [(e.op, e.reason) for e in effects] == [("suspend", "委托检测")] * 2
    with pytest.raises(TransitionRefused, match="特别程序"):
        act(s, "approve", "approver")
    s, effects = act(s, "resume", "approver")
    assert s.status == "running" and [e.op for e in effects] == ["resume", "resume"]


def test_resume_when_not_suspended_is_refused():
    with pytest.raises(TransitionRefused, match="不在特别程序"):
        act(at(2), "resume", "approver")


def test_extend_needs_reason_and_positive_days_and_extends_both_clocks():
    for payload in ({}, {"days": 0}, {"days": "5"}, {"days": True}):
        with pytest.raises(TransitionRefused):
            act(at(2), "extend", "approver", reason="情况复杂", payload=payload)
    s, effects = act(at(2), "extend", "approver", reason="情况复杂,经负责人批准", payload={"days": 10})
    assert s.flags["extended"] == 10
    assert [(e.target, e.op, e.days) for e in effects] == [("case", "extend", 10), ("step", "extend", 10)]


def test_action_not_in_the_step_outcomes_is_refused_with_the_step_name():
    with pytest.raises(TransitionRefused, match="“受理”环节不能“准予许可”") as err:
        act(at(0), "approve", "window_clerk")
    assert err.value.status == 403


def test_wrong_role_is_refused():
    with pytest.raises(TransitionRefused, match="审核人"):
        act(at(1), "review_pass", "window_clerk")


def test_unknown_action_and_closed_case_are_refused():
    with pytest.raises(TransitionRefused, match="未知"):
        act(at(1), "teleport", "reviewer")
    with pytest.raises(TransitionRefused, match="不予受理"):
        act(at(0, "refused"), "accept", "window_clerk")


def test_entering_and_leaving_a_step_that_stops_the_clock_pauses_only_the_case_clock():
    steps = [STEPS[0], dict(STEPS[1], key="expert", name="专家评审", stops_clock=True), *STEPS[1:]]
    s, effects = act(at(0), "accept", "window_clerk", steps=steps)
    assert [(e.target, e.op) for e in effects] == [("step", "stop"), ("step", "start"), ("case", "suspend")]
    # A correction inside that step pauses the step clock; the case clock already stands.
    _, effects = act(s, "request_correction", "reviewer", payload={"missing": ["鉴定报告"]}, steps=steps)
    assert [(e.target, e.op) for e in effects] == [("step", "suspend")]
    s, effects = act(s, "review_pass", "reviewer", steps=steps)
    assert [(e.target, e.op) for e in effects] == [("step", "stop"), ("step", "start"), ("case", "resume")]


def test_advancing_from_the_last_step_concludes():
    steps = [dict(STEPS[0], outcomes=["accept"])]
    s, effects = act(at(0), "accept", "window_clerk", steps=steps)
    assert s.status == "concluded" and effects == [Effect("step", "stop"), Effect("case", "stop")]


def test_transition_does_not_mutate_the_given_state():
    state = at(1, returns=1)
    act(state, "return", "reviewer", reason="x")
    assert state.flags == {"returns": 1} and state.step_index == 1
