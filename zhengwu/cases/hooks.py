"""Run what other apps do after a case changes (core's ``CASE_ACTED`` hooks; no Django signals).

Apps that react (notifications of the applicant, the sealed result ...) register with
``zhengwu.core.registries.hooks.register_hook(CASE_ACTED, fn)`` in their
``AppConfig.ready``, so neither side imports the other. ``case_submit`` and ``case_act``
call every registered hook inside their transaction, so a hook that fails rolls the case
change back with it.
"""

from __future__ import annotations

from zhengwu.core.registries.hooks import CASE_ACTED, ActionEvent, hooks_for

__all__ = ["ActionEvent", "run_after_action"]


def run_after_action(*, actor, case, action: str, event: ActionEvent | None = None) -> None:
    """``event`` is the ActionEvent for the CaseEvent row just written (hooks read its reason without a query)."""
    for hook in hooks_for(CASE_ACTED):
        hook(actor=actor, case=case, action=action, event=event)
