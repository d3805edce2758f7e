"""What other apps do after a case changes: an explicit registry (no Django signals).

Apps above cases (notifications, results …) register a callable in their
``AppConfig.ready``; ``case_submit`` and ``case_act`` call every registered hook inside
their transaction, so a hook that fails rolls the case change back with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

AfterAction = Callable[..., None]  # hook(*, actor, case, action, event) -> None


@dataclass(frozen=True, slots=True)
class ActionEvent:
    """The CaseEvent row an action just wrote, as hooks see it (no model instance on the hot path)."""

    pk: int
    case_id: int
    seq: int
    action: str
    reason: str
    actor_id: int | None

_after_action: list[AfterAction] = []


def register_after_action(hook: AfterAction) -> None:
    if hook not in _after_action:
        _after_action.append(hook)


def unregister_after_action(hook: AfterAction) -> None:
    if hook in _after_action:
        _after_action.remove(hook)


def run_after_action(*, actor, case, action: str, event=None) -> None:
    """``event`` is the ActionEvent for the CaseEvent row just written (hooks read its reason without a query)."""
    for hook in list(_after_action):
        hook(actor=actor, case=case, action=action, event=event)
