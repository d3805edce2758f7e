"""Every write to process definitions and cases."""

from __future__ import annotations

import re

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from zhengwu.core.audit import audit_append, audit_append_prepared, audit_prepare, audit_record
from zhengwu.core.clock import (
    clock_extend,
    clock_hand_over,
    clock_plan,
    clock_resume,
    clock_start,
    clock_start_planned,
    clock_stop,
    clock_suspend,
)
from zhengwu.core.fastsql import Add, insert_prepare, insert_prepared, insert_row, update_rows
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import Clock
from zhengwu.org import responsibility
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .. import engine, hooks, owners
from ..models import Case, CaseEvent, ProcessDefinition, ReceiptCounter

# 行政许可法 art. 42: 20 working days when an item publishes no limit of its own.
DEFAULT_LIMIT_DAYS = 20
# 行政许可法 art. 32: accept or refuse within 5 days.
MAX_ACCEPT_DAYS = 5
# The case clock turns yellow this many working days before the whole limit runs out.
CASE_WARN_DAYS = 3
RECEIPT_PREFIX = "ZW"
MAX_RECEIPTS_PER_DAY = 999_999
STALE_MESSAGE = "该办件已被他人处理,请刷新后重试"

_STEP_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

DEFAULT_OUTCOMES = {
    "accept": ["accept", "refuse", "request_correction", "transfer"],
    "review": ["review_pass", "return", "request_correction", "suspend", "transfer"],
    "approve": ["approve", "reject", "return", "extend", "suspend", "transfer"],
    "conclude": ["conclude", "return"],
}


