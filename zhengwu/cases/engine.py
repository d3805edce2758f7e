"""The case engine: pure transition functions over a process definition (no database).

A case's state is ``CaseState(status, step_index, flags)``. ``transition`` takes the
definition's steps (typed ``Step`` rows, ``steps_from_json`` of the frozen JSON list), the
state and an action, and returns the new state plus the clock *effects* the service must
apply. Which action applies in which state, for which post, with which effect is one
declared table, ``TRANSITIONS`` (action → ``Rule``). It refuses with
``TransitionRefused`` (a Chinese reason and a domain ``Refusal`` kind; the HTTP status is
the edge's business) and never touches the database, so every rule here is tested
without one and the service stays a thin shell.

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

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from zhengwu.core.bounds import INT_MAX
from zhengwu.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed

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
OPEN = frozenset({RUNNING, CORRECTION, SUSPENDED})

ADVANCING = frozenset({"accept", "review_pass", "approve", "reject"})
UNDOABLE = ADVANCING | {"return"}
SUSPEND_KINDS = {"hearing": "听证", "expert_review": "专家评审", "testing": "检验检测", "other": "其他"}
APPLICANT = "applicant"

EXTEND_MAX_DAYS = 365


# --- refusals ------------------------------------------------------------------------


class Refusal(enum.Enum):
    """Why the engine refused, in the domain's terms; the edge picks the HTTP status."""

    NOT_ALLOWED = "not_allowed"  # the definition or the actor's post does not allow it
    BAD_INPUT = "bad_input"  # the action lacks or mangles what it needs (reason, days …)
    WRONG_STATE = "wrong_state"  # the case is not in a state where the action applies


class TransitionRefused(DomainError):
    """An action the definition or the state does not allow.

    ``refusal`` says which kind; the concrete class also belongs to the matching category
    of the one error hierarchy (PermissionDenied, ValidationFailed, Conflict), which is
    what the API and the pages map to a status. Raise it through ``refuse``.
    """

    refusal = Refusal.NOT_ALLOWED
    code = "transition_refused"


class _NotAllowed(TransitionRefused, PermissionDenied):
    refusal = Refusal.NOT_ALLOWED


class _BadInput(TransitionRefused, ValidationFailed):
    refusal = Refusal.BAD_INPUT


class _WrongState(TransitionRefused, Conflict):
    refusal = Refusal.WRONG_STATE


_REFUSALS = {Refusal.NOT_ALLOWED: _NotAllowed, Refusal.BAD_INPUT: _BadInput, Refusal.WRONG_STATE: _WrongState}


def refuse(message: str, code: str, refusal: Refusal = Refusal.NOT_ALLOWED):
    raise _REFUSALS[refusal](message, code=code)


# --- typed definitions and states --------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a published flowchart, as the engine reads it (the JSON row, typed)."""

    key: str
    name: str
    role: str
    outcomes: tuple[str, ...]
    limit_days: int = 0
    warn_days: int = 0
    stops_clock: bool = False
    department_id: int | None = None  # a step handled by another department (joint review)

    @property
    def label(self) -> str:
        return self.name or self.key

    @classmethod
    def from_json(cls, raw: Mapping) -> Step:
        return cls(
            key=raw["key"], name=raw.get("name") or "", role=raw["role"], outcomes=tuple(raw.get("outcomes") or ()),
            limit_days=int(raw.get("limit_days") or 0), warn_days=int(raw.get("warn_days") or 0),
            stops_clock=bool(raw.get("stops_clock")), department_id=raw.get("department_id"),
        )


def steps_from_json(raw: Sequence[Mapping]) -> tuple[Step, ...]:
    """The definition's frozen JSON list as typed steps (validated when it was published)."""
    return tuple(Step.from_json(row) for row in raw)


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


def case_clock_paused(steps: Sequence[Step], state: CaseState) -> bool:
    if state.status in (CORRECTION, SUSPENDED):
        return True
    return state.status == RUNNING and steps[state.step_index].stops_clock


# --- the transition table ----------------------------------------------------------------


class Post(enum.Enum):
    """Who may take an action."""

    STEP = "step"  # whoever holds the current step's post
    APPLICANT = "applicant"  # the applicant in person
    OWN_MOVE = "own_move"  # whoever made the move being undone (checked by the effect)


@dataclass
class Move:
    """What an effect reads (the request) and writes (the draft of the next state).

    Local to one ``transition`` call: the effect changes the draft, never anything else.
    """

    steps: Sequence[Step]
    old: CaseState
    action: str
    actor_id: object
    reason: str
    payload: Mapping
    status: str
    index: int
    flags: dict
    undo: dict | None  # the withdrawable move the state carried (already removed from flags)
    restart_step: bool = False
    extend_days: int = 0

    def need_reason(self, what: str) -> str:
        if not self.reason:
            refuse(f"{what}必须填写理由", "reason_required", Refusal.BAD_INPUT)
        return self.reason

    def remember_undo(self) -> None:
        self.flags["undo"] = {
            "actor_id": self.actor_id, "action": self.action, "status": self.old.status,
            "step_index": self.old.step_index, "decision": self.old.flags.get("decision"),
        }


