"""What the catalog does when a department ends or is renamed (机构沿革, ADR 0014).

Registered as a ``UNIT_SUCCEEDED`` hook: org announces the change, the catalog moves the
ending department's items and work areas to their successor (recording each move, so
pages about older cases name the department of their time) and rewrites the 实施主体
text that spelled the old name.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.registries.search import search_index_later
from zhengwu.org.models import Unit, UnitName

from .models import Item, ItemDepartmentChange, WorkArea


def _body_after(body: str, old: str, new: str) -> str:
    # 实施主体 is free text: only the exact old name (or a "县国土资源局…" prefix) is rewritten.
    if old and body.startswith(old):
        return new + body[len(old):]
    return body


def catalog_unit_succeeded(*, actor, source_id: int, default_to_id: int | None, item_moves: dict,
                           effective_on: date, renamed_from: str = "", check: bool) -> None:
    """Move (or, with ``check``, only vet moving) the items of the unit ``source_id``."""
    source = Unit.objects.get(pk=source_id)
    if renamed_from:
        if check:
            return
        return _rename_bodies(actor=actor, unit=source, old=renamed_from)
    items = list(Item.objects.filter(department_id=source_id).order_by("pk"))
    unplaced = [i for i in items if item_moves.get(i.pk, default_to_id) is None and not i.is_retired]
    if unplaced:
        names = "、".join(i.name for i in unplaced[:5])
        more = f"等{len(unplaced)}项" if len(unplaced) > 5 else ""
        raise ValidationFailed(f"“{source.name}”的事项须逐项指定承接部门:{names}{more}",
                               code="unit_items_unplaced", details={"items": [i.code for i in unplaced]})
    if check:
        return
    targets = {u.pk: u for u in Unit.objects.filter(pk__in={*item_moves.values(), default_to_id} - {None})}
    now = timezone.now()
    moved: list[str] = []
    for item in items:
        to_id = item_moves.get(item.pk, default_to_id)
        if to_id is None:
            continue  # a retired item of an abolished department stays on record with it
        to = targets[to_id]
        item.department = to
        item.implementing_body = _body_after(item.implementing_body, source.name, to.name)
        item.updated_at = now
        item.save(update_fields=["department", "implementing_body", "updated_at"])
        ItemDepartmentChange.objects.create(item=item, from_unit=source, to_unit=to, effective_on=effective_on)
        moved.append(item.code)
        search_index_later("item", item.code)
    areas = list(WorkArea.objects.filter(department_id=source_id).values_list("code", flat=True))
    if areas and default_to_id is not None:
        WorkArea.objects.filter(department_id=source_id).update(department_id=default_to_id)
    audit_record(actor=actor, action="catalog.items.move_department", object_type="org.unit", object_id=source.code,
                 details={"effective_on": effective_on.isoformat(), "items": moved, "work_areas": areas,
                          "to": sorted({targets[t].code for t in targets})})


def _rename_bodies(*, actor, unit: Unit, old: str) -> None:
    # Org renames the unit after the hooks ran; its new name span is already open.
    new = UnitName.objects.filter(unit=unit, valid_to__isnull=True).values_list("name", flat=True).first() or unit.name
    changed = []
    for item in Item.objects.filter(department=unit).filter(Q(implementing_body__startswith=old)):
        Item.objects.filter(pk=item.pk).update(implementing_body=_body_after(item.implementing_body, old, new),
                                               updated_at=timezone.now())
        changed.append(item.code)
        search_index_later("item", item.code)
    if changed:
        audit_record(actor=actor, action="catalog.items.rename_department", object_type="org.unit",
                     object_id=unit.code, details={"before": old, "after": new, "items": changed})


def item_department_on(item: Item, on: date):
    """The department ``item`` belonged to on ``on`` (a unit id; one query): the department
    it left by the first move after that day, else its department now."""
    first_after = (ItemDepartmentChange.objects.filter(item_id=item.pk, effective_on__gt=on)
                   .order_by("effective_on", "pk").values_list("from_unit_id", flat=True).first())
    return first_after if first_after is not None else item.department_id


def item_department_move(*, actor, item: Item, department: Unit, effective_on: date, implementing_body: str = "",
                         reason: str) -> Item:
    """Give one item to another department from ``effective_on`` (a duty reassigned by law,
    e.g. 宅基地审批 to the township government), recorded like a move by an institutional
    change so older cases keep naming the department of their time."""
    if not isinstance(department, Unit) or department.pk is None or not department.is_active:
        raise ValidationFailed("实施部门无效或已撤并", code="item_department_invalid", details={"field": "department"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请说明调整实施部门的依据", code="item_department_reason", details={"field": "reason"})
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        before = item.department_id
        if before == department.pk:
            return item
        item.department = department
        if implementing_body:
            item.implementing_body = implementing_body.strip()[:100]
        item.save(update_fields=["department", "implementing_body", "updated_at"])
        ItemDepartmentChange.objects.create(item=item, from_unit_id=before, to_unit=department,
                                            effective_on=effective_on)
        audit_record(actor=actor, action="catalog.item.move_department", obj=item, object_id=item.code,
                     details={"from": before, "to": department.code, "effective_on": effective_on.isoformat(),
                              "reason": reason})
        search_index_later("item", item.code)
    return item
