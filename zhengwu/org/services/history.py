"""Institutional changes (机构沿革, ADR 0014): rename, merge, split and abolish a department
with an effective date.

A change is registered by one service (``unit_rename``, ``unit_merge``, ``unit_split``,
``unit_abolish``) and applied on its effective date: at once when that date is today or
past, else by the daily task (``unit_changes_apply_due``). Applying it, in one
transaction with its audit rows:

* names: the unit's name spans (``UnitName``) are closed and opened, so older records keep
  the name of their time (``selectors.unit_name_on``);
* posts: assignments and sections (科室) of an ending unit move to its successor;
* open clocks: the successor answers for them (``core.clock.clock_units_move``);
* what other apps own (items of the catalog ...) moves through the ``UNIT_SUCCEEDED``
  hooks, so org never imports the apps above it;
* the ending unit is deactivated and points at its successor; ``org.responsibility``
  lets the successor's post-holders act for anything still filed under it (a frozen
  joint-review step, a letter hop, a disclosure request).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.clock import clock_units_move
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.registries.hooks import UNIT_SUCCEEDED, hooks_for

from ..models import Assignment, Unit, UnitChange, UnitName
from ..roles import Role
from . import _check_text, _require_actor

K = UnitChange.Kind
_CHANGEABLE = frozenset({Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.STREET, Unit.Kind.SECTION})


def _today() -> date:
    return timezone.localdate()


def _check_date(effective_on) -> date:
    if not isinstance(effective_on, date):
        raise ValidationFailed("请填写生效日期", code="unit_change_date_required", details={"field": "effective_on"})
    return effective_on


def _check_unit(unit, *, field: str = "unit") -> Unit:
    if not isinstance(unit, Unit) or unit.pk is None:
        raise ValidationFailed("机构无效", code="unit_invalid", details={"field": field})
    unit = Unit.objects.get(pk=unit.pk)
    if not unit.is_active or unit.successor_id is not None:
        raise Conflict(f"“{unit.name}”已撤销或并入其他机构,不能再调整", code="unit_change_unit_ended",
                       details={"field": field})
    if unit.kind not in _CHANGEABLE:
        raise ValidationFailed(f"{unit.get_kind_display()}“{unit.name}”不能在机构沿革中调整",
                               code="unit_change_kind_invalid", details={"field": field})
    return unit


def _pending_for(units: Iterable[Unit]) -> None:
    """One change at a time per unit: a second plan for a unit with one pending is refused."""
    pending = UnitChange.objects.filter(status=UnitChange.Status.PLANNED).filter(
        sources__in=list(units)
    ).first()
    if pending is not None:
        raise Conflict(f"该机构已有{pending.effective_on}生效的{pending.get_kind_display()}安排,请等其生效后再调整",
                       code="unit_change_pending")


def _run_hooks(*, actor, source: Unit, default_to: Unit | None, item_moves: Mapping, effective_on: date,
               renamed_from: str = "", check: bool) -> None:
    for hook in hooks_for(UNIT_SUCCEEDED):
        hook(actor=actor, source_id=source.pk, default_to_id=default_to.pk if default_to else None,
             item_moves=dict(item_moves), effective_on=effective_on, renamed_from=renamed_from, check=check)


def _register(*, actor, kind: str, sources: list[Unit], targets: list[Unit], effective_on: date, basis: str,
              new_name: str = "", plan: dict | None = None) -> UnitChange:
    change = UnitChange.objects.create(
        kind=kind, effective_on=effective_on, basis=(basis or "").strip()[:200], new_name=new_name,
        plan=plan or {}, created_by=actor if getattr(actor, "pk", None) else None,
    )
    change.sources.set(sources)
    change.targets.set(targets)
    audit_record(
        actor=actor, action=f"org.unit_change.{kind}", obj=change,
        details={"effective_on": effective_on.isoformat(), "sources": [u.code for u in sources],
                 "targets": [u.code for u in targets], "new_name": new_name, "basis": change.basis},
    )
    if effective_on <= _today():
        unit_change_apply(actor=actor, change=change)
        change.refresh_from_db()
    return change


@transaction.atomic
def unit_rename(*, actor, unit: Unit, name: str, effective_on: date, basis: str = "") -> UnitChange:
    """Rename ``unit`` from ``effective_on``; records before that date keep the old name."""
    _require_actor(actor, Role.SYSTEM_ADMIN, "调整机构")
    unit = _check_unit(unit)
    name = _check_text(name)
    effective_on = _check_date(effective_on)
    if name == unit.name:
        raise ValidationFailed("新名称与原名称相同", code="unit_rename_same", details={"field": "name"})
    _pending_for([unit])
    return _register(actor=actor, kind=K.RENAME, sources=[unit], targets=[unit], effective_on=effective_on,
                     basis=basis, new_name=name)


@transaction.atomic
def unit_merge(*, actor, units: list[Unit], into: Unit, effective_on: date, basis: str = "") -> UnitChange:
    """Merge ``units`` into ``into`` (which may be one of them, the one that carries on)."""
    _require_actor(actor, Role.SYSTEM_ADMIN, "调整机构")
    into = _check_unit(into, field="into")
    effective_on = _check_date(effective_on)
    ending = [_check_unit(u, field="units") for u in units if getattr(u, "pk", None) != into.pk]
    ending = list({u.pk: u for u in ending}.values())
    if not ending:
        raise ValidationFailed("请选择要并入的机构", code="unit_merge_empty", details={"field": "units"})
    _pending_for(ending)
    for unit in ending:
        _run_hooks(actor=actor, source=unit, default_to=into, item_moves={}, effective_on=effective_on, check=True)
    return _register(actor=actor, kind=K.MERGE, sources=ending, targets=[into], effective_on=effective_on,
                     basis=basis)


@transaction.atomic
def unit_split(*, actor, unit: Unit, into: list[Unit], items: Mapping[int, Unit], residual: Unit,
               effective_on: date, basis: str = "") -> UnitChange:
    """Split ``unit`` into the units ``into``: each item goes where ``items`` (item id →
    unit) says, every one explicitly; posts, sections and open work go to ``residual``."""
    _require_actor(actor, Role.SYSTEM_ADMIN, "调整机构")
    unit = _check_unit(unit)
    effective_on = _check_date(effective_on)
    targets = list({u.pk: u for u in (_check_unit(t, field="into") for t in into)}.values())
    if len(targets) < 2 or unit.pk in {t.pk for t in targets}:
        raise ValidationFailed("分设须指定至少两个其他的承继机构", code="unit_split_targets", details={"field": "into"})
    target_ids = {t.pk for t in targets}
    if getattr(residual, "pk", None) not in target_ids:
        raise ValidationFailed("承接人员和在办事务的机构须是承继机构之一", code="unit_split_residual",
                               details={"field": "residual"})
    moves: dict[int, int] = {}
    for item_id, target in (items or {}).items():
        if getattr(target, "pk", None) not in target_ids:
            raise ValidationFailed("事项只能划给承继机构之一", code="unit_split_item_target", details={"field": "items"})
        moves[int(item_id)] = target.pk
    _pending_for([unit])
    _run_hooks(actor=actor, source=unit, default_to=None, item_moves=moves, effective_on=effective_on, check=True)
    return _register(actor=actor, kind=K.SPLIT, sources=[unit], targets=targets, effective_on=effective_on,
                     basis=basis, plan={"items": {str(k): v for k, v in moves.items()}, "residual": residual.pk})


@transaction.atomic
def unit_abolish(*, actor, unit: Unit, effective_on: date, receiver: Unit | None = None,
                 basis: str = "") -> UnitChange:
    """Abolish ``unit``; ``receiver`` takes over its items, posts and open work. Without a
    receiver the unit must own no items; its posts end."""
    _require_actor(actor, Role.SYSTEM_ADMIN, "调整机构")
    unit = _check_unit(unit)
    effective_on = _check_date(effective_on)
    if receiver is not None:
        receiver = _check_unit(receiver, field="receiver")
        if receiver.pk == unit.pk:
            raise ValidationFailed("承接机构不能是被撤销的机构本身", code="unit_abolish_receiver",
                                   details={"field": "receiver"})
    _pending_for([unit])
    _run_hooks(actor=actor, source=unit, default_to=receiver, item_moves={}, effective_on=effective_on, check=True)
    return _register(actor=actor, kind=K.ABOLISH, sources=[unit], targets=[receiver] if receiver else [],
                     effective_on=effective_on, basis=basis)


# --- applying ------------------------------------------------------------------------

def _name_spans_ensure(unit: Unit) -> None:
    """Give a unit that never changed its first span (its current name, since ever)."""
    if not UnitName.objects.filter(unit=unit).exists():
        UnitName.objects.create(unit=unit, name=unit.name, valid_from=None, valid_to=None)


def _name_close(unit: Unit, on: date) -> None:
    _name_spans_ensure(unit)
    UnitName.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=on)


def _apply_rename(actor, change: UnitChange, unit: Unit) -> dict:
    old = unit.name
    _name_close(unit, change.effective_on)
    UnitName.objects.create(unit=unit, name=change.new_name, valid_from=change.effective_on)
    _run_hooks(actor=actor, source=unit, default_to=unit, item_moves={}, effective_on=change.effective_on,
               renamed_from=old, check=False)
    Unit.objects.filter(pk=unit.pk).update(name=change.new_name, updated_at=timezone.now())
    return {"unit": unit.code, "before": old, "after": change.new_name}


def _posts_move(unit: Unit, to: Unit | None) -> dict:
    """Move the ending unit's posts and sections to ``to`` (or end the posts: no successor)."""
    moved = ended = 0
    for a in list(Assignment.objects.filter(unit=unit)):
        if to is not None and not Assignment.objects.filter(user_id=a.user_id, unit=to, role=a.role).exists():
            Assignment.objects.filter(pk=a.pk).update(unit=to, updated_at=timezone.now())
            moved += 1
        else:
            a.delete()  # the holder already holds the same post in the successor
            ended += 1
    sections = 0
    if to is not None and to.kind == Unit.Kind.DEPARTMENT:
        sections = Unit.objects.filter(parent=unit, kind=Unit.Kind.SECTION).update(parent=to)
    return {"posts_moved": moved, "posts_ended": ended, "sections_moved": sections}


