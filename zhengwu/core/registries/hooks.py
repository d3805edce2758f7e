"""Reactions of one app to another app's events: an explicit registry (no Django signals).

An app that must react (notifications, results, insights ...) registers a callable
under a topic from its ``AppConfig.ready``; the app that owns the event runs the
topic's hooks. Neither imports the other: both import this module.

Topics and the keyword arguments their hooks receive:

* ``CASE_ACTED``: ``hook(*, actor, case, action, event)`` inside the case's transaction
  (a failing hook rolls the case change back); ``event`` is an ``ActionEvent``.
* ``LETTER_CHANGED``: ``hook(*, letter, event)`` after the letter's transaction commits,
  ``event`` one of the letters app's ``LETTER_EVENTS``; a failing hook is logged by the
  letters app and never undoes the letter's change.
* ``UNIT_SUCCEEDED``: ``hook(*, actor, source_id, default_to_id, item_moves, effective_on,
  renamed_from, check)`` inside the organisation change's transaction (机构沿革, ADR 0014):
  the unit ``source_id`` ends or changes name on ``effective_on``; what it owned goes to
  ``item_moves[pk]`` where given, else to ``default_to_id`` (None: nowhere, so a hook that
  finds something left must raise ``ValidationFailed``). ``renamed_from`` is the old name
  when the unit carries on under a new one. ``check=True`` asks the hook only to raise if
  the change cannot be applied (when it is registered ahead of its date); nothing moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

CASE_ACTED = "case.acted"
LETTER_CHANGED = "letter.changed"
UNIT_SUCCEEDED = "org.unit_succeeded"
TOPICS = frozenset({CASE_ACTED, LETTER_CHANGED, UNIT_SUCCEEDED})


@dataclass(frozen=True, slots=True)
class ActionEvent:
    """The CaseEvent row an action just wrote, as hooks see it (no model instance on the hot path)."""

    pk: int
    case_id: int
    seq: int
    action: str
    reason: str
    actor_id: int | None


_hooks: dict[str, list[Callable[..., None]]] = {topic: [] for topic in TOPICS}


def register_hook(topic: str, hook: Callable[..., None]) -> None:
    """Add ``hook`` to ``topic``; registering the same callable twice is a no-op."""
    if topic not in TOPICS:
        raise ValueError(f"unknown hook topic {topic!r}")
    if hook not in _hooks[topic]:
        _hooks[topic].append(hook)


def unregister_hook(topic: str, hook: Callable[..., None]) -> None:
    if hook in _hooks.get(topic, ()):
        _hooks[topic].remove(hook)


def hooks_for(topic: str) -> list[Callable[..., None]]:
    """A copy of ``topic``'s hooks in registration order (safe to iterate while one unregisters)."""
    return list(_hooks[topic])
