"""Staff reads of cases: the handling inbox and the case detail (issue 4, 办件办理).

Who sees a case is decided in SQL so the inbox is one query whatever its length:

* the current step's post (``Case.waiting_role``/``waiting_unit``, copied from the frozen
  flowchart when the step starts) is one the user holds for the step's unit — the step's own
  department (a joint review, 联合审查) or else the item's — as ``org.responsibility``
  decides, the same rule ``services._step_post`` applies before an action;
* window clerks sit in the service hall and see every 受理 step, whatever the department
  (the acceptance step belongs to no unit: ``Case.step_unit_id``);
* a step transferred (转办) to a colleague leaves the others' inboxes and enters theirs;
* supervisors (监察人员) see every open case.

The detail page adds the cases the user has acted on (so the clerk who accepted can
still open the case and withdraw the move). Clock colours are computed in SQL from the
stored clock dates against ``today`` (core.clock stores ``warn_on``/``due_on`` for that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case as SqlCase
from django.db.models import CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.expressions import Func
from django.urls import reverse
from django.utils import timezone

from zhengwu.catalog.models import ItemMaterial
from zhengwu.core.clock import clock_colour, clock_remaining_days
from zhengwu.core.errors import NotFound
from zhengwu.core.models import Clock
from zhengwu.core.registries.workbench import Deadline, clock_counts, running_clocks
from zhengwu.core.uploads import file_list
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from .. import engine
from ..models import Case, CaseEvent
from .apply import (
    EVIDENCE_PURPOSE,
    MATERIAL_FAMILY,
    MATERIAL_OBJECT_TYPE,
    event_details,
    material_names,
)

INBOX_PAGE_SIZE = 20
OPEN_STATUSES = (engine.RUNNING, engine.CORRECTION, engine.SUSPENDED)
# The inbox's words for the clock colours: shown as text, never by colour alone.
COLOUR_LABELS = {
    "normal": "正常",
    "yellow": "预警",
    "red": "超期",
    "suspended": "暂停",
    "stopped": "已停止",
}
DECISION_LABELS = {"approved": "准予许可", "rejected": "不予许可", "refused": "不予受理"}
FILTER_COLOURS = ("normal", "yellow", "red", "suspended")
SUSPEND_KINDS = {k: v for k, v in engine.SUSPEND_KINDS.items() if k != "other"}
NOT_FOUND_MESSAGE = "办件不存在或您无权查看"


class StepField(Func):
    """``definition.steps[step_index][key]`` as SQL: the frozen flowchart read per row.

    Django's JSON lookups take constant indexes only, so the dynamic index is spelled
    per database.
    """

    output_field = CharField()

    def __init__(self, steps, index, *, key: str):
        if not key.isidentifier():
            raise ValueError("step key must be an identifier")
        self.key = key
        super().__init__(steps, index)

    def _parts(self, compiler, connection):
        steps_sql, steps_params = compiler.compile(self.source_expressions[0])
        index_sql, index_params = compiler.compile(self.source_expressions[1])
        return steps_sql, index_sql, (*steps_params, *index_params)

    def as_sqlite(self, compiler, connection, **extra):
        steps_sql, index_sql, params = self._parts(compiler, connection)
        return f"json_extract({steps_sql}, '$[' || {index_sql} || '].{self.key}')", params

    def as_postgresql(self, compiler, connection, **extra):
        steps_sql, index_sql, params = self._parts(compiler, connection)
        return f"(({steps_sql}) -> CAST({index_sql} AS integer) ->> '{self.key}')", params

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - other databases
        raise NotImplementedError(f"StepField is not implemented for {connection.vendor}")


def clock_colour_expr(prefix: str, today: date):
    """SQL twin of ``core.clock.clock_colour`` over the clock at ``prefix`` ("step_clock")."""
    return SqlCase(
        When(**{f"{prefix}__isnull": True}, then=Value("stopped")),
        When(**{f"{prefix}__state": Clock.State.STOPPED}, then=Value("stopped")),
        When(**{f"{prefix}__state": Clock.State.SUSPENDED}, then=Value("suspended")),
        When(**{f"{prefix}__due_on__lt": today}, then=Value("red")),
        When(**{f"{prefix}__warn_on__lte": today}, then=Value("yellow")),
        default=Value("normal"),
        output_field=CharField(),
    )


# ------------------------------------------------------------------ who may see what


@dataclass(frozen=True)
class StaffScope:
    """What case visibility needs of a staff member's posts (one query, ``org.responsibility``)."""

    posts: responsibility.Posts

    @property
    def user_id(self) -> int | None:
        return self.posts.user_id

    @property
    def supervisor(self) -> bool:
        return self.posts.holds(Role.SUPERVISOR)

    def qualifies(self, *, role: str, unit_id: int | None) -> bool:
        """Whether the user holds ``role`` for a step of ``unit_id`` (``Case.step_unit_id``)."""
        return self.posts.covers(unit_id, role, unowned=True)


