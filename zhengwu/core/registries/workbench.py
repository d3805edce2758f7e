"""The staff workbench's per-module counters and the day's deadlines (issue 16 item 5).

Each app that keeps a to-do list registers one counter from ``AppConfig.ready``; the
workbench home (portal) shows them side by side. A counter is asked for the signed-in
person's posts, already loaded once for the whole page (``org.responsibility.posts_for``),
and answers with one aggregate query scoped by those posts (``posts.q`` /
``posts.post_q``, the query twins of ``acts_for_q``), so the page costs one query per
module however much work is waiting. Staff load this page all day.

* ``register_workbench_counter(key, label, url_name, count, deadlines=None, roles=None,
  order=100)``: ``count(user, posts, today) -> WorkCounts``; ``deadlines(user, posts,
  today) -> list[Deadline]`` lists the things of this module whose clock falls due today
  for this person; ``roles``: the module is shown only to holders of one of them
  (checked on ``posts`` without a query); ``None`` asks ``count`` whatever the posts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q


@dataclass(frozen=True)
class WorkCounts:
    todo: int = 0      # 待办: waiting for this person
    warning: int = 0   # 预警: of those, in the warning period of their clock
    overdue: int = 0   # 逾期: of those, past their due date


@dataclass(frozen=True)
class Deadline:
    module: str
    label: str   # what falls due, in Chinese (a receipt number and item, a letter's title)
    url: str
    due_on: date


@dataclass(frozen=True)
class ModuleCounter:
    key: str
    label: str
    url_name: str
    count: Callable
    deadlines: Callable | None
    roles: frozenset[str] | None
    order: int


_counters: dict[str, ModuleCounter] = {}


def register_workbench_counter(
    key: str, label: str, url_name: str, count: Callable, *,
    deadlines: Callable | None = None, roles: Iterable[str] | None = None, order: int = 100,
) -> None:
    if key in _counters:
        raise ValueError(f"workbench counter {key!r} registered twice")
    _counters[key] = ModuleCounter(
        key, label, url_name, count, deadlines, frozenset(str(r) for r in roles) if roles is not None else None, order,
    )


def workbench_counters(posts) -> list[ModuleCounter]:
    """The counters shown to the holder of ``posts`` (an ``org.responsibility.Posts``), in order."""
    out = [c for c in _counters.values() if c.roles is None or posts.holds(c.roles)]
    return sorted(out, key=lambda c: (c.order, c.key))


def clock_counts(queryset, clock: str, today: date) -> WorkCounts:
    """Count ``queryset`` as 待办 with 预警/逾期 read from its running clock at ``clock``
    (a path to a ``core.Clock``, e.g. "clock"): one aggregate query. A suspended or
    stopped clock warns of nothing, as in ``core.clock.clock_colour``."""
    running = Q(**{f"{clock}__state": "running"})
    found = queryset.aggregate(
        todo=Count("pk"),
        warning=Count("pk", filter=running & Q(**{f"{clock}__warn_on__lte": today, f"{clock}__due_on__gte": today})),
        overdue=Count("pk", filter=running & Q(**{f"{clock}__due_on__lt": today})),
    )
    return WorkCounts(**found)
