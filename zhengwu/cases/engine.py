"""The case engine: pure transition functions over a process definition (no database).

A case's state is ``CaseState(status, step_index, flags)``. ``transition`` takes the
definition's steps (the frozen JSON list), the state and an action, and returns the
new state plus the clock *effects* the service must apply. It refuses with
``TransitionRefused`` (a Chinese reason) and never touches the database, so every rule
here is tested without one and the service stays a thin shell.

Two clocks run per case, both owned by the service:
* the case clock (the whole promised limit), paused while the case waits for the
  applicant (correction), stands in a special procedure (suspended) or sits in a step
  whose ``stops_clock`` is set (e.g. 专家评审 not counted in the limit);
* the step clock (the current step's limit), paused for correction or suspension and
  restarted with the full step limit whenever the case enters a step (advance, return,
  withdraw).
Effects are derived by comparing those paused/step facts before and after the action,
so no action can forget a clock operation.

Flags (a JSON-able dict):
* ``decision``: "approved" / "rejected" once the approval step decided;
* ``undo``: ``{"actor_id", "action", "status", "step_index", "decision"}`` after a
  move that its actor may withdraw; any later action clears it (the next step acted);
* ``returns``: how many times the case was returned (fault rule "repeated returns");
* ``assignee_id``: the colleague a step was transferred to; cleared when the step moves;
* ``missing``: the materials listed in the last correction request;
* ``suspend_kind``: hearing / expert_review / testing while suspended.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhengwu.core.bounds import INT_MAX
from zhengwu.core.errors import DomainError

# Statuses
RUNNING = "running"
CORRECTION = "correction"
SUSPENDED = "suspended"
REFUSED = "refused"
CONCLUDED = "concluded"

STATUS_LABELS = {
    RUNNING: "办理中",
    CORRECTION: "待补正",
    SUSPENDED: "特别程序中",
    REFUSED: "不予受理",
    CONCLUDED: "已办结",
}
TERMINAL = frozenset({REFUSED, CONCLUDED})

# Actions a step may list in its ``outcomes``.
STEP_ACTIONS = {
    "accept": "受理",
    "refuse": "不予受理",
    "request_correction": "一次性告知补正",
    "review_pass": "审查通过",  # nosec B105 - an action label, not a password
    "approve": "准予许可",
    "reject": "不予许可",
    "conclude": "办结",
    "return": "退回上一环节",
    "transfer": "转办",
    "suspend": "特别程序(暂停计时)",
    "extend": "延长时限",
}
# Actions that belong to no step: the applicant's resubmission, resuming the procedure
# the step itself started, and withdrawing one's own last move.
GLOBAL_ACTIONS = {
    "resubmit": "补正后重新提交",
    "resume": "恢复办理",
    "withdraw": "撤回",
}
ACTION_LABELS = {**STEP_ACTIONS, **GLOBAL_ACTIONS, "submit": "提交申请"}

ADVANCING = frozenset({"accept", "review_pass", "approve", "reject"})
UNDOABLE = ADVANCING | {"return"}
SUSPEND_KINDS = {"hearing": "听证", "expert_review": "专家评审", "testing": "检验检测", "other": "其他"}
APPLICANT = "applicant"

EXTEND_MAX_DAYS = 365


class TransitionRefused(DomainError):
    """An action the definition or the state does not allow (403 unless it is bad input)."""

    status = 403
    code = "transition_refused"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None, details=None):
        super().__init__(message, code=code, details=details)
        if status is not None:
            self.status = status


@dataclass(frozen=True)
class CaseState:
    status: str
    step_index: int
    flags: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Effect:
    """One clock operation for the service: ``target`` "case"/"step", ``op`` start/suspend/resume/extend/stop."""

    target: str
    op: str
    step_index: int | None = None
    days: int = 0
    reason: str = ""


def initial_state() -> CaseState:
    return CaseState(status=RUNNING, step_index=0, flags={})


def case_clock_paused(steps: list[dict], state: CaseState) -> bool:
    if state.status in (CORRECTION, SUSPENDED):
        return True
    return state.status == RUNNING and bool(steps[state.step_index].get("stops_clock"))


def required_role(steps: list[dict], state: CaseState, action: str) -> str | None:
    """The post an actor needs for ``action`` now: a Role value, APPLICANT, or None (withdraw: the actor's own move)."""
    if action == "resubmit":
        return APPLICANT
    if action == "withdraw":
        return None
    if state.status in TERMINAL:
        return None
    return steps[state.step_index]["role"]


def _refuse(message: str, code: str, status: int = 403):
    raise TransitionRefused(message, code=code, status=status)


def _need_reason(reason: str | None, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        _refuse(f"{what}必须填写理由", "reason_required", 400)
    return reason


def _step_name(steps, i) -> str:
    return steps[i].get("name") or steps[i]["key"]


def transition(
    steps: list[dict],
    state: CaseState,
    action: str,
    *,
    actor_role: str | None,
    actor_id=None,
    reason: str | None = None,
    payload: dict | None = None,
) -> tuple[CaseState, list[Effect]]:
    """Apply ``action`` to ``state``; return (new state, clock effects) or raise TransitionRefused."""
    payload = payload or {}
    if not steps:
        _refuse("办理流程没有任何环节", "definition_empty")
    if action not in ACTION_LABELS or action == "submit":
        _refuse(f"未知的办理动作“{action}”", "unknown_action", 400)
    if state.status in TERMINAL:
        _refuse(f"办件已{STATUS_LABELS[state.status]},不能再办理", "case_closed")

    step = steps[state.step_index]
    flags = dict(state.flags)
    undo = flags.pop("undo", None)  # any action by anyone ends the chance to withdraw
    status, index = state.status, state.step_index
    extend_days = 0
    restart_step = False

    def check_role():
        needed = required_role(steps, state, action)
        if needed is not None and actor_role != needed:
            _refuse(f"“{_step_name(steps, index)}”环节的“{ACTION_LABELS[action]}”须由{_role_label(needed)}办理", "wrong_role")

    if action in STEP_ACTIONS:
        if action not in step.get("outcomes", []):
            _refuse(f"“{_step_name(steps, index)}”环节不能“{STEP_ACTIONS[action]}”", "action_not_allowed")
        check_role()
        if status != RUNNING:
            _refuse(f"办件{STATUS_LABELS[status]},当前不能“{STEP_ACTIONS[action]}”", "case_not_running", 409)

    if action in ADVANCING:
        if action == "approve":
            flags["decision"] = "approved"
        elif action == "reject":
            flags["decision"] = "rejected"
            flags["reject_reason"] = _need_reason(reason, "不予许可")
        flags.pop("assignee_id", None)
        if index + 1 < len(steps):
            index += 1
            restart_step = True
            flags["undo"] = {
                "actor_id": actor_id, "action": action, "status": state.status,
                "step_index": state.step_index, "decision": state.flags.get("decision"),
            }
        else:
            status = CONCLUDED
    elif action == "conclude":
        status = CONCLUDED
    elif action == "refuse":
        _need_reason(reason, "不予受理")
        status = REFUSED
        flags["decision"] = "refused"
    elif action == "return":
        _need_reason(reason, "退回")
        if index == 0:
            _refuse("第一个环节不能退回", "no_previous_step")
        index -= 1
        restart_step = True
        flags["returns"] = int(flags.get("returns", 0)) + 1
        flags.pop("assignee_id", None)
        flags["undo"] = {
            "actor_id": actor_id, "action": action, "status": state.status,
            "step_index": state.step_index, "decision": state.flags.get("decision"),
        }
    elif action == "request_correction":
        missing = payload.get("missing")
        if (
            not isinstance(missing, list)
            or not missing
            or not all(isinstance(m, str) and m.strip() for m in missing)
        ):
            _refuse("一次性告知补正须列明全部缺少的材料", "missing_materials_required", 400)
        flags["missing"] = [m.strip() for m in missing]
        status = CORRECTION
    elif action == "resubmit":
        if status != CORRECTION:
            _refuse("办件不在待补正状态,无需补正", "not_awaiting_correction", 409)
        check_role()
        status = RUNNING
    elif action == "suspend":
        _need_reason(reason, "特别程序")
        kind = payload.get("kind", "other")
        if kind not in SUSPEND_KINDS:
            _refuse("特别程序类型应为听证、专家评审、检验检测或其他", "suspend_kind_invalid", 400)
        flags["suspend_kind"] = kind
        status = SUSPENDED
    elif action == "resume":
        if status != SUSPENDED:
            _refuse("办件不在特别程序中,无需恢复", "not_suspended", 409)
        check_role()
        flags.pop("suspend_kind", None)
        status = RUNNING
    elif action == "extend":
        _need_reason(reason, "延长时限")
        days = payload.get("days")
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            _refuse("延长天数必须是正整数(工作日)", "extend_days_invalid", 400)
        if days > EXTEND_MAX_DAYS:
            # The working-day calendar walks day by day: an unbounded count never ends.
            _refuse(f"延长天数不能超过 {EXTEND_MAX_DAYS} 个工作日", "extend_days_invalid", 400)
        extend_days = days
        flags["extended"] = int(flags.get("extended", 0)) + days
    elif action == "transfer":
        _need_reason(reason, "转办")
        to = payload.get("to_user_id")
        if isinstance(to, bool) or not isinstance(to, int) or not 0 <= to <= INT_MAX:
            _refuse("转办须指定接收人员", "transfer_target_required", 400)
        flags["assignee_id"] = to
    elif action == "withdraw":
        if not undo or actor_id is None or undo.get("actor_id") != actor_id:
            _refuse("只能撤回本人的上一步操作,且须在下一环节办理之前", "withdraw_not_allowed")
        status, index = undo["status"], undo["step_index"]
        if undo.get("decision"):
            flags["decision"] = undo["decision"]
        else:
            flags.pop("decision", None)
        if undo["action"] == "reject":
            flags.pop("reject_reason", None)
        if undo["action"] == "return":
            flags["returns"] = max(int(flags.get("returns", 1)) - 1, 0)
        restart_step = True

    new = CaseState(status=status, step_index=index, flags=flags)
    return new, _effects(steps, state, new, restart_step=restart_step, extend_days=extend_days, reason=reason)


def _effects(steps, old: CaseState, new: CaseState, *, restart_step: bool, extend_days: int, reason) -> list[Effect]:
    reason = (reason or "").strip()
    effects: list[Effect] = []
    if new.status in TERMINAL:
        return [Effect("step", "stop"), Effect("case", "stop")]
    old_case_paused = case_clock_paused(steps, old)
    new_case_paused = case_clock_paused(steps, new)
    old_step_paused = old.status in (CORRECTION, SUSPENDED)
    new_step_paused = new.status in (CORRECTION, SUSPENDED)
    if restart_step:
        effects += [Effect("step", "stop"), Effect("step", "start", step_index=new.step_index)]
    elif old_step_paused != new_step_paused:
        effects.append(Effect("step", "suspend" if new_step_paused else "resume", reason=reason or pause_reason(steps, new)))
    if old_case_paused != new_case_paused:
        effects.append(Effect("case", "suspend" if new_case_paused else "resume", reason=reason or pause_reason(steps, new)))
    if extend_days:
        effects += [Effect("case", "extend", days=extend_days, reason=reason), Effect("step", "extend", days=extend_days, reason=reason)]
    return effects


def pause_reason(steps, state: CaseState) -> str:
    if state.status == CORRECTION:
        return "一次性告知补正,等待申请人补正材料"
    return f"“{_step_name(steps, state.step_index)}”环节不计入办理时限"


def _role_label(role: str) -> str:
    if role == APPLICANT:
        return "申请人本人"
    from zhengwu.org.roles import Role  # a TextChoices enum: no database

    try:
        return Role(role).label
    except ValueError:
        return role
