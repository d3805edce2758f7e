"""The one clock service: time limits in working days for cases, disclosure requests, letters and rectifications.

Dates are computed here and stored on ``Clock``; nothing else recomputes them
(CONVENTIONS rule 7). Every change appends a ``ClockEvent`` and an audit row in the
caller's transaction.

Definitions, all in working days of the loaded calendar (``zhengwu.core.workdays``):

* ``due_on = add_working_days(started_on, limit_days)``: the start day is not counted
  (行政许可法 art. 82), so a 20-day clock started on a Monday falls due four weeks later.
* ``warn_on`` is the working day from which at most ``warn_days`` working days remain,
  i.e. ``working_days_between(warn_on, due_on) == warn_days``. The card is yellow from
  ``warn_on`` on and red from the day after ``due_on``; both follow from the stored
  dates alone, so ``clock_colour`` needs no calendar lookup and the supervision sweep
  can classify clocks with two date comparisons in SQL.
* A suspension from ``S`` to ``R`` stops the clock for
  ``working_days_between(S, R)`` working days: the working days *after* S up to and
  *including* R. The suspension day itself counts as a running day (the office worked
  on the matter that day and issued the notice), the resume day does not (the clock
  runs again from the next day, as on the first day of a fresh limit). Suspending and
  resuming on the same day therefore stops nothing, and Tuesday → Wednesday stops one
  day. ``due_on`` and ``warn_on`` move later by exactly that many working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.fastsql import insert_row, insert_values, update_rows
from zhengwu.core.models import Clock, ClockEvent
from zhengwu.core.owners import OwnerRef
from zhengwu.core.workdays import add_working_days, working_days_between

NORMAL = "normal"
YELLOW = "yellow"
RED = "red"
SUSPENDED = "suspended"
STOPPED = "stopped"

COLOUR_LABELS = {
    NORMAL: "正常",
    YELLOW: "黄牌预警",
    RED: "红牌超期",
    SUSPENDED: "暂停计时",
    STOPPED: "已停止",
}


def _check_days(value, *, field: str, label: str, allow_zero: bool = True) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        need = "非负整数" if allow_zero else "正整数"
        raise ValidationFailed(f"{label}必须是{need}(工作日)", code="clock_days_invalid", details={"field": field})
    return value


def _check_reason(reason: str, *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(f"{what}必须填写原因", code="clock_reason_required", details={"field": "reason"})
    return reason[:300]


def _lock(clock: Clock) -> Clock:
    """Re-read the row under lock and refresh the caller's instance from it."""
    fresh = Clock.objects.select_for_update().get(pk=clock.pk)
    for f in Clock._meta.concrete_fields:
        setattr(clock, f.attname, getattr(fresh, f.attname))
    return clock


def _warn_date(started_on: date, limit_days: int, warn_days: int) -> tuple[date, bool]:
    # working_days_between(started_on, due) == limit_days, so the working day reached
    # after (limit - warn) days leaves exactly warn_days to go. A threshold at least as
    # long as the limit makes the clock yellow from its first working day.
    result = add_working_days(started_on, max(limit_days - warn_days, 0))
    return result.due, result.calendar_complete


def _event(clock: Clock, *, actor, kind: str, on: date, days: int = 0, reason: str = "") -> int:
    # Append-only history, written on every case step: one prepared INSERT, no instance.
    return insert_values(ClockEvent, {
        "clock_id": clock.pk, "kind": kind, "on_date": on, "days": days, "due_on": clock.due_on,
        "reason": reason, "actor_id": getattr(actor, "pk", None),
    })


def _audit(clock: Clock, *, actor, kind: str, details: dict, audit: bool = True) -> None:
    # ``audit=False`` is for owners whose own audited action carries the clock change in
    # its details (a case action records its step and case clock effects in one row).
    if not audit:
        return
    audit_record(
        actor=actor,
        action=f"core.clock.{kind}",
        obj=clock,
        details={
            "owner": f"{clock.owner_type}#{clock.owner_id}",
            "due_on": clock.due_on.isoformat(),
            "warn_on": clock.warn_on.isoformat(),
            "state": clock.state,
            "calendar_complete": clock.calendar_complete,
            **details,
        },
    )


