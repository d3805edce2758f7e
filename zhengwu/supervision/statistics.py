"""Per-department supervision figures: precomputed by the sweep, read by the dashboard.

At a million cases the dashboard cannot aggregate the cases and alerts on every view
(ADR 0005). The sweep keeps two small tables instead, inside its own transaction:

* ``DepartmentMonth`` per department and month: cases concluded (by the conclusion day
  of their case clock), on time, working days of handling, red and yellow alerts (by the
  day they were raised). Each sweep adds the cases whose case clock stopped since the
  last sweep (the clock-event id range it already tracks) and the alerts it has just
  raised; the first sweep and ``--full`` rebuild from everything.
* ``DepartmentOpen`` per department: open cases past their promised date, counted afresh
  from the running case clocks each sweep (it changes with every day and every step).

The dashboard sums the months of the period it shows: this month by default.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from zhengwu.cases.models import Case
from zhengwu.core.models import CalendarDay, Clock, ClockEvent
from zhengwu.org.models import Unit

from .models import Alert, DepartmentMonth, DepartmentOpen

PERIODS = {"month": "本月", "last_month": "上月", "quarter": "本季度", "year": "本年", "last12": "近12个月"}
DEFAULT_PERIOD = "month"
_FIGURES = ("concluded", "on_time", "handling_days", "timed", "red_alerts", "yellow_alerts")


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def period_bounds(period: str, today: date) -> tuple[date, date]:
    """First month of ``period`` and the first month after it (half-open), around ``today``."""
    now = _month_index(today)
    first, end = {
        "month": (now, now + 1),
        "last_month": (now - 1, now),
        "quarter": (now - now % 3, now - now % 3 + 3),
        "year": (now - now % 12, now - now % 12 + 12),
        "last12": (now - 11, now + 1),
    }[period if period in PERIODS else DEFAULT_PERIOD]
    return _month_of(first), _month_of(end)


def _ordinal(date_field: str):
    return Subquery(CalendarDay.objects.filter(date=OuterRef(date_field)).values("workday_ordinal")[:1])


def _figures() -> dict[tuple[int, date], dict]:
    return defaultdict(lambda: dict.fromkeys(_FIGURES, 0))


def _concluded(cases) -> dict[tuple[int, date], dict]:
    """Concluded-case figures of ``cases`` per (department, month of conclusion)."""
    days = _ordinal("clock__stopped_on") - _ordinal("clock__started_on") - F("clock__suspended_days")
    rows = (
        cases.filter(status=Case.Status.CONCLUDED, item__department__isnull=False, clock__stopped_on__isnull=False)
        .values("item__department_id", "clock__stopped_on")
        .annotate(
            concluded=Count("pk"), on_time=Count("pk", filter=Q(clock__stopped_on__lte=F("clock__due_on"))),
            handling_days=Sum(days), timed=Count(days),
        )
        .order_by()
    )
    out = _figures()
    for r in rows:  # one row per department and day: folded into months here
        figures = out[(r["item__department_id"], r["clock__stopped_on"].replace(day=1))]
        for name in ("concluded", "on_time", "handling_days", "timed"):
            figures[name] += r[name] or 0
    return out


def _alerts(alerts, into: dict) -> None:
    rows = (
        alerts.filter(unit__isnull=False).values("unit_id", "raised_on")
        .annotate(red=Count("pk", filter=Q(level=Alert.Level.RED)), yellow=Count("pk", filter=Q(level=Alert.Level.YELLOW)))
        .order_by()
    )
    for r in rows:
        figures = into[(r["unit_id"], r["raised_on"].replace(day=1))]
        figures["red_alerts"] += r["red"]
        figures["yellow_alerts"] += r["yellow"]


def _add(figures: dict[tuple[int, date], dict]) -> None:
    """Add ``figures`` into the stored months (a few dozen rows per sweep)."""
    if not figures:
        return
    months = {month for _, month in figures}
    units = {unit for unit, _ in figures}
    stored = {(r.unit_id, r.month): r for r in DepartmentMonth.objects.filter(month__in=months, unit_id__in=units)}
    new, changed = [], []
    for key, add in figures.items():
        row = stored.get(key)
        if row is None:
            new.append(DepartmentMonth(unit_id=key[0], month=key[1], **add))
            continue
        for name in _FIGURES:
            setattr(row, name, getattr(row, name) + add[name])
        changed.append(row)
    DepartmentMonth.objects.bulk_create(new)
    DepartmentMonth.objects.bulk_update(changed, list(_FIGURES))


def _overdue_open(today: date) -> None:
    # From the running case clocks alone (the clock names the item's department): the
    # state is a literal so SQLite uses the clocks' partial "running" due-date index.
    table = connection.ops.quote_name(Clock._meta.db_table)
    sql = (
        f"SELECT unit_id, COUNT(*) FROM {table} WHERE state = '{Clock.State.RUNNING}' "  # noqa: S608 - model names
        "AND due_on < %s AND owner_type = %s AND unit_id IS NOT NULL GROUP BY unit_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(today), "cases.case"])
        counts = cursor.fetchall()
    DepartmentOpen.objects.all().delete()
    DepartmentOpen.objects.bulk_create(
        DepartmentOpen(unit_id=unit_id, overdue_open=n, as_of=today) for unit_id, n in counts
    )


def department_figures_refresh(*, today: date, rebuild: bool, after_alert_id: int = 0,
                               clock_events: tuple[int, int] = (0, 0)) -> None:
    """Bring the figures up to date; run inside the sweep's transaction.

    ``rebuild``: from every case and alert. Otherwise add the cases whose case clock
    stopped in the clock-event id range ``clock_events`` (low exclusive, high inclusive)
    and the alerts above ``after_alert_id``.
    """
    if rebuild:
        DepartmentMonth.objects.all().delete()
        figures = _concluded(Case.objects.all())
        _alerts(Alert.objects.all(), figures)
    else:
        low, high = clock_events
        stopped = ClockEvent.objects.filter(pk__gt=low, pk__lte=high, kind=ClockEvent.Kind.STOP).values("clock_id")
        figures = _concluded(Case.objects.filter(clock_id__in=stopped)) if high > low else _figures()
        _alerts(Alert.objects.filter(pk__gt=after_alert_id), figures)
    _add(dict(figures))
    _overdue_open(today)


def department_statistics(*, today: date, period: str = DEFAULT_PERIOD) -> list[dict]:
    """Per department for ``period``: concluded cases, on-time rate, average working days,
    red and yellow alerts; and open cases past their date as of the last sweep.

    Reads the sweep's figures (three small queries). On time: the case clock stopped on
    or before its due date. Handling time: working days from the submission day (not
    counted) to the conclusion day, minus the days the clock stood still.
    """
    first, end = period_bounds(period, today)
    months = (
        DepartmentMonth.objects.filter(month__gte=first, month__lt=end).values("unit_id")
        .annotate(**{name: Sum(name) for name in _FIGURES}).order_by()
    )
    rows: dict[int, dict] = {}

    def row(unit_id):
        return rows.setdefault(unit_id, {
            "unit_id": unit_id, "concluded": 0, "on_time": 0, "on_time_rate": None, "avg_days": None,
            "overdue_open": 0, "red_alerts": 0, "yellow_alerts": 0,
        })

    for r in months:
        out = row(r["unit_id"])
        out.update(concluded=r["concluded"], on_time=r["on_time"], red_alerts=r["red_alerts"],
                   yellow_alerts=r["yellow_alerts"])
        out["on_time_rate"] = round(r["on_time"] * 100 / r["concluded"], 1) if r["concluded"] else None
        out["avg_days"] = round(r["handling_days"] / r["timed"], 1) if r["timed"] else None
    for unit_id, n in DepartmentOpen.objects.values_list("unit_id", "overdue_open"):
        row(unit_id)["overdue_open"] = n
    names = dict(Unit.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    for unit_id, out in rows.items():
        out["name"] = names.get(unit_id, "")
    return sorted(rows.values(), key=lambda r: (r["name"], r["unit_id"]))
