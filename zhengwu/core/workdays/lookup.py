"""Fast working-day arithmetic over an in-memory copy of the calendar table.

Every clock in the platform calls these functions, so they do no per-day loops and no
query per call. The whole table (a few thousand rows) is loaded once per process into
arrays indexed by ``date.toordinal()``:

* ``cum[i]``  – working days from the table's first date up to and including date
  ``first + i`` (the ``CalendarDay.workday_ordinal`` column);
* ``workdays[k]`` – the ordinal of the (k+1)-th working day of the table.

Every question then reduces to one cumulative count ``_cum(o)`` = working days from a
fixed origin up to and including ordinal ``o`` and its inverse. Outside the loaded years
the count continues with the plain Monday-to-Friday rule in closed form, and the result
is flagged ``calendar_complete=False`` with a WARNING log line, because a silent weekday
guess would miss that year's holidays. Years loaded *provisionally* (the statutory
holidays, before the State Council's notice) are counted from their rows but flagged
the same way: their dates are an estimate until the notice is imported.

Cache invalidation: the process that changes the calendar marks its copy stale at once
(and again on commit); other processes re-read one token row
(``CalendarVersion``) at most every ``ZHENGWU_CALENDAR_RECHECK_SECONDS`` (5 s by
default) and reload when it changed. Calendar changes are rare admin actions a few
times a year, so a few seconds of lag in other workers is harmless, while a token read
on every call would put a query under every deadline on every list page.
"""

from __future__ import annotations

import logging
import threading
import time
from array import array
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("zhengwu.calendar")

DEFAULT_RECHECK_SECONDS = 5.0
# One warning per set of missing years per minute and process: a list page computing
# fifty deadlines into 2027 should say so once, not fifty times. The flag in every
# result is not throttled.
WARN_INTERVAL_SECONDS = 60.0
_warned_at: dict[tuple[int, ...], float] = {}


class Deadline(NamedTuple):
    due: date
    calendar_complete: bool


class WorkdayCount(NamedTuple):
    days: int
    calendar_complete: bool


# --- plain Monday-to-Friday rule in closed form -------------------------------------
# date.toordinal() is 1 for 0001-01-01, a Monday, so weekday(o) == (o - 1) % 7.


def _weekdays_upto(o: int) -> int:
    """Mondays-to-Fridays among ordinals 1..o."""
    q, r = divmod(o, 7)
    return 5 * q + min(r, 5)


def _weekday_with_count(t: int) -> int:
    """Smallest ordinal o with _weekdays_upto(o) == t (t >= 1): the t-th weekday."""
    q, r = divmod(t, 5)
    return 7 * q - 2 if r == 0 else 7 * q + r


@dataclass(frozen=True)
class _Table:
    token: str
    first: int  # ordinal of the first loaded date (0 when empty)
    last: int  # ordinal of the last loaded date (-1 when empty)
    first_year: int | None
    last_year: int | None
    cum: array  # cumulative workday count per date, offset from `first`
    workdays: array  # ordinals of the working days, ascending
    base: int  # _weekdays_upto(first - 1): the count carried into the table
    provisional: frozenset = frozenset()  # years estimated from the statutory rules
    provisional_from: int = 0  # ordinal of 1 January of the first provisional year (0: none)

    @property
    def empty(self) -> bool:
        return self.first_year is None

    def cum_at(self, o: int) -> int:
        if self.empty or o < self.first:
            return _weekdays_upto(o)
        if o <= self.last:
            return self.base + self.cum[o - self.first]
        return self.base + self.cum[-1] + _weekdays_upto(o) - _weekdays_upto(self.last)

    def ordinal_with_count(self, t: int) -> int:
        """Smallest ordinal whose cumulative count is t: always a working day."""
        if self.empty or t <= self.base:
            return _weekday_with_count(t)
        k = t - self.base
        if k <= len(self.workdays):
            return self.workdays[k - 1]
        tail = self.base + self.cum[-1]
        return _weekday_with_count(t - tail + _weekdays_upto(self.last))

    def is_workday(self, o: int) -> bool:
        if not self.empty and self.first <= o <= self.last:
            i = o - self.first
            return self.cum[i] != (self.cum[i - 1] if i else 0)
        return (o - 1) % 7 < 5

    def missing_years(self, y0: int, y1: int) -> list[int]:
        """Years in [y0, y1] without an official arrangement (absent or provisional)."""
        if self.empty:
            return list(range(y0, y1 + 1))
        return [
            y for y in range(y0, y1 + 1)
            if y < self.first_year or y > self.last_year or y in self.provisional
        ]


class _Cache:
    def __init__(self):
        self.table: _Table | None = None
        self.checked_at = 0.0
        self.stale = True
        self.recheck = DEFAULT_RECHECK_SECONDS
        self.lock = threading.Lock()


_cache = _Cache()