@dataclass(frozen=True)
class Rule:
    """One row of the table: an action, where it applies, who takes it, what it does."""

    label: str
    states: frozenset[str]  # statuses in which the action applies
    post: Post
    effect: Callable[[Move], None]
    # A step action must be listed in the step's ``outcomes``; it is checked (listed, post,
    # state) in that order. The others check state first, then post.
    step_action: bool = True
    wrong_state: tuple[str, str] = ("办件{status},当前不能“{label}”", "case_not_running")


def _advance(move: Move) -> None:
    if move.action == "approve":
        move.flags["decision"] = "approved"
    elif move.action == "reject":
        move.flags["decision"] = "rejected"
        move.flags["reject_reason"] = move.need_reason("不予许可")
    move.flags.pop("assignee_id", None)
    if move.index + 1 < len(move.steps):
        move.index += 1
        move.restart_step = True
        move.remember_undo()
    else:
        move.status = CONCLUDED


def _conclude(move: Move) -> None:
    move.status = CONCLUDED


def _refuse_case(move: Move) -> None:
    move.need_reason("不予受理")
    move.status = REFUSED
    move.flags["decision"] = "refused"


def _return(move: Move) -> None:
    move.need_reason("退回")
    if move.index == 0:
        refuse("第一个环节不能退回", "no_previous_step")
    move.index -= 1
    move.restart_step = True
    move.flags["returns"] = int(move.flags.get("returns", 0)) + 1
    move.flags.pop("assignee_id", None)
    move.remember_undo()


def _request_correction(move: Move) -> None:
    missing = move.payload.get("missing")
    if not isinstance(missing, list) or not missing or not all(isinstance(m, str) and m.strip() for m in missing):
        refuse("一次性告知补正须列明全部缺少的材料", "missing_materials_required", Refusal.BAD_INPUT)
    move.flags["missing"] = [m.strip() for m in missing]
    move.status = CORRECTION


def _resubmit(move: Move) -> None:
    move.status = RUNNING


def _suspend(move: Move) -> None:
    move.need_reason("特别程序")
    kind = move.payload.get("kind", "other")
    if kind not in SUSPEND_KINDS:
        refuse("特别程序类型应为听证、专家评审、检验检测或其他", "suspend_kind_invalid", Refusal.BAD_INPUT)
    move.flags["suspend_kind"] = kind
    move.status = SUSPENDED


def _resume(move: Move) -> None:
    move.flags.pop("suspend_kind", None)
    move.status = RUNNING


def _extend(move: Move) -> None:
    move.need_reason("延长时限")
    days = move.payload.get("days")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        refuse("延长天数必须是正整数(工作日)", "extend_days_invalid", Refusal.BAD_INPUT)
    if days > EXTEND_MAX_DAYS:
        # The working-day calendar walks day by day: an unbounded count never ends.
        refuse(f"延长天数不能超过 {EXTEND_MAX_DAYS} 个工作日", "extend_days_invalid", Refusal.BAD_INPUT)
    move.extend_days = days
    move.flags["extended"] = int(move.flags.get("extended", 0)) + days


def _transfer(move: Move) -> None:
    move.need_reason("转办")
    to = move.payload.get("to_user_id")
    if isinstance(to, bool) or not isinstance(to, int) or not 0 <= to <= INT_MAX:
        refuse("转办须指定接收人员", "transfer_target_required", Refusal.BAD_INPUT)
    move.flags["assignee_id"] = to


def _withdraw(move: Move) -> None:
    undo = move.undo
    if not undo or move.actor_id is None or undo.get("actor_id") != move.actor_id:
        refuse("只能撤回本人的上一步操作,且须在下一环节办理之前", "withdraw_not_allowed")
    move.status, move.index = undo["status"], undo["step_index"]
    if undo.get("decision"):
        move.flags["decision"] = undo["decision"]
    else:
        move.flags.pop("decision", None)
    if undo["action"] == "reject":
        move.flags.pop("reject_reason", None)
    if undo["action"] == "return":
        move.flags["returns"] = max(int(move.flags.get("returns", 1)) - 1, 0)
    move.restart_step = True


_RUN = frozenset({RUNNING})