def clock_start(
    *, actor, owner: OwnerRef | None = None, owner_type: str = "", owner_id=None, limit_days: int, warn_days: int,
    start_on: date, audit: bool = True, unit_id: int | None = None, role: str = "", handler_id: int | None = None,
) -> Clock:
    """Start a clock of ``limit_days`` working days counted from the day after ``start_on``.

    ``owner`` is the typed reference of what the clock times (``zhengwu.core.owners``);
    the bare ``owner_type``/``owner_id`` strings remain for owners without a declared type.

    ``unit_id``, ``role`` and ``handler_id`` say who answers for it (department, post,
    named person); supervision alerts carry them.
    """
    clock = clock_plan(
        owner=owner, owner_type=owner_type, owner_id=owner_id, limit_days=limit_days, warn_days=warn_days,
        start_on=start_on, unit_id=unit_id, role=role, handler_id=handler_id,
    )
    return clock_start_planned(actor=actor, clock=clock, audit=audit)


def clock_plan(
    *, owner: OwnerRef | None = None, owner_type: str = "", owner_id=None, limit_days: int, warn_days: int,
    start_on: date, unit_id: int | None = None, role: str = "", handler_id: int | None = None,
) -> Clock:
    """Check ``clock_start``'s arguments and compute the clock's dates; write nothing.

    Returns the unsaved clock for ``clock_start_planned``. A writer holding a lock (a case
    step inside SQLite's write lock) plans before its transaction begins, so the calendar
    lookups run outside the lock (ADR 0004).
    """
    _check_days(limit_days, field="limit_days", label="时限")
    _check_days(warn_days, field="warn_days", label="预警阈值")
    if owner is not None:
        owner_type, owner_id = owner.type_name, owner.key
    if not owner_type or owner_id in (None, ""):
        raise ValidationFailed("时限必须指明所属对象", code="clock_owner_required")
    due = add_working_days(start_on, limit_days)
    warn_on, warn_complete = _warn_date(start_on, limit_days, warn_days)
    return Clock(
        owner_type=owner_type,
        owner_id=str(owner_id),
        limit_days=limit_days,
        warn_days=warn_days,
        started_on=start_on,
        due_on=due.due,
        warn_on=warn_on,
        calendar_complete=due.calendar_complete and warn_complete,
        unit_id=unit_id,
        role=role or "",
        handler_id=handler_id,
    )


def clock_start_planned(*, actor, clock: Clock, audit: bool = True) -> Clock:
    """Write a clock from ``clock_plan``: its row, its start event and (``audit``) its audit row."""
    # No savepoint: every argument was checked by clock_plan, nothing inside raises but the database.
    with transaction.atomic(savepoint=False):
        insert_row(clock)
        _event(clock, actor=actor, kind=ClockEvent.Kind.START, on=clock.started_on, days=clock.limit_days)
        _audit(clock, actor=actor, kind="start",
               details={"limit_days": clock.limit_days, "warn_days": clock.warn_days}, audit=audit)
    return clock


def clock_suspend(*, actor, clock: Clock, on: date, reason: str, audit: bool = True) -> Clock:
    """Stop the clock from the end of ``on`` until ``clock_resume`` (补正, 听证, 专家评审, 检测)."""
    reason = _check_reason(reason, what="暂停计时")
    with transaction.atomic():
        _lock(clock)
        if clock.state != Clock.State.RUNNING:
            raise Conflict(
                f"时限当前为“{clock.get_state_display()}”,不能暂停", code="clock_not_running"
            )
        if on < clock.started_on:
            raise ValidationFailed("暂停日期不能早于起算日", code="clock_date_invalid")
        clock.state = Clock.State.SUSPENDED
        clock.suspended_on = on
        clock.save(update_fields=["state", "suspended_on"])
        _event(clock, actor=actor, kind=ClockEvent.Kind.SUSPEND, on=on, reason=reason)
        _audit(clock, actor=actor, kind="suspend", details={"on": on.isoformat(), "reason": reason}, audit=audit)
    return clock


def clock_resume(*, actor, clock: Clock, on: date, audit: bool = True) -> Clock:
    """Restart a suspended clock; due and warning dates move by the working days it stood still.

    The stopped days are ``working_days_between(suspended_on, on)``: the working days
    after the suspension day up to and including the resume day (see module docstring).
    """
    with transaction.atomic():
        _lock(clock)
        if clock.state != Clock.State.SUSPENDED:
            raise Conflict(
                f"时限当前为“{clock.get_state_display()}”,不能恢复计时", code="clock_not_suspended"
            )
        if on < clock.suspended_on:
            raise ValidationFailed("恢复日期不能早于暂停日期", code="clock_date_invalid")
        stopped = working_days_between(clock.suspended_on, on)
        due = add_working_days(clock.due_on, stopped.days)
        warn = add_working_days(clock.warn_on, stopped.days)
        suspended_on = clock.suspended_on
        clock.state = Clock.State.RUNNING
        clock.suspended_on = None
        clock.suspended_days += stopped.days
        clock.due_on = due.due
        clock.warn_on = warn.due
        clock.calendar_complete = (
            clock.calendar_complete and stopped.calendar_complete and due.calendar_complete and warn.calendar_complete
        )
        clock.save(update_fields=["state", "suspended_on", "suspended_days", "due_on", "warn_on", "calendar_complete"])
        _event(clock, actor=actor, kind=ClockEvent.Kind.RESUME, on=on, days=stopped.days)
        _audit(
            clock, actor=actor, kind="resume",
            details={"on": on.isoformat(), "suspended_on": suspended_on.isoformat(), "stopped_days": stopped.days},
            audit=audit,
        )
    return clock