def _recheck_seconds() -> float:
    return float(getattr(settings, "ZHENGWU_CALENDAR_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))


def _load(token: str) -> _Table:
    from zhengwu.core.models import CalendarDay, CalendarYear

    years = list(CalendarYear.objects.order_by("year").values_list("year", "source"))
    provisional = frozenset(y for y, source in years if source == CalendarYear.Source.PROVISIONAL)
    rows = list(
        CalendarDay.objects.order_by("date").values_list("date", "is_workday", "workday_ordinal")
    )
    if not years or not rows:
        return _Table(token, 0, -1, None, None, array("l"), array("l"), 0)
    first = rows[0][0].toordinal()
    last = rows[-1][0].toordinal()
    if last - first + 1 != len(rows):
        # The services keep the table gap-free; if someone broke that by hand, refuse to
        # guess rather than count across a hole.
        raise RuntimeError("calendar table has gaps; re-run calendar_seed or re-import the year")
    cum = array("l", (r[2] for r in rows))
    workdays = array("l", (r[0].toordinal() for r in rows if r[1]))
    return _Table(
        token=token,
        first=first,
        last=last,
        first_year=rows[0][0].year,
        last_year=rows[-1][0].year,
        cum=cum,
        workdays=workdays,
        base=_weekdays_upto(first - 1),
        provisional=provisional,
        provisional_from=date(min(provisional), 1, 1).toordinal() if provisional else 0,
    )


def _current_token() -> str:
    from zhengwu.core.models import CalendarVersion

    return CalendarVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def _table() -> _Table:
    cache = _cache
    table = cache.table
    if table is not None and not cache.stale and time.monotonic() - cache.checked_at < cache.recheck:
        return table
    with cache.lock:
        table = cache.table
        now = time.monotonic()
        if table is not None and not cache.stale and now - cache.checked_at < cache.recheck:
            return table
        # Read lazily here rather than on every call: settings access is not free.
        cache.recheck = _recheck_seconds()
        # Token first, rows second: a change committed in between leaves us with new
        # rows under the old token, which only costs one extra reload later.
        token = _current_token()
        cache.checked_at = time.monotonic()
        if table is None or cache.stale or token != table.token:
            cache.stale = False
            table = _load(token)
            cache.table = table
        return table


def calendar_cache_clear() -> None:
    """Forget the in-memory calendar; the next call reloads it (tests, after rollbacks)."""
    _cache.stale = True
    _cache.table = None
    _warned_at.clear()


def mark_calendar_changed() -> None:
    """Called by the calendar services inside their transaction.

    Stale at once, so this thread sees its own change immediately; stale again on
    commit, because another thread may have reloaded the pre-commit rows in between.
    """
    _cache.stale = True
    transaction.on_commit(calendar_cache_clear)


def _flag(table: _Table, a: int, b: int) -> bool:
    lo, hi = (a, b) if a <= b else (b, a)
    # The common case: inside the loaded run and before any provisional year.
    if table.first <= lo and hi <= table.last and (not table.provisional_from or hi < table.provisional_from):
        return True
    missing = table.missing_years(date.fromordinal(lo).year, date.fromordinal(hi).year)
    if missing:
        key = tuple(missing)
        now = time.monotonic()
        if now - _warned_at.get(key, float("-inf")) < WARN_INTERVAL_SECONDS:
            return False
        _warned_at[key] = now
        estimated = [y for y in missing if y in table.provisional]
        guessed = [y for y in missing if y not in table.provisional]
        if estimated:
            logger.warning(
                "工作日计算涉及尚未公布节假日安排的年份: %s(已按法定节假日规则暂定推算,不含调休,结果为预计)",
                ", ".join(str(y) for y in estimated),
            )
        if guessed:
            logger.warning(
                "工作日计算涉及未载入节假日安排的年份: %s(已按周一至周五计算,结果可能不准确)",
                ", ".join(str(y) for y in guessed),
            )
        return False
    return True


def calendar_provisional_years() -> list[int]:
    """Years loaded from the statutory rules only (their dates are estimates)."""
    return sorted(_table().provisional)


def is_workday(d: date) -> bool:
    """Return whether ``d`` is a working day (plain weekday rule outside loaded years)."""
    return _table().is_workday(d.toordinal())


def add_working_days(start: date, n: int) -> Deadline:
    """Return the n-th working day after ``start`` (行政许可法 art. 82).

    The start day itself is not counted; when ``start`` is a rest day the first working
    day after it is day 1. ``n == 0`` returns ``start`` when it is a working day and
    otherwise the next working day: a same-day (即办) limit that falls on a rest day is
    due on the next day the office is open.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    table = _table()
    o = start.toordinal()
    if n == 0:
        due = o if table.is_workday(o) else table.ordinal_with_count(table.cum_at(o) + 1)
    else:
        due = table.ordinal_with_count(table.cum_at(o) + n)
    return Deadline(date.fromordinal(due), _flag(table, o, due))


def working_days_between(start: date, end: date) -> WorkdayCount:
    """Count working days after ``start`` up to and including ``end``.

    ``add_working_days(s, n).due == e`` implies ``working_days_between(s, e).days == n``.
    When ``end < start`` the result is negative: minus the working days after ``end`` up
    to and including ``start`` (so between(a, b) == -between(b, a)); an overdue clock
    therefore reads as a negative number of days left.
    """
    table = _table()
    a, b = start.toordinal(), end.toordinal()
    return WorkdayCount(table.cum_at(b) - table.cum_at(a), _flag(table, a, b))


def calendar_coverage() -> tuple[int, int] | None:
    """Return (first_year, last_year) of the loaded calendar, or None when empty."""
    table = _table()
    if table.empty:
        return None
    return (table.first_year, table.last_year)


def calendar_missing_years(*, around: date | None = None) -> list[int]:
    """Years among [around.year, around.year + 1] with no loaded arrangement (banner)."""
    around = around or timezone.localdate()
    return _table().missing_years(around.year, around.year + 1)