# action → Rule. The step actions first, in the order the flowchart editor offers them.
TRANSITIONS: dict[str, Rule] = {
    "accept": Rule("受理", _RUN, Post.STEP, _advance),
    "refuse": Rule("不予受理", _RUN, Post.STEP, _refuse_case),
    "request_correction": Rule("一次性告知补正", _RUN, Post.STEP, _request_correction),
    "review_pass": Rule("审查通过", _RUN, Post.STEP, _advance),  # nosec B106 - an action label
    "approve": Rule("准予许可", _RUN, Post.STEP, _advance),
    "reject": Rule("不予许可", _RUN, Post.STEP, _advance),
    "conclude": Rule("办结", _RUN, Post.STEP, _conclude),
    "return": Rule("退回上一环节", _RUN, Post.STEP, _return),
    "transfer": Rule("转办", _RUN, Post.STEP, _transfer),
    "suspend": Rule("特别程序(暂停计时)", _RUN, Post.STEP, _suspend),
    "extend": Rule("延长时限", _RUN, Post.STEP, _extend),
    # Actions that belong to no step: the applicant's resubmission, resuming the procedure
    # the step itself started, and withdrawing one's own last move.
    "resubmit": Rule("补正后重新提交", frozenset({CORRECTION}), Post.APPLICANT, _resubmit, step_action=False,
                     wrong_state=("办件不在待补正状态,无需补正", "not_awaiting_correction")),
    "resume": Rule("恢复办理", frozenset({SUSPENDED}), Post.STEP, _resume, step_action=False,
                   wrong_state=("办件不在特别程序中,无需恢复", "not_suspended")),
    "withdraw": Rule("撤回", OPEN, Post.OWN_MOVE, _withdraw, step_action=False),
}

# Actions a step may list in its ``outcomes``, and the others (derived from the table).
STEP_ACTIONS = {action: rule.label for action, rule in TRANSITIONS.items() if rule.step_action}
GLOBAL_ACTIONS = {action: rule.label for action, rule in TRANSITIONS.items() if not rule.step_action}
ACTION_LABELS = {**STEP_ACTIONS, **GLOBAL_ACTIONS, "submit": "提交申请"}


def required_role(steps: Sequence[Step], state: CaseState, action: str) -> str | None:
    """The post an actor needs for ``action`` now: a Role value, APPLICANT, or None (withdraw: the actor's own move)."""
    rule = TRANSITIONS.get(action)
    post = rule.post if rule else Post.STEP
    if post is Post.APPLICANT:
        return APPLICANT
    if post is Post.OWN_MOVE or state.status in TERMINAL:
        return None
    return steps[state.step_index].role


def transition(
    steps: Sequence[Step],
    state: CaseState,
    action: str,
    *,
    actor_role: str | None,
    actor_id=None,
    reason: str | None = None,
    payload: Mapping | None = None,
) -> tuple[CaseState, list[Effect]]:
    """Apply ``action`` to ``state``; return (new state, clock effects) or raise TransitionRefused."""
    if not steps:
        refuse("办理流程没有任何环节", "definition_empty")
    rule = TRANSITIONS.get(action)
    if rule is None:
        refuse(f"未知的办理动作“{action}”", "unknown_action", Refusal.BAD_INPUT)
    if state.status in TERMINAL:
        refuse(f"办件已{STATUS_LABELS[state.status]},不能再办理", "case_closed")
    step = steps[state.step_index]

    def check_post():
        needed = required_role(steps, state, action)
        if needed is not None and actor_role != needed:
            refuse(f"“{step.label}”环节的“{rule.label}”须由{_role_label(needed)}办理", "wrong_role")

    def check_state():
        if state.status not in rule.states:
            message, code = rule.wrong_state
            refuse(message.format(status=STATUS_LABELS[state.status], label=rule.label), code, Refusal.WRONG_STATE)

    if rule.step_action:
        if action not in step.outcomes:
            refuse(f"“{step.label}”环节不能“{rule.label}”", "action_not_allowed")
        check_post()
        check_state()
    else:
        check_state()
        check_post()

    flags = dict(state.flags)
    undo = flags.pop("undo", None)  # any action by anyone ends the chance to withdraw
    move = Move(steps=steps, old=state, action=action, actor_id=actor_id, reason=(reason or "").strip(),
                payload=payload or {}, status=state.status, index=state.step_index, flags=flags, undo=undo)
    rule.effect(move)
    new = CaseState(status=move.status, step_index=move.index, flags=move.flags)
    return new, _effects(steps, state, new, restart_step=move.restart_step, extend_days=move.extend_days,
                         reason=move.reason)


def _effects(steps, old: CaseState, new: CaseState, *, restart_step: bool, extend_days: int, reason: str) -> list[Effect]:
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


def pause_reason(steps: Sequence[Step], state: CaseState) -> str:
    if state.status == CORRECTION:
        return "一次性告知补正,等待申请人补正材料"
    return f"“{steps[state.step_index].label}”环节不计入办理时限"


def _role_label(role: str) -> str:
    if role == APPLICANT:
        return "申请人本人"
    from zhengwu.org.roles import Role  # a TextChoices enum: no database

    try:
        return Role(role).label
    except ValueError:
        return role