def staff_scope(user) -> StaffScope:
    return StaffScope(posts=responsibility.posts_for(user))


def _post_q(scope: StaffScope) -> Q:
    """Cases whose current step is one of the user's posts (the ``Case.waiting_*`` columns)."""
    return scope.posts.post_q(unit_field="waiting_unit", role_field="waiting_role", unowned=True)


def _inbox_q(scope: StaffScope) -> Q:
    if scope.supervisor:
        return Q()
    if scope.user_id is None:
        return Q(pk__in=[])
    mine = Q(waiting_handler_id=scope.user_id)
    return (_post_q(scope) & (Q(waiting_handler__isnull=True) | mine)) | mine


def _visible_q(scope: StaffScope) -> Q:
    if scope.supervisor:
        return Q()
    if scope.user_id is None:
        return Q(pk__in=[])
    acted = Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), actor_id=scope.user_id))
    return _post_q(scope) | Q(waiting_handler_id=scope.user_id) | acted


# ------------------------------------------------------------------ the inbox


@dataclass(frozen=True)
class InboxFilters:
    status: str | None = None
    item: str | None = None  # item code, or part of its name
    colour: str | None = None
    receipt: str | None = None  # part of a receipt number
    date_from: date | None = None  # submitted on or after
    date_to: date | None = None  # submitted on or before
    after: tuple[date, int] | None = None  # the key of the last row of the previous page


@dataclass
class InboxPage:
    rows: list[Case]
    next_after: str | None
    today: date


_CLOCK_COLUMNS = ("due_on", "warn_on", "state")
INBOX_COLUMNS = (
    "receipt_no", "status", "step_index", "version", "submitted_at", "item__code", "item__name",
    "item__department__name", "applicant__username", "applicant__real_name", "definition__steps",
    *(f"{clock}__{column}" for clock in ("clock", "step_clock") for column in _CLOCK_COLUMNS),
)


def inbox_cursor(row: Case) -> str:
    return f"{row.step_clock.due_on.isoformat()}_{row.pk}" if row.step_clock else f"9999-12-31_{row.pk}"


def inbox_cursor_parse(raw: str) -> tuple[date, int]:
    """Parse a page key made by ``inbox_cursor``; ValueError if it is not one."""
    day, _, pk = raw.partition("_")
    if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
        raise ValueError(raw)
    return date.fromisoformat(day), int(pk)