def clock_extend(*, actor, clock: Clock, days: int, reason: str, on: date | None = None, audit: bool = True) -> Clock:
    """Lengthen the limit by ``days`` working days (an approved 延期); running or suspended clocks."""
    _check_days(days, field="days", label="延长天数", allow_zero=False)
    reason = _check_reason(reason, what="延长时限")
    with transaction.atomic():
        _lock(clock)
        if clock.state == Clock.State.STOPPED:
            raise Conflict("时限已停止,不能延长", code="clock_stopped")
        due = add_working_days(clock.due_on, days)
        warn = add_working_days(clock.warn_on, days)
        clock.due_on = due.due
        clock.warn_on = warn.due
        clock.extended_days += days
        clock.calendar_complete = clock.calendar_complete and due.calendar_complete and warn.calendar_complete
        clock.save(update_fields=["due_on", "warn_on", "extended_days", "calendar_complete"])
        event_on = on or clock.due_on
        _event(clock, actor=actor, kind=ClockEvent.Kind.EXTEND, on=event_on, days=days, reason=reason)
        _audit(clock, actor=actor, kind="extend", details={"days": days, "reason": reason}, audit=audit)
    return clock


def clock_stop(*, actor, clock: Clock, on: date, audit: bool = True) -> Clock:
    """Stop the clock for good (the owner concluded); a suspended clock may be stopped too."""
    # No savepoint (a hot path: every case step stops a clock): nothing inside raises
    # except the database itself, and the refusal is raised after the block.
    with transaction.atomic(savepoint=False):
        # One conditional UPDATE is both the lock and the state check: no read needed,
        # and of two concurrent stops exactly one matches.
        stopped = update_rows(
            Clock, where={"id": clock.pk}, where_not={"state": Clock.State.STOPPED},
            values={"state": Clock.State.STOPPED, "stopped_on": on},
        )
        if stopped:
            clock.state = Clock.State.STOPPED
            clock.stopped_on = on
            _event(clock, actor=actor, kind=ClockEvent.Kind.STOP, on=on)
            _audit(clock, actor=actor, kind="stop", details={"on": on.isoformat()}, audit=audit)
    if not stopped:
        raise Conflict("时限已停止", code="clock_stopped")
    return clock


def clock_hand_over(*, actor, clock: Clock, handler_id: int | None, audit: bool = True) -> Clock:
    """Name the person who now answers for the clock (a step transferred to one colleague),
    or nobody (``None``: the post as a whole). The dates do not move, so no ClockEvent."""
    if handler_id == clock.handler_id:
        return clock
    with transaction.atomic(savepoint=False):
        update_rows(Clock, where={"id": clock.pk}, values={"handler_id": handler_id})
        clock.handler_id = handler_id
        _audit(clock, actor=actor, kind="hand_over", details={"handler": handler_id}, audit=audit)
    return clock


def clock_units_move(*, actor, from_unit_id: int, to_unit_id: int, reason: str) -> int:
    """Make ``to_unit_id`` answer for every open clock ``from_unit_id`` answers for (an
    institutional change, ADR 0014). The dates do not move; one audit row for the batch.
    Returns how many clocks moved."""
    reason = _check_reason(reason, what="移交时限")
    with transaction.atomic():
        open_clocks = Clock.objects.filter(unit_id=from_unit_id).exclude(state=Clock.State.STOPPED)
        ids = list(open_clocks.values_list("pk", flat=True))
        if not ids:
            return 0
        Clock.objects.filter(pk__in=ids).update(unit_id=to_unit_id)
        audit_record(
            actor=actor, action="core.clock.units_move", object_type="core.clock", object_id=str(from_unit_id),
            details={"from_unit": from_unit_id, "to_unit": to_unit_id, "clocks": len(ids), "reason": reason},
        )
    return len(ids)


