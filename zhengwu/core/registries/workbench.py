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
  for this person, always a subset of what ``count`` reports as 预警 (the page asks for
  deadlines only of a module with something in warning); ``roles``: the module is shown only to holders of one of them
  (checked on ``posts`` without a query); ``None`` asks ``count`` whatever the posts.

Helpers for ``count``: ``clock_counts`` reads a running ``core.Clock``; ``limit_counts``
times things that carry only a start date and a statutory limit in working days (a
disclosure record must be published within 20 working days of its formation), by turning
the limit into start-date cut-offs once per page (``limit_cutoffs``) so the query stays
one aggregate with date comparisons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.expressions import RawSQL

from zhengwu.core.models import Clock

from zhengwu.core.workdays import is_workday, working_days_between


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


def running_clocks(condition: str, *params) -> RawSQL:
    """Ids of running clocks meeting ``condition`` (SQL over ``core_clock``'s columns, values
    as ``%s`` parameters), as a subquery the database runs once per query.

    ``state = 'running'`` is written as a literal: only then does SQLite use the partial
    indexes of running clocks (``core_clock_running_warn``/``_due``), so a count reads the
    few yellow, red or due-today clocks instead of joining every counted row's clock
    (ADR 0013: 10,000 open cases).
    """
    sql = f"SELECT id FROM {Clock._meta.db_table} WHERE state = 'running' AND {condition}"  # nosec B608 - constant conditions
    return RawSQL(sql, params)  # nosec B611 - constant SQL, the values bound as parameters


def clock_counts(queryset, clock: str, today: date) -> WorkCounts:
    """Count ``queryset`` as 待办 with 预警/逾期 read from its running clock at ``clock``
    (a path to a ``core.Clock``, e.g. "clock"): one aggregate query. A suspended or
    stopped clock warns of nothing, as in ``core.clock.clock_colour``."""
    found = queryset.aggregate(
        todo=Count("pk"),
        warning=Count("pk", filter=Q(**{f"{clock}__in": running_clocks("warn_on <= %s AND due_on >= %s", today, today)})),
        overdue=Count("pk", filter=Q(**{f"{clock}__in": running_clocks("due_on < %s", today)})),
    )
    return WorkCounts(**found)


@dataclass(frozen=True)
class LimitCutoffs:
    """Start dates that put a ``limit_days`` working-day limit past, near or at its end today.

    With ``due = add_working_days(start, limit)`` and ``warn_on = add_working_days(start,
    limit - warn)`` (``core.clock``'s definitions): overdue ⟺ ``start <= overdue_by``; in
    warning or overdue ⟺ ``start <= warning_by``; due today ⟺ ``overdue_by < start <=
    due_by`` (``due_by`` is None on a rest day: nothing falls due then)."""

    overdue_by: date
    warning_by: date
    due_by: date | None


def _latest_start(end: date, days: int) -> date:
    # The latest start from which at least ``days`` working days have passed by ``end``
    # (working_days_between falls as the start moves later, so walk back to it).
    start = end
    for _ in range(days * 4 + 120):  # bounded: ample for any holiday season
        if working_days_between(start, end).days >= days:
            return start
        start -= timedelta(days=1)
    return start


def limit_cutoffs(today: date, *, limit_days: int, warn_days: int) -> LimitCutoffs:
    return LimitCutoffs(
        overdue_by=_latest_start(today - timedelta(days=1), limit_days),
        warning_by=_latest_start(today, max(limit_days - warn_days, 0)),
        due_by=_latest_start(today, limit_days) if is_workday(today) else None,
    )


def limit_counts(queryset, started_on_or_before: Callable[[date], Q], today: date, *,
                 limit_days: int, warn_days: int) -> WorkCounts:
    """Count ``queryset`` as 待办 with 预警/逾期 from a start date and a working-day limit:
    one aggregate query. ``started_on_or_before(day)`` is the filter "started on ``day``
    or earlier" (a model may read its start from two fields, e.g. a date or else the
    record's creation)."""
    cut = limit_cutoffs(today, limit_days=limit_days, warn_days=warn_days)
    overdue = started_on_or_before(cut.overdue_by)
    found = queryset.aggregate(
        todo=Count("pk"),
        warning=Count("pk", filter=started_on_or_before(cut.warning_by) & ~overdue),
        overdue=Count("pk", filter=overdue),
    )
    return WorkCounts(**found)
