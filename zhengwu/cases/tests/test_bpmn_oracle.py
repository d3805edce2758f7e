"""SpiffWorkflow as a test oracle for the BPMN export.

The exported XML is loaded with SpiffWorkflow's BpmnParser (XSD-validated) and random
case histories are driven through both our pure engine and the Spiff workflow. After
every action the engine accepts, both must stand in the same step (or have ended the
same way); at every running state, the outcomes the engine allows and the outcomes the
gateway offers must be the same set.
"""

import functools
import itertools
import logging
import random
from types import SimpleNamespace

import pytest
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from zhengwu.cases import bpmn, engine
from zhengwu.cases.services import default_steps_for

from .test_bpmn import CUSTOM_STEPS

# The explicit mapping from engine actions to the value of the gateway variable
# ``outcome``. Every other action keeps the case in its step: the Spiff user task stays
# open and nothing is set. ``withdraw`` undoes the last move: Spiff resets to the user
# task that move completed.
ACTION_OUTCOME = {
    "accept": bpmn.ADVANCE,
    "review_pass": bpmn.ADVANCE,
    "approve": bpmn.ADVANCE,
    "reject": bpmn.ADVANCE,
    "return": bpmn.RETURN,
    "refuse": bpmn.REFUSE,
    "conclude": bpmn.CONCLUDE,
}
IN_STEP_ACTIONS = [
    "request_correction",
    "resubmit",
    "suspend",
    "resume",
    "extend",
    "transfer",
]
ALL_ACTIONS = [*ACTION_OUTCOME, *IN_STEP_ACTIONS, "withdraw"]
HISTORIES = 200
MAX_ACTIONS = 40
ROLES = ["window_clerk", "reviewer", "approver", "handler"]


def _default_steps(limit):
    return default_steps_for(
        SimpleNamespace(promised_limit_days=limit, statutory_limit_days=limit)
    )


def random_steps(rng: random.Random) -> list[dict]:
    """A random but publishable definition: 1-6 steps, any outcomes, the last can end the case."""
    steps = []
    n = rng.randint(1, 6)
    for i in range(n):
        outcomes = rng.sample(sorted(engine.STEP_ACTIONS), rng.randint(1, 6))
        if i == n - 1 and not (set(outcomes) & (engine.ADVANCING | {"conclude"})):
            outcomes.append(rng.choice(["conclude", "approve"]))
        steps.append(
            {
                "key": f"s{i}",
                "name": f"环节{i + 1}",
                "role": rng.choice(ROLES),
                "limit_days": rng.randint(0, 5),
                "warn_days": 0,
                "outcomes": outcomes,
                "stops_clock": rng.random() < 0.2,
            }
        )
    return steps


# Spiff logs every task state change at INFO; thousands of lines per history say nothing here.
logging.getLogger("spiff").setLevel(logging.WARNING)


@functools.lru_cache(maxsize=64)
def parsed_spec(xml: str):
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_str(xml.encode("utf-8"))
    return parser.get_spec(bpmn.definition_ids("T1")["process"])


class SpiffCase:
    """One Spiff workflow instance on the exported XML."""

    def __init__(self, steps, xml):
        self.wf = BpmnWorkflow(parsed_spec(xml))
        self.wf.do_engine_steps()
        self.task_key = {f"Task_{s['key']}": s["key"] for s in steps}
        self.last_move = None  # the user task the last path move completed

    def ready_task(self):
        ready = self.wf.get_tasks(state=TaskState.READY, manual=True)
        assert len(ready) <= 1
        return ready[0] if ready else None

    def position(self):
        """("running", step key) or ("ended", engine status of the end event reached)."""
        task = self.ready_task()
        if task is not None:
            return ("running", self.task_key[task.task_spec.bpmn_id])
        assert self.wf.is_completed()
        ends = [
            t
            for t in self.wf.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.bpmn_id and t.task_spec.bpmn_id.startswith("EndEvent_")
        ]
        assert len(ends) == 1
        return (
            "ended",
            engine.REFUSED
            if ends[0].task_spec.bpmn_id.endswith("_refuse")
            else engine.CONCLUDED,
        )

    def offered_outcomes(self) -> set[str]:
        """The outcomes the gateway after the ready task has a flow for, evaluated by Spiff."""
        task = self.ready_task()
        gateway = self.wf.spec.task_specs[
            task.task_spec.bpmn_id.replace("Task_", "Gateway_", 1)
        ]
        offered = set()
        for outcome in (bpmn.ADVANCE, bpmn.RETURN, bpmn.REFUSE, bpmn.CONCLUDE):
            task.data[bpmn.OUTCOME_VARIABLE] = outcome
            if any(cond._matches(task) for cond, _name in gateway.cond_task_specs):
                offered.add(outcome)
        task.data.pop(bpmn.OUTCOME_VARIABLE, None)
        return offered

    def complete(self, outcome):
        task = self.ready_task()
        task.data[bpmn.OUTCOME_VARIABLE] = outcome
        task.run()
        self.last_move = task.id
        self.wf.do_engine_steps()

    def withdraw(self):
        self.wf.reset_from_task_id(self.last_move)
        self.last_move = None
        self.wf.do_engine_steps()


