"""Drive a case through the real services to a conclusion (shared by ratings, results, notifications tests)."""

from zhengwu.cases.services import case_act, case_submit


def act(case, actor, action, reason="", payload=None):
    return case_act(actor=actor, case=case, action=action, expected_version=case.version, reason=reason, payload=payload)


def concluded_case(item, citizen, staff, *, decision="approve"):
    """Submit and take the case through 受理 → 审查 → 审批 (approve or reject) → 办结."""
    case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    act(case, staff["clerk"], "accept")
    act(case, staff["reviewer"], "review_pass")
    act(case, staff["approver"], decision, reason="不符合法定条件" if decision == "reject" else "")
    act(case, staff["handler"], "conclude")
    return case
