"""Every write of electronic supervision: the sweep (alerts, faults) and 督办 orders.

The sweep classifies every running clock from its stored ``warn_on``/``due_on`` in SQL
and inserts only alerts and faults that do not exist yet (INSERT … SELECT with unique
constraints and ON CONFLICT DO NOTHING, or NOT EXISTS), so it costs the same whether it
runs every quarter hour or after a week's outage, and never loads a case into Python.
Why it reads only clocks and writes few indexes: docs/adr/0003-sweep-write-path.md.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat, Length, Trim, TruncDate
from django.utils import timezone

from zhengwu.cases.models import Case, CaseEvent, ProcessDefinition
from zhengwu.cases.owners import CASE, STEP
from zhengwu.catalog.models import ItemMaterial
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import Clock, ClockEvent, StoredFile
from zhengwu.core.owners import KEY_SEPARATOR
from zhengwu.core.sanitise import strip_unsafe_chars
from zhengwu.core.workdays import add_working_days
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from .models import Alert, Fault, SupervisionOrder, SweepRun
from .statistics import department_figures_refresh
from .sql import insert_from

# A return's reason must say something: at least this many characters, and not one of
# the empty formulas staff type to get past the required field.
RETURN_REASON_MIN_CHARS = 5
RETURN_REASON_BLOCKLIST = ("无", "退回", "不符合", "不通过", "重新办理", "见附件", "同上", "略", "无理由", "其他")
REPEATED_RETURNS = 2
# A case's uploaded material for ItemMaterial ``seq`` is the StoredFile owned by
# CASE.ref(case.pk) with purpose f"case_material:{seq}".
CASE_FILE_OBJECT_TYPE = CASE.name
MATERIAL_PURPOSE_PREFIX = "case_material:"
CASE_CLOCK, STEP_CLOCK = CASE.name, STEP.name
ORDER_MAX_DAYS = 30
SQLITE_CACHE_KIB = 256 * 1024
# PostgreSQL advisory lock taken by a sweep for its transaction (any constant unique in
# the project): "zhengwu sweep" in ASCII, folded into a bigint.
SWEEP_LOCK_KEY = int.from_bytes(b"zwsweep", "big")
ORDER_TEXT_MAX = 2000


@dataclass(frozen=True)
class SweepResult:
    today: str
    running: int
    normal: int
    yellow: int
    red: int
    new_yellow: int
    new_red: int
    new_faults: int
    # Seconds per phase (counts, alerts, faults): shown to operators, kept in SweepRun.
    seconds: dict | None = None


def _alerts_insert(*, today: date, now, since: SweepRun | None) -> int:
    """INSERT … SELECT the alerts not raised yet, looking only where colours can have changed.

    Without a previous sweep (or when asked to, or when ``today`` goes back) every
    running clock is a candidate; otherwise only clocks whose warning or due date was
    crossed since the last sweep day, clocks created since, and clocks resumed or
    extended since (their dates moved). The unique (clock, level) constraint with
    ON CONFLICT DO NOTHING keeps anything from being raised twice whatever the window;
    a NOT EXISTS test instead made SQLite copy the whole SELECT into a temporary table
    first (the source read the insert's own target) and took three times as long.

    Alerts get their department, post and named handler in the same statement, from the
    clock (see ``_alert_insert_sql``): every owner names them when it starts or hands
    over its clock. Returns the number of alerts raised.
    """
    ops = connection.ops
    day = ops.adapt_datefield_value  # raw SQL: dates and times stored as the ORM stores them
    # (condition, params, read through the covering "running" index): without it SQLite,
    # lacking statistics, reads the whole clock table in id order to spare the sort.
    windows = [("", [], True)]
    if since is not None:
        moved = ClockEvent.objects.filter(
            pk__gt=since.max_clock_event_id, kind__in=[ClockEvent.Kind.RESUME, ClockEvent.Kind.EXTEND],
        ).values("clock_id")
        moved_sql, moved_params = moved.query.sql_with_params()
        # One statement per window, not one over the union of their clock ids: the union
        # saved SQLite little (about 0.15 s at a million clocks), while PostgreSQL, which
        # reads each window with a bitmap scan, misjudged its size and took twice as long.
        windows = [
            ("AND k.warn_on > %s", [day(since.today)], True),
            ("AND k.due_on >= %s AND k.due_on < %s", [day(since.today), day(today)], False),
            ("AND k.id > %s", [since.max_clock_id], False),
            (f"AND k.id IN ({moved_sql})", list(moved_params), False),
        ]
    sql = _alert_insert_sql()
    written = 0
    with connection.cursor() as cursor:
        for condition, params, covering in windows:
            hint = "INDEXED BY core_clock_running_warn" if covering and connection.vendor == "sqlite" else ""
            cursor.execute(
                sql.format(window=condition, hint=hint),
                [day(today), day(today), ops.adapt_datetimefield_value(now), day(today), *params],
            )
            written += cursor.rowcount
    return written


def _step_json(key: str) -> str:
    """SQL reading ``key`` of the case's current step from its frozen flowchart (``d``, ``c``)."""
    if connection.vendor == "postgresql":
        return f"(d.steps -> CAST(c.step_index AS integer) ->> '{key}')"
    return f"json_extract(d.steps, '$[' || c.step_index || '].{key}')"


def _case_of_step_clock(owner_id: str) -> str:
    """SQL for the case id in a step clock's owner id (``STEP``'s key, "<case>/<step>")."""
    return STEP.sql_part(owner_id, 0)


def _alert_insert_sql() -> str:
    """The alert INSERT … SELECT; ``{window}`` narrows the candidates, ``{hint}`` names an index.

    Department, post and named handler come from the clock itself: its owner named them
    when it started the clock (a step clock: the step's department, post and, after a
    transfer, the colleague). Only the whole-case clock, whose post is that of whichever
    step the case is at, reads its case (by primary key, from the owner id) and the
    step's post in the frozen flowchart, in subqueries evaluated for those rows alone.
    At a million open steps, reading the case and the flowchart JSON for every alert
    was half the sweep.
    """
    qn = connection.ops.quote_name
    alert, clock = qn(Alert._meta.db_table), qn(Clock._meta.db_table)
    case, definition = qn(Case._meta.db_table), qn(ProcessDefinition._meta.db_table)
    if connection.vendor == "postgresql":
        handler = "CAST(c.flags ->> 'assignee_id' AS bigint)"
    else:
        handler = "CAST(json_extract(c.flags, '$.assignee_id') AS INTEGER)"
    case_id = CASE.sql_part("k.owner_id", 0)
    columns = ", ".join(qn(Alert._meta.get_field(name).column) for name in (
        "clock", "owner_type", "owner_id", "level", "raised_on", "due_on", "created_at", "unit", "role", "handler"))
    of_case = f"FROM {case} c WHERE c.id = {case_id} AND c.clock_id = k.id"
    whole_case = f"k.owner_type = '{CASE_CLOCK}'"
    # In clock-id order the unique (clock, level) index is written sequentially. The
    # SELECT ends in ORDER BY, so SQLite cannot read ON CONFLICT's ON as a join constraint.
    return (
        f"INSERT INTO {alert} ({columns}) "  # noqa: S608 - table and column names from the models
        f"SELECT k.id, k.owner_type, k.owner_id, CASE WHEN k.due_on < %s THEN '{Alert.Level.RED}' "
        f"ELSE '{Alert.Level.YELLOW}' END, %s, k.due_on, %s, k.unit_id, "
        f"CASE WHEN {whole_case} THEN COALESCE((SELECT {_step_json('role')} {of_case.replace('WHERE', f'JOIN {definition} d ON d.id = c.definition_id WHERE')}), '') "
        f"ELSE k.role END, "
        f"CASE WHEN {whole_case} THEN (SELECT {handler} {of_case}) ELSE k.handler_id END "
        f"FROM {clock} k {{hint}} "
        f"WHERE k.state = '{Clock.State.RUNNING}' AND k.warn_on <= %s {{window}} ORDER BY k.id ON CONFLICT DO NOTHING"
    )


def _overdue_faults_insert(*, after_id: int, now) -> int:
    """Record an overdue-step fault for each red alert just raised on a case's current step.

    A step clock gets its red alert exactly once, in the sweep that first finds it past
    its due date, so the alerts above ``after_id`` are exactly the steps that became
    overdue since the last sweep (all of them after a first or full sweep, where
    ``after_id`` is 0 or below every red alert). The alert already names department,
    post and handler; the case is found by primary key and must still be running at that
    step. Reading a million running cases instead took most of a next-day sweep.
    """
    qn = connection.ops.quote_name
    fault, alert = qn(Fault._meta.db_table), qn(Alert._meta.db_table)
    case, definition = qn(Case._meta.db_table), qn(ProcessDefinition._meta.db_table)
    columns = ", ".join(qn(Fault._meta.get_field(name).column) for name in _fault_columns())
    # Every flowchart's step keys, unpacked once (a few thousand rows), instead of parsing
    # the case's flowchart JSON again for each overdue step.
    if connection.vendor == "postgresql":
        step_keys = ("SELECT d.id AS definition_id, CAST(j.ord - 1 AS integer) AS step_index, "
                     f"j.value ->> 'key' AS step_key FROM {definition} d, "
                     "jsonb_array_elements(d.steps) WITH ORDINALITY AS j(value, ord)")
    else:
        step_keys = ("SELECT d.id AS definition_id, CAST(j.key AS INTEGER) AS step_index, "
                     f"json_extract(j.value, '$.key') AS step_key FROM {definition} d, json_each(d.steps) j")
    # A subquery, not a leading WITH: Python's sqlite3 reports no rowcount for a statement
    # that does not start with INSERT.
    sql = (
        f"INSERT INTO {fault} ({columns}) "  # noqa: S608 - table and column names from the models
        f"SELECT c.id, %s, COALESCE(s.step_key, ''), a.role, a.handler_id, a.unit_id, a.clock_id, NULL, %s, %s "
        f"FROM {alert} a "
        f"JOIN {case} c ON c.id = {_case_of_step_clock('a.owner_id')} AND c.step_clock_id = a.clock_id "
        f"LEFT JOIN ({step_keys}) s "
        f"ON s.definition_id = c.definition_id AND s.step_index = c.step_index "
        f"WHERE a.id > %s AND a.level = %s AND a.owner_type = %s AND c.status = %s "
        f"ORDER BY a.id ON CONFLICT DO NOTHING"
    )
    details = Fault._meta.get_field("details").get_db_prep_value({}, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [
            Fault.Rule.OVERDUE_STEP, connection.ops.adapt_datetimefield_value(now), details, after_id,
            Alert.Level.RED, STEP_CLOCK, Case.Status.RUNNING,
        ])
        return cursor.rowcount


def _fault_columns():
    return ["case", "rule", "step_key", "post", "person", "unit", "clock", "event", "detected_at", "details"]


def _fault_values(qs, *, rule: str, now, case, step_key, post, person, unit, clock, event):
    return qs.annotate(
        f_case=case,
        f_rule=Value(rule, output_field=CharField()),
        f_step=step_key, f_post=post, f_person=person, f_unit=unit, f_clock=clock, f_event=event,
        f_at=Value(now, output_field=DateTimeField()),
        f_details=Value({}, output_field=JSONField()),
    ).order_by().values_list("f_case", "f_rule", "f_step", "f_post", "f_person", "f_unit", "f_clock", "f_event", "f_at", "f_details")


def _faults_detect(*, today: date, now, after_alert_id: int, after_event_id: int = 0) -> int:
    """Write the faults not recorded yet. The overdue-step rule reads the alerts above
    ``after_alert_id`` (those this sweep raised), the event rules only case events above
    ``after_event_id`` (the previous sweep judged the rest): a sweep costs what happened
    since the last one, not the whole history."""
    written = 0
    null_int = Value(None, output_field=IntegerField())
    # 1. Overdue step: from the red alerts this sweep raised (see _overdue_faults_insert).
    written += _overdue_faults_insert(after_id=after_alert_id, now=now)

    def from_events(qs, rule):
        fresh = qs.filter(~Exists(Fault.objects.filter(rule=rule, event_id=OuterRef("pk"))))
        return insert_from(Fault, _fault_columns(), _fault_values(
            fresh, rule=rule, now=now, case=F("case_id"), step_key=F("step_key"), post=F("actor_role"), person=F("actor_id"),
            unit=F("case__item__department_id"), clock=null_int, event=F("pk"),
        ))

    # 2. Return without a valid reason.
    events = CaseEvent.objects.filter(pk__gt=after_event_id)
    returns = events.filter(action="return")
    weak = returns.annotate(r=Trim("reason"), rlen=Length(Trim("reason"))).filter(
        Q(r__in=RETURN_REASON_BLOCKLIST) | Q(rlen__lt=RETURN_REASON_MIN_CHARS)
    )
    written += from_events(weak, Fault.Rule.RETURN_WITHOUT_REASON)

    # 3. Repeated returns: the return that makes the count reach REPEATED_RETURNS, once per case.
    earlier = (
        CaseEvent.objects.filter(case_id=OuterRef("case_id"), action="return", seq__lt=OuterRef("seq"))
        .order_by().values("case_id").annotate(n=Count("pk")).values("n")
    )
    repeated = returns.annotate(earlier=Subquery(earlier, output_field=IntegerField())).filter(
        earlier=REPEATED_RETURNS - 1
    ).filter(~Exists(Fault.objects.filter(rule=Fault.Rule.REPEATED_RETURNS, case_id=OuterRef("case_id"))))
    written += from_events(repeated, Fault.Rule.REPEATED_RETURNS)

    # 4. Acceptance after the acceptance step's clock had run out. The step clock that was
    #    running when the case was accepted is the last one started for that step before.
    accepts = events.filter(action="accept").annotate(
        step_owner=Concat(Cast("case_id", CharField()), Value(KEY_SEPARATOR), KT("payload__from__1"), output_field=CharField()),
    )
    step_due = Clock.objects.filter(
        owner_type=STEP_CLOCK, owner_id=OuterRef("step_owner"), created_at__lte=OuterRef("created_at"),
    ).order_by("-id").values("due_on")[:1]
    late = accepts.annotate(
        step_due=Subquery(step_due, output_field=DateField()),
        on=TruncDate("created_at", tzinfo=timezone.get_default_timezone()),
    ).filter(on__gt=F("step_due"))
    written += from_events(late, Fault.Rule.LATE_ACCEPTANCE)

    # 5. Concluded although a required material has no stored file on the case.
    provided = StoredFile.objects.filter(
        object_type=CASE_FILE_OBJECT_TYPE, object_id=OuterRef(OuterRef("case_key")), is_deleted=False,
        purpose=Concat(Value(MATERIAL_PURPOSE_PREFIX), Cast(OuterRef("seq"), CharField()), output_field=CharField()),
    )
    missing = ItemMaterial.objects.filter(item_id=OuterRef("case__item_id"), required=True).filter(~Exists(provided))
    concluded = events.filter(action="conclude").annotate(
        case_key=Cast("case_id", CharField())
    ).filter(Exists(missing))
    written += from_events(concluded, Fault.Rule.MISSING_MATERIALS)
    return written


def _running_counts(today: date) -> dict:
    # Three index-only counts on the clocks' partial "running" indexes instead of one pass
    # over the table: red clocks have warn_on <= due_on < today, so yellow = (warn_on <=
    # today) - red. The state is a literal: SQLite uses a partial index only when the
    # query's WHERE names its condition, which a bound parameter does not.
    table = connection.ops.quote_name(Clock._meta.db_table)
    running = f"SELECT COUNT(*) FROM {table} WHERE state = '{Clock.State.RUNNING}'"  # noqa: S608 - model names
    day = connection.ops.adapt_datefield_value(today)
    with connection.cursor() as cursor:
        counts = []
        for condition, params in (("", []), (" AND due_on < %s", [day]), (" AND warn_on <= %s", [day])):
            cursor.execute(running + condition, params)
            counts.append(cursor.fetchone()[0])
    total, red, warned = counts
    return {"running": total, "red": red, "yellow": warned - red}


def _max_id(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def supervision_sweep(*, today: date | None = None, actor=None, full: bool = False) -> SweepResult:
    """Classify every running clock for ``today``; raise new yellow/red alerts and new faults.

    Idempotent: a second sweep on the same day writes nothing. ``full`` re-examines every
    running clock instead of only those that can have changed colour since the last sweep.
    Returns the counts.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    if connection.vendor == "sqlite":
        # The sweep walks indexes of a million rows in clock-date order and writes the
        # alert index in clock-id order; SQLite's default 2 MB page cache thrashes on that.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    seconds = {}
    tick = time.perf_counter()

    def lap(name):
        nonlocal tick
        now_t = time.perf_counter()
        seconds[name] = round(now_t - tick, 3)
        tick = now_t

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One sweep at a time: the periodic task and an operator's `supervision_sweep`
            # may meet, and a second sweep's NOT EXISTS on the event faults cannot see the
            # first's uncommitted rows (it would then fail on their unique index). On SQLite
            # the transaction's IMMEDIATE write lock already runs them one after the other.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        last = SweepRun.objects.order_by("-pk").first()
        since = None if full or last is None or last.today > today else last
        high_clock, high_event, high_case_event = _max_id(Clock), _max_id(ClockEvent), _max_id(CaseEvent)
        counts = _running_counts(today)
        lap("counts")
        after_id = _max_id(Alert)
        raised = _alerts_insert(today=today, now=now, since=since)
        lap("alerts")
        new = {"yellow": 0, "red": 0}
        if raised:
            fresh = Alert.objects.filter(pk__gt=after_id).order_by()
            new = fresh.aggregate(
                yellow=Count("pk", filter=Q(level=Alert.Level.YELLOW)), red=Count("pk", filter=Q(level=Alert.Level.RED)),
            )
        faults = _faults_detect(
            today=today, now=now, after_alert_id=0 if full else after_id,
            after_event_id=0 if since is None else since.max_case_event_id,
        )
        lap("faults")
        # The dashboard's per-department figures (ADR 0005): only what is new since the
        # last sweep, unless that one left them incomplete.
        department_figures_refresh(
            today=today, rebuild=since is None or not since.figures_complete, after_alert_id=after_id,
            clock_events=(since.max_clock_event_id if since else 0, high_event),
        )
        lap("statistics")
        result = SweepResult(
            today=today.isoformat(), running=counts["running"], normal=counts["running"] - counts["red"] - counts["yellow"],
            yellow=counts["yellow"], red=counts["red"], new_yellow=new["yellow"], new_red=new["red"],
            new_faults=faults, seconds=seconds,
        )
        SweepRun.objects.create(
            today=max(today, last.today) if last and not full and last.today > today else today,
            max_clock_id=high_clock, max_clock_event_id=high_event, max_case_event_id=high_case_event,
            figures_complete=True,
            ran_at=now, details=asdict(result),
        )
        audit_record(actor=actor, action="supervision.sweep", object_type="supervision.sweep", object_id=today.isoformat(),
                     details=asdict(result))
    return result


# --- 督办 -------------------------------------------------------------------------


def _is_supervisor(user) -> bool:
    return responsibility.posts_for(user).holds(Role.SUPERVISOR)


def _in_department(user, case: Case) -> bool:
    return responsibility.acts_for(user, unit_id=case.item.department_id)


def supervision_order_issue(*, actor, case: Case, text: str, days: int) -> SupervisionOrder:
    """Issue a 督办 on ``case``: the department must respond within ``days`` working days."""
    if not _is_supervisor(actor):
        raise PermissionDenied("只有监察人员可以督办", code="not_supervisor")
    text = strip_unsafe_chars(text).strip()
    if not text:
        raise ValidationFailed("请填写督办内容", code="order_text_required", details={"field": "text"})
    if len(text) > ORDER_TEXT_MAX:
        raise ValidationFailed(f"督办内容不能超过{ORDER_TEXT_MAX}字", code="order_text_too_long", details={"field": "text"})
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= ORDER_MAX_DAYS:
        raise ValidationFailed(f"反馈期限应为1至{ORDER_MAX_DAYS}个工作日", code="order_days_invalid", details={"field": "days"})
    now = timezone.now()
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            case=case, issued_by=actor, text=text, issued_at=now,
            due_on=add_working_days(timezone.localdate(now), days).due,
        )
        audit_record(actor=actor, action="supervision.order.issue", obj=order, details={
            "receipt_no": case.receipt_no, "due_on": order.due_on.isoformat(), "days": days,
        })
    return order


def supervision_order_respond(*, actor, order: SupervisionOrder, text: str) -> SupervisionOrder:
    """Record the department's response to a 督办; only staff of the case's department may."""
    case = order.case
    if not _in_department(actor, case):
        raise PermissionDenied("只有该办件实施部门的工作人员可以反馈督办", code="not_department_staff")
    text = strip_unsafe_chars(text).strip()
    if not text:
        raise ValidationFailed("请填写反馈内容", code="response_required", details={"field": "text"})
    if len(text) > ORDER_TEXT_MAX:
        raise ValidationFailed(f"反馈内容不能超过{ORDER_TEXT_MAX}字", code="response_too_long", details={"field": "text"})
    now = timezone.now()
    with transaction.atomic():
        updated = SupervisionOrder.objects.filter(pk=order.pk, status=SupervisionOrder.Status.OPEN).update(
            status=SupervisionOrder.Status.RESPONDED, response=text, responded_by=actor, responded_at=now,
        )
        if updated != 1:
            raise Conflict("该督办已反馈", code="order_already_responded")
        order.refresh_from_db()
        audit_record(actor=actor, action="supervision.order.respond", obj=order, details={
            "receipt_no": case.receipt_no, "late": timezone.localdate(now) > order.due_on,
        })
    return order