def _end_unit(actor, change: UnitChange, unit: Unit, to: Unit | None, item_moves: Mapping) -> dict:
    _run_hooks(actor=actor, source=unit, default_to=to, item_moves=item_moves, effective_on=change.effective_on,
               check=False)
    moved = _posts_move(unit, to)
    clocks = 0
    if to is not None:
        clocks = clock_units_move(actor=actor, from_unit_id=unit.pk, to_unit_id=to.pk,
                                  reason=f"{unit.name}{change.get_kind_display()},由{to.name}承继")
        # Keep every successor pointer on the live end of the chain (responsibility reads one hop).
        Unit.objects.filter(successor=unit).update(successor=to)
    _name_close(unit, change.effective_on)
    Unit.objects.filter(pk=unit.pk).update(is_active=False, successor=to, updated_at=timezone.now())
    return {"unit": unit.code, "to": to.code if to else None, "clocks_moved": clocks, **moved}


@transaction.atomic
def unit_change_apply(*, actor, change: UnitChange) -> UnitChange:
    """Carry out a registered change now (its effective date has come)."""
    change = UnitChange.objects.select_for_update().get(pk=change.pk)
    if change.status == UnitChange.Status.APPLIED:
        return change
    sources = list(change.sources.order_by("pk"))
    targets = {t.pk: t for t in change.targets.all()}
    done: list[dict] = []
    if change.kind == K.RENAME:
        done.append(_apply_rename(actor, change, sources[0]))
    elif change.kind == K.MERGE:
        into = next(iter(targets.values()))
        done += [_end_unit(actor, change, u, into, {}) for u in sources]
    elif change.kind == K.SPLIT:
        moves = {int(k): v for k, v in change.plan.get("items", {}).items()}
        done.append(_end_unit(actor, change, sources[0], targets[change.plan["residual"]], moves))
    else:
        receiver = next(iter(targets.values()), None)
        done.append(_end_unit(actor, change, sources[0], receiver, {}))
    change.status = UnitChange.Status.APPLIED
    change.applied_at = timezone.now()
    change.save(update_fields=["status", "applied_at", "updated_at"])
    audit_record(actor=actor, action="org.unit_change.apply", obj=change,
                 details={"kind": change.kind, "effective_on": change.effective_on.isoformat(), "done": done})
    return change


def unit_changes_apply_due(*, actor=None, today: date | None = None) -> int:
    """Apply every planned change whose effective date has come (the daily task). Each in
    its own transaction, in date order; returns how many were applied."""
    today = today or _today()
    applied = 0
    for change in UnitChange.objects.filter(status=UnitChange.Status.PLANNED, effective_on__lte=today):
        unit_change_apply(actor=actor, change=change)
        applied += 1
    return applied