def _split_limit(total: int) -> list[int]:
    """Split an item's limit over 受理/审查/审批/办结; the parts always sum to ``total``.

    受理 and 办结 each get a tenth (at least 1 day once the limit is 5 days or more, so
    neither is a same-day step on a normal item; 受理 at most the statutory 5 days),
    and 审查/审批 share the rest, 审查 taking the larger half since it carries the
    substantive examination. Short limits (1-4 days) go to 审查 and 审批 only; a 0-day
    (即办) item has every step due the same day.
    """
    accept = min(max(total // 10, 1 if total >= 5 else 0), MAX_ACCEPT_DAYS)
    conclude = max(total // 10, 1 if total >= 5 else 0)
    rest = total - accept - conclude
    review = (rest + 1) // 2
    return [accept, review, rest - review, conclude]


def _warn_for(limit: int) -> int:
    # A quarter of the step's limit, at least one day once the step lasts two days.
    return max(limit // 4, 1 if limit >= 2 else 0)


def default_steps_for(item) -> list[dict]:
    total = item.promised_limit_days
    if total is None:
        total = item.statutory_limit_days
    if total is None:
        total = DEFAULT_LIMIT_DAYS
    limits = _split_limit(total)
    plan = [
        ("accept", "受理", Role.WINDOW_CLERK),
        ("review", "审查", Role.REVIEWER),
        ("approve", "审批", Role.APPROVER),
        ("conclude", "办结", Role.HANDLER),
    ]
    return [
        {
            "key": key, "name": name, "role": str(role), "limit_days": limit, "warn_days": _warn_for(limit),
            "outcomes": list(DEFAULT_OUTCOMES[key]), "stops_clock": False,
        }
        for (key, name, role), limit in zip(plan, limits, strict=True)
    ]


def _validate_steps(item, steps) -> list[dict]:
    def bad(message, **details):
        raise ValidationFailed(message, code="process_invalid", details=details)

    if not isinstance(steps, list) or not steps:
        bad("办理流程至少需要一个环节")
    roles = set(Role.values)
    clean: list[dict] = []
    keys: set[str] = set()
    for n, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            bad(f"第{n}个环节格式不正确", step=n)
        key = step.get("key")
        if not isinstance(key, str) or not _STEP_KEY.match(key):
            bad(f"第{n}个环节的标识应为小写英文字母开头的字母、数字或下划线", step=n, field="key")
        if key in keys:
            bad(f"环节标识“{key}”重复", step=n, field="key")
        keys.add(key)
        name = step.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 50:
            bad(f"第{n}个环节须填写名称(不超过50字)", step=n, field="name")
        if step.get("role") not in roles:
            bad(f"第{n}个环节“{name}”的岗位“{step.get('role')}”不存在", step=n, field="role")
        for fld, label in (("limit_days", "时限"), ("warn_days", "预警阈值")):
            v = step.get(fld)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                bad(f"第{n}个环节“{name}”的{label}必须是非负整数(工作日)", step=n, field=fld)
        outcomes = step.get("outcomes")
        if not isinstance(outcomes, list) or not outcomes:
            bad(f"第{n}个环节“{name}”至少需要一个办理结果", step=n, field="outcomes")
        unknown = [o for o in outcomes if o not in engine.STEP_ACTIONS]
        if unknown:
            bad(f"第{n}个环节“{name}”含有未知的办理结果:{'、'.join(map(str, unknown))}", step=n, field="outcomes")
        stops = step.get("stops_clock", False)
        if not isinstance(stops, bool):
            bad(f"第{n}个环节“{name}”的“是否暂停计时”必须是是/否", step=n, field="stops_clock")
        row = {
            "key": key, "name": name.strip(), "role": step["role"], "limit_days": step["limit_days"],
            "warn_days": step["warn_days"], "outcomes": list(dict.fromkeys(outcomes)), "stops_clock": stops,
        }
        # Optional: a step handled by another department (e.g. a joint review); blank means
        # the item's own department. The id is frozen with the version like the rest.
        dept_code = step.get("department") or ""
        if dept_code:
            if not isinstance(dept_code, str):
                bad(f"第{n}个环节“{name}”的办理部门不正确", step=n, field="department")
            unit = Unit.objects.filter(code=dept_code, kind=Unit.Kind.DEPARTMENT, is_active=True).first()
            if unit is None:
                bad(f"第{n}个环节“{name}”的办理部门“{dept_code}”不存在或已停用", step=n, field="department")
            row.update(department=unit.code, department_id=unit.pk)
        clean.append(row)
    last = clean[-1]["outcomes"]
    if "conclude" not in last and not (set(last) & engine.ADVANCING):
        bad("最后一个环节必须能够办结", field="outcomes")
    total = sum(s["limit_days"] for s in clean)
    if item.statutory_limit_days is not None and total > item.statutory_limit_days:
        bad(
            f"各环节时限合计 {total} 个工作日,超过法定办结时限 {item.statutory_limit_days} 个工作日",
            field="limit_days", total=total, statutory=item.statutory_limit_days,
        )
    return clean


def _create_version(*, actor, item, steps: list[dict], action: str) -> ProcessDefinition:
    next_version = (ProcessDefinition.objects.filter(item=item).aggregate(v=Max("version"))["v"] or 0) + 1
    ProcessDefinition.objects.filter(item=item, is_current=True).update(is_current=False)
    try:
        with transaction.atomic():
            definition = ProcessDefinition.objects.create(
                item=item, version=next_version, is_current=True, steps=steps,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise Conflict("该事项的办理流程刚被他人修改,请刷新后重试", code="process_conflict") from None
    audit_record(
        actor=actor, action=action, obj=definition,
        details={"item": item.code, "version": next_version, "total_limit_days": definition.total_limit_days},
    )
    return definition


def _current_definition(item_id) -> ProcessDefinition | None:
    """The item's current version, read on every submission. A raw query: the ORM spent
    more compiling ``filter().first()`` than the database spent answering it; ``raw()``
    still applies the backend's converters (JSON, dates, booleans)."""
    table = connection.ops.quote_name(ProcessDefinition._meta.db_table)
    rows = ProcessDefinition.objects.raw(
        f"SELECT * FROM {table} WHERE item_id = %s AND is_current = %s",  # nosec B608 - table name from the model
        [item_id, True],
    )
    return next(iter(rows), None)


def process_default_for_item(*, actor, item) -> ProcessDefinition:
    """Return the item's current definition, creating the default 受理→审查→审批→办结 one if none."""
    current = _current_definition(item.pk)
    if current is not None:
        return current
    with transaction.atomic():
        return _create_version(actor=actor, item=item, steps=default_steps_for(item), action="cases.process.create_default")


def process_definition_publish(*, actor, item, steps) -> ProcessDefinition:
    """Validate ``steps`` and publish them as the item's new current version; running cases keep theirs."""
    clean = _validate_steps(item, steps)
    with transaction.atomic():
        return _create_version(actor=actor, item=item, steps=clean, action="cases.process.publish")


# --- cases -------------------------------------------------------------------------


def _next_receipt_no(today) -> str:
    # The UPDATE takes the row lock (PostgreSQL) or the database write lock (SQLite)
    # until commit, so two submissions can never read the same number.
    # One UPDATE … RETURNING (SQLite ≥ 3.35 and PostgreSQL); the day's row is created
    # by the first submission of the day.
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    sql = f"UPDATE {table} SET last = last + 1 WHERE day = %s RETURNING last"  # noqa: S608 - table name from the model
    with connection.cursor() as cursor:
        cursor.execute(sql, [today])
        row = cursor.fetchone()
    if row is None:
        ReceiptCounter.objects.get_or_create(day=today)
        with connection.cursor() as cursor:
            cursor.execute(sql, [today])
            row = cursor.fetchone()
    n = row[0]
    if n > MAX_RECEIPTS_PER_DAY:
        raise Conflict("今日受理编号已用完,请联系系统管理员", code="receipt_exhausted")
    return f"{RECEIPT_PREFIX}{today:%Y%m%d}{n:06d}"


def _step_clock(*, actor, case: Case, steps, index: int, on, handler_id: int | None = None) -> Clock:
    """Start step ``index``'s clock, naming who answers for it: the step's department (its
    own, else the item's), its post and, after a transfer, the colleague."""
    return clock_start_planned(
        actor=actor, clock=_step_clock_plan(case=case, steps=steps, index=index, on=on, handler_id=handler_id),
        audit=False,
    )


def _step_clock_plan(*, case: Case, steps, index: int, on, handler_id: int | None = None) -> Clock:
    """Step ``index``'s clock with its dates computed, not yet written (``clock_plan``)."""
    step = steps[index]
    return clock_plan(
        owner=owners.STEP.ref(case.pk, index), limit_days=step["limit_days"], warn_days=step["warn_days"],
        start_on=on, unit_id=case.step_department_id(steps, index), role=step.get("role", ""),
        handler_id=handler_id,
    )


def _event_append(*, case: Case, seq: int, action: str, step_key: str, actor, actor_role: str, reason: str,
                  payload: dict) -> hooks.ActionEvent:
    """Append the case's event row (one prepared INSERT, no model instance) and describe it for the hooks."""
    return _event_write(_event_prepare(
        case=case, seq=seq, action=action, step_key=step_key, actor=actor, actor_role=actor_role, reason=reason,
        payload=payload,
    ))


def _event_prepare(*, case: Case, seq: int, action: str, step_key: str, actor, actor_role: str, reason: str,
                   payload: dict) -> tuple:
    """The event row's INSERT with its values converted (the payload's JSON above all), not yet run."""
    actor_id = getattr(actor, "pk", None)
    prepared = insert_prepare(CaseEvent, {
        "case_id": case.pk, "seq": seq, "action": action, "step_key": step_key, "actor_id": actor_id,
        "actor_role": actor_role, "reason": reason, "payload": payload,
    })
    return prepared, {"case_id": case.pk, "seq": seq, "action": action, "reason": reason, "actor_id": actor_id}


def _event_write(prepared_event: tuple) -> hooks.ActionEvent:
    prepared, described = prepared_event
    return hooks.ActionEvent(pk=insert_prepared(prepared), **described)


def _clock_note(clock: Clock | None) -> dict | None:
    """What the case's audit row says about a clock it changed (the clocks write no rows of their own)."""
    if clock is None:
        return None
    return {"id": clock.pk, "state": clock.state, "due_on": clock.due_on.isoformat(), "warn_on": clock.warn_on.isoformat()}


def case_submit(*, actor, item, applicant, channel: str, agent_unit=None, data: dict | None = None) -> Case:
    """Open a case on the item's current process version; return it with its receipt number.

    The case clock (the sum of the step limits) and the first step's clock start today.
    """
    if item.is_retired:
        raise ValidationFailed("该事项已停用,不能申请", code="item_retired")
    if channel not in Case.Channel.values:
        raise ValidationFailed("申请渠道不正确", code="channel_invalid")
    if channel == Case.Channel.AGENT and agent_unit is None:
        raise ValidationFailed("代办申请须注明代办点", code="agent_unit_required")
    if channel != Case.Channel.AGENT and agent_unit is not None:
        raise ValidationFailed("只有代办申请才能注明代办点", code="agent_unit_unexpected")
    if data is not None and not isinstance(data, dict):
        raise ValidationFailed("申请表内容格式不正确", code="data_invalid")
    with transaction.atomic():
        definition = process_default_for_item(actor=actor, item=item)
        now = timezone.now()
        today = timezone.localdate(now)
        # One prepared INSERT (no save() machinery): the case row is written on every submission.
        case = Case(
            receipt_no=_next_receipt_no(today), item=item, definition=definition, applicant=applicant,
            agent_unit=agent_unit, channel=channel, status=Case.Status.RUNNING, step_index=0, flags={},
            version=1, data=data or {}, submitted_at=now, created_at=now, updated_at=now,
        )
        for column, value in case.waiting_for(definition.steps, 0, {}).items():
            setattr(case, column, value)
        case = insert_row(case)
        steps = definition.steps
        # The clocks write no audit rows of their own: the submission's row below names them.
        case.clock = clock_start(
            actor=actor, owner=owners.CASE.ref(case.pk), limit_days=definition.total_limit_days,
            warn_days=min(CASE_WARN_DAYS, definition.total_limit_days), start_on=today, audit=False,
            unit_id=item.department_id,
        )
        case.step_clock = _step_clock(actor=actor, case=case, steps=steps, index=0, on=today)
        if steps[0].get("stops_clock"):
            clock_suspend(actor=actor, clock=case.clock, on=today, reason=engine.pause_reason(definition.typed_steps, case.state), audit=False)
        update_rows(Case, where={"id": case.pk}, values={"clock_id": case.clock.pk, "step_clock_id": case.step_clock.pk})
        event = _event_append(
            case=case, seq=1, action="submit", step_key=steps[0]["key"], actor=actor,
            actor_role=engine.APPLICANT if actor == applicant else "", reason="",
            payload={"channel": channel, "agent_unit": agent_unit.pk if agent_unit else None},
        )
        audit_append(
            actor=actor, action="cases.case.submit", obj=case,
            details={
                "receipt_no": case.receipt_no, "item": item.code, "version": definition.version, "channel": channel,
                "clocks": {"case": _clock_note(case.clock), "step": _clock_note(case.step_clock)},
            },
        )
        hooks.run_after_action(actor=actor, case=case, action="submit", event=event)
    return case


def _step_post(*, actor, case: Case, steps, action: str) -> str | None:
    """Return the post the actor acts in, or raise PermissionDenied naming what is missing."""
    state = case.state
    needed = engine.required_role(case.definition.typed_steps, state, action)
    if needed is None:
        return None
    if needed == engine.APPLICANT:
        if getattr(actor, "pk", None) == case.applicant_id:
            return engine.APPLICANT
        # The service point's own window clerks act for the applicant they represent.
        if case.agent_unit_id and responsibility.acts_for(actor, unit_id=case.agent_unit_id, roles=Role.WINDOW_CLERK):
            return engine.APPLICANT
        raise PermissionDenied("只有申请人本人或其代办点可以补正材料", code="not_applicant")
    if not getattr(actor, "pk", None) or not actor.is_active:
        raise PermissionDenied("请先登录", code="not_staff")
    step_name = steps[case.step_index]["name"]
    responsibility.access_unit(
        actor, unit_id=case.step_unit_id(steps, case.step_index), roles=needed, unowned=True,
        message=f"您没有在本环节的实施部门担任“{Role(needed).label}”岗位,不能办理“{step_name}”环节",
    )
    assignee = (case.flags or {}).get("assignee_id")
    if assignee is not None and action in engine.STEP_ACTIONS and assignee != actor.pk:
        raise PermissionDenied(f"“{step_name}”环节已转交其他人员办理", code="transferred")
    return needed


def case_act(
    *, actor, case: Case, action: str, expected_version: int, reason: str = "", payload: dict | None = None
) -> Case:
    """Apply one action to a case: event, audit row, clock effects and the version bump, or nothing.

    Raises Conflict (409) when ``expected_version`` is stale, PermissionDenied (403) when
    the actor lacks the step's post, TransitionRefused when the step or state forbids it.

    Everything that needs no write runs before the transaction (ADR 0004, "prepare outside
    the lock"): the permission reads, the engine, the new clocks' dates, the event row and
    the audit row with their values converted. On SQLite the transaction holds the one
    write lock, so only the writes and COMMIT run inside it; what was read before is
    checked there by the version in the case UPDATE (a stale read writes nothing and
    raises the same Conflict as a stale page).
    """
    if payload is not None and not isinstance(payload, dict):
        raise ValidationFailed("办理内容格式不正确", code="payload_invalid")
    if case.version != expected_version:
        raise Conflict(STALE_MESSAGE, code="stale_version")
    steps = case.definition.steps
    role = _step_post(actor=actor, case=case, steps=steps, action=action)
    old = case.state
    new, effects = engine.transition(
        case.definition.typed_steps, old, action, actor_role=role, actor_id=getattr(actor, "pk", None), reason=reason, payload=payload,
    )
    now = timezone.now()
    today = timezone.localdate(now)
    concluded_at = now if new.status in engine.TERMINAL else None
    assignee = (new.flags or {}).get("assignee_id")
    waiting = case.waiting_for(steps, new.step_index, new.flags)
    reason = (reason or "").strip()
    planned = {
        n: _step_clock_plan(case=case, steps=steps, index=effect.step_index, on=today, handler_id=assignee)
        for n, effect in enumerate(effects) if effect.op == "start"
    }
    event_row = _event_prepare(
        case=case, seq=expected_version + 1, action=action, step_key=steps[old.step_index]["key"], actor=actor,
        actor_role=role or "", reason=reason,
        payload={**(payload or {}), "from": [old.status, old.step_index], "to": [new.status, new.step_index]},
    )
    audit_row = audit_prepare(
        actor=actor, action=f"cases.case.{action}", obj=case, role=role if role and role != engine.APPLICANT else "",
        details={
            "receipt_no": case.receipt_no, "from": [old.status, old.step_index],
            "to": [new.status, new.step_index], "reason": reason,
        },
    )
    with transaction.atomic():
        # The conditional UPDATE is the optimistic lock: of two people acting on the same
        # version exactly one matches; the other's transaction writes nothing.
        # New step clocks are inserted first so the case row is written once; if the
        # version check below fails, the transaction takes them back with everything else.
        step_clock, pending, clocks = _start_clocks(actor=actor, case=case, effects=effects, planned=planned)
        updated = update_rows(
            Case, where={"id": case.pk, "version": expected_version},
            values=_changed_columns(case, new, step_clock=step_clock, concluded_at=concluded_at, now=now,
                                    waiting=waiting),
        )
        if updated != 1:
            raise Conflict(STALE_MESSAGE, code="stale_version")
        if step_clock is not None and step_clock is case.step_clock and step_clock.handler_id != assignee:
            # Transferred (or taken back) within the step: its clock now names the colleague.
            clock_hand_over(actor=actor, clock=step_clock, handler_id=assignee, audit=False)
        case.status, case.step_index, case.flags = new.status, new.step_index, new.flags
        for column, value in waiting.items():
            setattr(case, column, value)
        case.version = expected_version + 1
        case.concluded_at = concluded_at
        case.step_clock = step_clock
        clocks += _apply_clock_ops(actor=actor, ops=pending, today=today)
        # The events are append-only and written on every step: one prepared INSERT.
        event = _event_write(event_row)
        audit_append_prepared(audit_row, more_details={"clocks": clocks} if clocks else None)
        hooks.run_after_action(actor=actor, case=case, action=action, event=event)
    return case


def _changed_columns(case: Case, new, *, step_clock, concluded_at, now, waiting: dict) -> dict:
    """The case row's SET list: the version bump plus only the columns whose value changes.

    SQLite rewrites the index entries of every column named in SET, changed or not, so
    naming an unchanged status costs two index pages per step (status, item+status).
    """
    values = {"version": Add(1), "updated_at": now}
    if new.status != case.status:
        values["status"] = new.status
    if new.step_index != case.step_index:
        values["step_index"] = new.step_index
    if new.flags != (case.flags or {}):
        values["flags"] = new.flags
    if concluded_at != case.concluded_at:
        values["concluded_at"] = concluded_at
    for column, value in waiting.items():
        if value != getattr(case, column):
            values[column] = value
    step_clock_id = getattr(step_clock, "pk", None)
    if step_clock_id != case.step_clock_id:
        values["step_clock_id"] = step_clock_id
    return values


def _start_clocks(*, actor, case: Case, effects, planned: dict) -> tuple[Clock | None, list, list[dict]]:
    """First half of the engine's clock effects: start the planned step clocks, queue the other ops.

    Effects are applied in order; a stop or suspend queued before a start keeps the clock
    it was aimed at (the old step's), one after a start gets the new one. ``planned`` maps
    the position of each start effect to its clock from ``_step_clock_plan``. Returns the
    step clock the case holds afterwards, the queued (op, clock, effect) triples and audit notes.
    """
    step_clock = case.step_clock
    pending = []
    notes = []
    for n, effect in enumerate(effects):
        if effect.op == "start":
            step_clock = clock_start_planned(actor=actor, clock=planned[n], audit=False)
            notes.append({"op": "start", "target": "step", **_clock_note(step_clock)})
            continue
        clock = case.clock if effect.target == "case" else step_clock
        if clock is not None:
            pending.append((effect, clock))
    return step_clock, pending, notes


def _apply_clock_ops(*, actor, ops, today) -> list[dict]:
    """Second half: stop, suspend, resume or extend, without audit rows of their own."""
    notes = []
    for effect, clock in ops:
        if clock.state == Clock.State.STOPPED:
            continue
        if effect.op == "stop":
            clock_stop(actor=actor, clock=clock, on=today, audit=False)
        elif effect.op == "suspend":
            clock_suspend(actor=actor, clock=clock, on=today, reason=effect.reason, audit=False)
        elif effect.op == "resume":
            clock_resume(actor=actor, clock=clock, on=today, audit=False)
        elif effect.op == "extend":
            clock_extend(actor=actor, clock=clock, days=effect.days, reason=effect.reason, on=today, audit=False)
        else:
            continue
        notes.append({"op": effect.op, "target": effect.target, **_clock_note(clock)})
    return notes