def clock_colour(clock: Clock, today: date) -> str:
    """Return "normal", "yellow", "red", "suspended" or "stopped" for ``today``.

    Yellow from ``warn_on`` (at most ``warn_days`` working days left), red from the day
    after ``due_on`` (overdue). Pure: uses only the stored dates.
    """
    if clock.state == Clock.State.STOPPED:
        return STOPPED
    if clock.state == Clock.State.SUSPENDED:
        return SUSPENDED
    if today > clock.due_on:
        return RED
    if today >= clock.warn_on:
        return YELLOW
    return NORMAL


def clock_remaining_days(clock: Clock, today: date) -> int:
    """Working days left after ``today`` up to the due date (negative when overdue)."""
    return working_days_between(today, clock.due_on).days


@dataclass(frozen=True)
class MovedClock:
    """An open clock whose dates a calendar change moved (reported to the admin)."""

    clock_id: int
    owner_type: str
    owner_id: str
    old_due: date
    new_due: date


def _replay(clock: Clock, events: list[ClockEvent]):
    """Recompute a clock's dates from its own history under the calendar as it is now.

    The history holds every input (start day and limit, suspension and resume days,
    extensions), so replaying it is the same arithmetic the services did, only against
    the new calendar. Returns (due_on, warn_on, suspended_days, calendar_complete) or
    None for a clock without a start event.
    """
    due = warn = suspended_on = None
    suspended_days = 0
    complete = True
    for event in events:
        kind = event.kind
        if kind == ClockEvent.Kind.START:
            d = add_working_days(event.on_date, event.days)
            w = add_working_days(event.on_date, max(event.days - clock.warn_days, 0))
            due, warn, complete = d.due, w.due, d.calendar_complete and w.calendar_complete
        elif due is None:
            continue
        elif kind == ClockEvent.Kind.SUSPEND:
            suspended_on = event.on_date
        elif kind == ClockEvent.Kind.RESUME and suspended_on is not None:
            stopped = working_days_between(suspended_on, event.on_date)
            d, w = add_working_days(due, stopped.days), add_working_days(warn, stopped.days)
            due, warn = d.due, w.due
            suspended_days += stopped.days
            complete = complete and stopped.calendar_complete and d.calendar_complete and w.calendar_complete
            suspended_on = None
        elif kind == ClockEvent.Kind.EXTEND:
            d, w = add_working_days(due, event.days), add_working_days(warn, event.days)
            due, warn = d.due, w.due
            complete = complete and d.calendar_complete and w.calendar_complete
    if due is None:
        return None
    return due, warn, suspended_days, complete


def clock_recompute_for_calendar(*, actor, since: date, reason: str, chunk: int = 1000) -> list[MovedClock]:
    """Replay every open clock that a calendar change from ``since`` on can move.

    Called by the calendar services inside their transaction, after the new days are
    written: an official arrangement replacing a provisional year, an admin's import
    or a one-day correction. Each moved clock gets a ``calendar`` ClockEvent saying why;
    the caller's audit row lists them. Clocks due before ``since`` and not suspended
    cannot move (every date they depend on is earlier), so they are not read.
    """
    moved: list[MovedClock] = []
    candidates = (
        Clock.objects.exclude(state=Clock.State.STOPPED)
        .filter(Q(due_on__gte=since) | Q(warn_on__gte=since) | Q(state=Clock.State.SUSPENDED))
        .order_by("pk")
    )
    last_pk = 0
    while True:
        clocks = list(candidates.filter(pk__gt=last_pk)[:chunk])
        if not clocks:
            break
        last_pk = clocks[-1].pk
        history: dict[int, list[ClockEvent]] = {}
        for event in ClockEvent.objects.filter(clock_id__in=[c.pk for c in clocks]).order_by("clock_id", "id"):
            history.setdefault(event.clock_id, []).append(event)
        for clock in clocks:
            replayed = _replay(clock, history.get(clock.pk, []))
            if replayed is None:
                continue
            due, warn, suspended_days, complete = replayed
            if (due, warn, suspended_days, complete) == (
                clock.due_on, clock.warn_on, clock.suspended_days, clock.calendar_complete
            ):
                continue
            old_due = clock.due_on
            update_rows(Clock, where={"id": clock.pk}, values={
                "due_on": due, "warn_on": warn, "suspended_days": suspended_days, "calendar_complete": complete,
            })
            clock.due_on = due
            if due != old_due:
                _event(clock, actor=actor, kind=ClockEvent.Kind.CALENDAR, on=since,
                       reason=f"{reason}:到期日 {old_due.isoformat()} → {due.isoformat()}"[:300])
                moved.append(MovedClock(clock.pk, clock.owner_type, clock.owner_id, old_due, due))
    return moved