def case_inbox_list(*, user, filters: InboxFilters, today: date | None = None, limit: int = INBOX_PAGE_SIZE) -> InboxPage:
    """The cases waiting at one of the user's posts, most urgent step first, paged by key.

    Three queries whatever the page holds: the user's posts (once per request), the
    page's keys, then the page's rows.
    """
    today = today or timezone.localdate()
    scope = staff_scope(user)
    qs = Case.objects.filter(_inbox_q(scope))
    qs = qs.filter(status=filters.status) if filters.status else qs.filter(status__in=OPEN_STATUSES)
    if filters.item:
        qs = qs.filter(Q(item__code=filters.item) | Q(item__name__contains=filters.item))
    if filters.colour:
        qs = qs.annotate(step_colour=clock_colour_expr("step_clock", today)).filter(step_colour=filters.colour)
    if filters.receipt:
        qs = qs.filter(receipt_no__contains=filters.receipt.strip().upper())
    if filters.date_from:
        qs = qs.filter(submitted_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(submitted_at__date__lte=filters.date_to)
    if filters.after:
        due, pk = filters.after
        qs = qs.filter(Q(step_clock__due_on__gt=due) | Q(step_clock__due_on=due, pk__gt=pk))
    # The page's keys first, then its rows: sorting narrow (pk) rows instead of every
    # visible case with its flowchart JSON, applicant and clocks attached (with 10,000
    # open cases the wide sort was most of the page's time; ADR 0013).
    keys = list(
        qs.order_by(F("step_clock__due_on").asc(nulls_last=True), "pk").values_list("pk", flat=True)[: limit + 1]
    )
    # Only the columns the page and the API show: not the case's encrypted form data nor
    # the applicant's encrypted numbers, which would be decrypted row by row for nothing.
    loaded = (
        Case.objects.select_related("item", "item__department", "applicant", "definition", "clock", "step_clock")
        .only(*INBOX_COLUMNS).order_by().in_bulk(keys)
    )
    rows = [loaded[pk] for pk in keys if pk in loaded]
    has_more = len(rows) > limit
    rows = rows[:limit]
    for row in rows:
        _decorate(row, today)
    return InboxPage(rows=rows, next_after=inbox_cursor(rows[-1]) if has_more and rows else None, today=today)


def _decorate(case: Case, today: date) -> None:
    """Attach the clock colours and display labels (no queries: everything is loaded)."""
    case.step_colour = clock_colour(case.step_clock, today) if case.step_clock else "stopped"
    case.case_colour = clock_colour(case.clock, today) if case.clock else "stopped"
    case.step_name = case.definition.steps[case.step_index]["name"]
    case.step_colour_label = COLOUR_LABELS[case.step_colour]
    case.case_colour_label = COLOUR_LABELS[case.case_colour]


# ------------------------------------------------------------------ the detail


@dataclass(frozen=True)
class ClockView:
    label: str
    due_on: date
    warn_on: date
    colour: str
    colour_label: str
    remaining_days: int | None
    state_label: str
    suspended_days: int
    extended_days: int
    calendar_complete: bool

    @property
    def overdue_days(self) -> int:
        return -self.remaining_days if self.remaining_days is not None and self.remaining_days < 0 else 0


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    action: str
    action_label: str
    step_name: str
    actor_name: str
    post_label: str
    reason: str
    details: list[str]
    at: object


@dataclass
class StaffCaseDetail:
    case: Case
    scope: StaffScope
    step: dict
    applicant_name: str
    applicant_id_masked: str
    applicant_phone_masked: str
    clocks: list[ClockView]
    timeline: list[TimelineEntry]
    materials: list
    evidence: list
    item_materials: list[str]
    actions: list[str]
    transfer_targets: list[tuple[int, str]]
    today: date

    @property
    def action_labels(self) -> dict[str, str]:
        return {a: engine.ACTION_LABELS[a] for a in self.actions}

    @property
    def step_role_label(self) -> str:
        return _post_label(self.step.get("role", ""))

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS.get((self.case.flags or {}).get("decision"), "")


def case_get_for_staff(*, user, receipt_no: str, today: date | None = None) -> Case:
    """The case if ``user`` may see it, else NotFound (the same for unknown numbers)."""
    today = today or timezone.localdate()
    scope = staff_scope(user)
    case = (
        Case.objects
        .filter(_visible_q(scope), receipt_no=(receipt_no or "").strip().upper())
        .select_related("item", "item__department", "applicant", "definition", "clock", "step_clock", "agent_unit")
        .first()
    )
    if case is None:
        raise NotFound(NOT_FOUND_MESSAGE, code="case_not_found")
    case.staff_scope = scope
    _decorate(case, today)
    return case


def case_superseded_for_staff(*, user, receipt_no: str, version: int) -> bool:
    """Whether the user saw the case at ``version`` and someone has acted since.

    A colleague's action can move the case out of the user's sight (the step passed on);
    their late form then deserves the 409 "someone else handled it", not a 404. The
    event that ended ``version`` records the state it left, so the rule is the inbox's,
    applied to that step. Outsiders still get False, and with it the 404.
    """
    scope = staff_scope(user)
    event = (
        CaseEvent.objects.filter(case__receipt_no=(receipt_no or "").strip().upper(), seq=version + 1)
        .select_related("case__definition", "case__item")
        .first()
    )
    if event is None or scope.user_id is None:
        return False
    try:
        _, step_index = event.payload["from"]
        role = event.case.definition.steps[step_index]["role"]
    except (KeyError, IndexError, TypeError, ValueError):
        return False
    steps = event.case.definition.steps
    return scope.supervisor or scope.qualifies(role=role, unit_id=event.case.step_unit_id(steps, step_index))


def _post_label(value: str) -> str:
    if value == engine.APPLICANT:
        return "申请人"
    if not value:
        return ""
    try:
        return Role(value).label
    except ValueError:
        return value


def _clock_view(label: str, clock: Clock | None, today: date) -> ClockView | None:
    if clock is None:
        return None
    colour = clock_colour(clock, today)
    remaining = clock_remaining_days(clock, today) if clock.state == Clock.State.RUNNING else None
    return ClockView(
        label=label, due_on=clock.due_on, warn_on=clock.warn_on, colour=colour,
        colour_label=COLOUR_LABELS[colour], remaining_days=remaining, state_label=clock.get_state_display(),
        suspended_days=clock.suspended_days, extended_days=clock.extended_days,
        calendar_complete=clock.calendar_complete,
    )


# Placeholder inputs for the dry run that decides which forms to show: the real values
# come with the POST and the engine checks them again then.
_DRY_RUN_PAYLOADS = {
    "request_correction": {"missing": ["-"]},
    "suspend": {"kind": "hearing"},
    "extend": {"days": 1},
    "transfer": {"to_user_id": 0},
}


def case_actions_available(*, case: Case, scope: StaffScope) -> list[str]:
    """Actions the engine would let this user take now (a dry run of ``engine.transition``)."""
    if scope.user_id is None or case.status in engine.TERMINAL:
        return []
    steps = case.definition.steps
    state = case.state
    step = steps[case.step_index]
    holds = scope.qualifies(role=step["role"], unit_id=case.step_unit_id(steps, case.step_index))
    assignee = (case.flags or {}).get("assignee_id")
    out = []
    for action in [*step.get("outcomes", []), "resume", "withdraw"]:
        if action in engine.STEP_ACTIONS and assignee is not None and assignee != scope.user_id:
            continue
        needed = engine.required_role(case.definition.typed_steps, state, action)
        if needed is not None and not holds:
            continue
        try:
            engine.transition(
                case.definition.typed_steps, state, action, actor_role=needed, actor_id=scope.user_id,
                reason="-", payload=_DRY_RUN_PAYLOADS.get(action),
            )
        except engine.TransitionRefused:
            continue
        out.append(action)
    return out


def transfer_targets(*, case: Case, exclude_user_id: int | None) -> list[tuple[int, str]]:
    """Colleagues who hold the current step's post for the step's unit (``Case.step_unit_id``)."""
    steps = case.definition.steps
    qs = responsibility.post_holders(unit_id=case.step_unit_id(steps, case.step_index), roles=steps[case.step_index]["role"])
    if exclude_user_id is not None:
        qs = qs.exclude(user_id=exclude_user_id)
    seen: dict[int, str] = {}
    for user_id, real_name, username, unit_name in qs.order_by("user__real_name", "user_id").values_list(
        "user_id", "user__real_name", "user__username", "unit__name"
    ):
        seen.setdefault(user_id, f"{real_name or username}({unit_name})")
    return list(seen.items())


@dataclass(frozen=True)
class MaterialView:
    file_id: str
    material_name: str
    file_name: str
    size: int
    uploaded_at: object


def _materials(case: Case) -> tuple[list[MaterialView], list[MaterialView]]:
    """(application and correction materials, suspension evidence); the sealed result is not a material."""
    # The application and each correction recorded which catalog material a file answers.
    names = material_names(case)
    materials: list[MaterialView] = []
    evidence: list[MaterialView] = []
    for f in file_list(object_type=MATERIAL_OBJECT_TYPE, object_id=case.pk):
        if f.purpose == EVIDENCE_PURPOSE:
            evidence.append(MaterialView(
                file_id=str(f.pk), material_name="特别程序证明材料", file_name=f.original_name,
                size=f.size, uploaded_at=f.created_at,
            ))
        elif f.purpose == MATERIAL_FAMILY or f.purpose.startswith(MATERIAL_FAMILY + ":"):
            materials.append(MaterialView(
                file_id=str(f.pk), material_name=names.get(str(f.pk)) or "其他材料", file_name=f.original_name,
                size=f.size, uploaded_at=f.created_at,
            ))
    return materials, evidence


def case_detail_for_staff(*, user, receipt_no: str, today: date | None = None) -> StaffCaseDetail:
    """Everything the handling page shows; NotFound when the user may not see the case."""
    today = today or timezone.localdate()
    case = case_get_for_staff(user=user, receipt_no=receipt_no, today=today)
    scope = case.staff_scope
    steps = case.definition.steps
    names = {s["key"]: s["name"] for s in steps}
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")
    timeline = [
        TimelineEntry(
            seq=e.seq, action=e.action, action_label=e.action_label, step_name=names.get(e.step_key, e.step_key),
            actor_name=(e.actor.real_name or e.actor.username) if e.actor else "系统",
            post_label=_post_label(e.actor_role), reason=e.reason, details=event_details(e), at=e.created_at,
        )
        for e in events
    ]
    actions = case_actions_available(case=case, scope=scope)
    materials, evidence = _materials(case)
    applicant = case.applicant
    return StaffCaseDetail(
        case=case,
        scope=scope,
        step=steps[case.step_index],
        applicant_name=applicant.real_name or applicant.username,
        applicant_id_masked=applicant.id_number_masked or (applicant.credit_code or ""),
        applicant_phone_masked=applicant.phone_masked,
        clocks=[c for c in (_clock_view("办件时限", case.clock, today), _clock_view("本环节时限", case.step_clock, today)) if c],
        timeline=timeline,
        materials=materials,
        evidence=evidence,
        item_materials=list(ItemMaterial.objects.filter(item_id=case.item_id).order_by("seq").values_list("name", flat=True)),
        actions=actions,
        transfer_targets=transfer_targets(case=case, exclude_user_id=scope.user_id) if "transfer" in actions else [],
        today=today,
    )


def case_staff_can_see(*, user, case_id) -> bool:
    """Whether ``user`` may see the case: for download rules of case materials."""
    scope = staff_scope(user)
    return Case.objects.filter(_visible_q(scope), pk=case_id).exists()


# ------------------------------------------------------------------ the workbench


def case_workbench_counts(user, posts, today: date):
    """待办/预警/逾期 of the inbox for the staff workbench: one aggregate query.

    The same filter as ``case_inbox_list`` (the user's posts, ``org.responsibility``),
    counted by the current step's clock (``core.registries.workbench.clock_counts``).
    """
    scope = StaffScope(posts=posts)
    return clock_counts(Case.objects.filter(_inbox_q(scope), status__in=OPEN_STATUSES), "step_clock", today)


def case_workbench_deadlines(user, posts, today: date, *, limit: int = 10):
    """The inbox's cases whose current step falls due today (the workbench's 今日到期)."""
    scope = StaffScope(posts=posts)
    rows = (
        Case.objects.filter(_inbox_q(scope), status__in=OPEN_STATUSES,
                            step_clock__in=running_clocks("due_on = %s", today))
        .order_by("pk").values_list("receipt_no", "item__name")[:limit]
    )
    return [
        Deadline("cases", f"{receipt_no} {item_name}", reverse("cases_staff:case", args=[receipt_no]), today)
        for receipt_no, item_name in rows
    ]