def engine_position(steps, state):
    if state.status in engine.TERMINAL:
        return ("ended", state.status)
    return ("running", steps[state.step_index]["key"])


def attempt(steps, state, action, *, actor_id, rng):
    """Run ``action`` through the engine with valid inputs; the new state or None if refused."""
    payload = {
        "request_correction": {"missing": ["身份证明"]},
        "suspend": {"kind": rng.choice(sorted(engine.SUSPEND_KINDS))},
        "extend": {"days": rng.randint(1, 5)},
        "transfer": {"to_user_id": 99},
    }.get(action)
    typed = engine.steps_from_json(steps)
    role = engine.required_role(typed, state, action)
    try:
        new, _effects = engine.transition(
            typed,
            state,
            action,
            actor_role=role,
            actor_id=actor_id,
            reason="依法处理",
            payload=payload,
        )
    except engine.TransitionRefused:
        return None
    return new


def engine_outcomes(steps, state, rng) -> set[str]:
    """The outcomes the engine lets the step's post choose now."""
    return {
        outcome
        for action, outcome in ACTION_OUTCOME.items()
        if attempt(steps, state, action, actor_id=1, rng=rng) is not None
    }


def run_history(steps, xml, rng):
    spiff = SpiffCase(steps, xml)
    state = engine.initial_state()
    engine_path = [engine_position(steps, state)]
    spiff_path = [spiff.position()]
    last_mover = None
    for _ in range(MAX_ACTIONS):
        if state.status in engine.TERMINAL:
            break
        if state.status == engine.RUNNING:
            assert engine_outcomes(steps, state, rng) == spiff.offered_outcomes(), (
                steps,
                state,
            )
        action = rng.choice(ALL_ACTIONS)
        actor_id = (
            last_mover
            if action == "withdraw" and rng.random() < 0.8
            else rng.randint(1, 3)
        )
        new = attempt(steps, state, action, actor_id=actor_id, rng=rng)
        if new is None:
            continue
        if action in ACTION_OUTCOME:
            spiff.complete(ACTION_OUTCOME[action])
            last_mover = actor_id
        elif action == "withdraw":
            spiff.withdraw()
        state = new
        engine_path.append(engine_position(steps, state))
        spiff_path.append(spiff.position())
        assert engine_path[-1] == spiff_path[-1], (action, engine_path, spiff_path)
    assert engine_path == spiff_path
    return engine_path


@pytest.mark.parametrize("seed", range(HISTORIES))
def test_random_history_takes_the_same_path_in_engine_and_spiffworkflow(seed):
    # Given a definition (default, hand-made or random) exported as BPMN,
    rng = random.Random(seed)
    kind = seed % 4
    steps = {
        0: lambda: _default_steps(20),
        1: lambda: CUSTOM_STEPS,
        2: lambda: _default_steps(3),
    }.get(kind, lambda: random_steps(rng))()
    xml = bpmn.steps_to_bpmn(steps, item_code="T1", item_name="测试事项")
    # when random actions are applied to both, then every accepted one leaves them in the same place.
    path = run_history(steps, xml, rng)
    assert path[0] == ("running", steps[0]["key"])


def test_oracle_detects_a_gateway_that_disagrees_with_the_engine():
    # Given an export whose review step lost its return flow (a broken exporter),
    steps = _default_steps(20)
    xml = bpmn.steps_to_bpmn(steps, item_code="T1")
    broken = xml.replace('outcome == "return"', 'outcome == "never"')
    spiff = SpiffCase(steps, broken)
    spiff.complete(bpmn.ADVANCE)
    state = engine.transition(
        engine.steps_from_json(steps), engine.initial_state(), "accept", actor_role="window_clerk"
    )[0]
    # then the oracle's comparison fails on it.
    assert engine_outcomes(steps, state, random.Random(0)) != spiff.offered_outcomes()


def test_histories_cover_every_kind_of_move():
    # The random driver really exercises returns, withdrawals and both endings.
    seen = set()
    for seed in range(HISTORIES):
        rng = random.Random(seed)
        steps = _default_steps(20) if seed % 2 else CUSTOM_STEPS
        path = run_history(steps, bpmn.steps_to_bpmn(steps, item_code="T1"), rng)
        index = {s["key"]: i for i, s in enumerate(steps)}
        for (k1, a), (k2, b) in itertools.pairwise(path):
            if k1 == k2 == "running":
                seen.add(
                    "forward"
                    if index[b] > index[a]
                    else "back"
                    if index[b] < index[a]
                    else "stay"
                )
        seen.add(path[-1][1] if path[-1][0] == "ended" else "open")
    assert {"forward", "back", engine.CONCLUDED, engine.REFUSED} <= seen
