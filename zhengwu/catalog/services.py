"""Every write to the catalog: loading the basic catalog, county edits, retiring.

Items are never deleted. The loader owns the identity of basic items (name, number,
work area, category); the county owns their implementation list (实施清单), which the
loader never touches, and their status, which the loader never changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.org.models import Unit
from zhengwu.core.registries.search import search_index_later

from . import taxonomy
from .models import Audience, Category, Item, ItemMaterial, LifeEvent, OnlineDepth, WorkArea

BASIC_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "basic_catalog.json"

CATEGORY_SHORT = {
    Category.DISCLOSURE: "公开",
    Category.POWER: "职权",
    Category.CONVENIENCE: "便民",
}
LOCAL_CODE_PREFIX = {
    Category.DISCLOSURE: "GK-L",
    Category.POWER: "QL-L",
    Category.CONVENIENCE: "BM-L",
}

# Fields a county may set on an item through item_create / item_update.
TEXT_FIELDS = (
    "content", "basic_code", "implementation_code", "business_code", "exercise_level",
    "implementing_body", "legal_basis", "acceptance_conditions", "fees", "fee_basis",
    "place", "hours", "consultation_phone", "supervision_phone",
)
COUNT_FIELDS = ("statutory_limit_days", "promised_limit_days", "visits_required")
EDITABLE_FIELDS = frozenset(
    ("name", "work_area", "department", "handling_type", "online_application", "online_depth", "audience",
     "township_level", "life_events") + TEXT_FIELDS + COUNT_FIELDS
)
# Depths that mean the application itself is made online.
ONLINE_DEPTHS = (OnlineDepth.APPLY, OnlineDepth.FULL)
MATERIAL_FIELDS = frozenset(("name", "form", "originals", "copies", "required", "note"))
_MAX_SMALL = 32767  # PositiveSmallIntegerField upper bound, the same on every database


def _label(name: str) -> str:
    return str(Item._meta.get_field(name).verbose_name)


# --------------------------------------------------------------------------- loading


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    areas_created: int = 0
    areas_updated: int = 0
    classified: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        parts = " / ".join(f"{CATEGORY_SHORT[c]} {self.counts.get(c.value, 0)}" for c in Category)
        return (
            f"事项目录已载入:新增 {self.created},更新 {self.updated},未变 {self.unchanged};"
            f"合计 {self.total} 项({parts})"
        )


def basic_catalog_read() -> dict:
    with BASIC_CATALOG_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _check_catalog_data(data) -> tuple[list[dict], list[dict]]:
    try:
        areas = list(data["work_areas"])
        items = list(data["items"])
        categories = set(Category.values)
        area_codes = set()
        for a in areas:
            if a["category"] not in categories or not str(a["name"]).strip() or not isinstance(a["seq"], int):
                raise ValueError(a)
            area_codes.add(a["code"])
        item_codes = set()
        for i in items:
            if i["category"] not in categories or i["work_area"] not in area_codes:
                raise ValueError(i)
            if not str(i["name"]).strip() or len(i["name"]) > 300 or not isinstance(i["seq"], int):
                raise ValueError(i)
            item_codes.add(i["code"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed("事项目录数据格式不正确", details={"entry": str(exc)[:200]}) from exc
    if len(item_codes) != len(items) or len(area_codes) != len(areas):
        raise ValidationFailed("事项目录数据中有重复的编号")
    return areas, items


def catalog_load(*, actor, data: dict | None = None) -> LoadReport:
    """Create or update work areas and basic items by code; idempotent.

    Only the catalog's own fields (category, work area, number, name) are written;
    implementation-list fields, departments and status stay as the county set them.
    """
    if data is None:
        data = basic_catalog_read()
    area_rows, item_rows = _check_catalog_data(data)
    report = LoadReport()
    with transaction.atomic():
        areas = {a.code: a for a in WorkArea.objects.filter(code__in=[r["code"] for r in area_rows])}
        for row in area_rows:
            area = areas.get(row["code"])
            wanted = {"category": row["category"], "name": row["name"], "seq": row["seq"]}
            if area is None:
                area = WorkArea.objects.create(code=row["code"], **wanted)
                areas[area.code] = area
                report.areas_created += 1
                audit_record(actor=actor, action="catalog.work_area.create", obj=area,
                             object_id=area.code, details=wanted)
                continue
            changes = _diff(area, wanted)
            if changes:
                for name, change in changes.items():
                    setattr(area, name, change["after"])
                area.save(update_fields=list(changes))
                report.areas_updated += 1
                audit_record(actor=actor, action="catalog.work_area.update", obj=area,
                             object_id=area.code, details={"changes": changes})

        existing = {i.code: i for i in Item.objects.filter(code__in=[r["code"] for r in item_rows])}
        for row in item_rows:
            area = areas[row["work_area"]]
            item = existing.get(row["code"])
            if item is None:
                item = Item.objects.create(
                    code=row["code"], category=row["category"], work_area=area,
                    seq=row["seq"], name=row["name"], source=Item.Source.BASIC,
                )
                report.created += 1
                audit_record(actor=actor, action="catalog.item.create", obj=item, object_id=item.code,
                             details={"source": "basic", "work_area": area.code, "seq": item.seq, "name": item.name})
                continue
            changes = {}
            for name, after in (("category", row["category"]), ("seq", row["seq"]), ("name", row["name"])):
                if getattr(item, name) != after:
                    changes[name] = {"before": getattr(item, name), "after": after}
                    setattr(item, name, after)
            if item.work_area_id != area.pk:
                changes["work_area"] = {"before": item.work_area.code, "after": area.code}
                item.work_area = area
            if changes:
                item.save(update_fields=[*changes, "updated_at"])
                report.updated += 1
                audit_record(actor=actor, action="catalog.item.load_update", obj=item, object_id=item.code,
                             details={"changes": changes})
            else:
                report.unchanged += 1

        for row in item_rows:
            report.counts[row["category"]] = report.counts.get(row["category"], 0) + 1
        report.classified = items_classify(actor=actor)
        audit_record(actor=actor, action="catalog.load", object_type="catalog.item", details={
            "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "areas_created": report.areas_created, "areas_updated": report.areas_updated,
            "counts": report.counts, "classified": report.classified,
        })
    return report


def life_events_ensure(*, actor) -> dict[str, LifeEvent]:
    """Create the life events of catalog/taxonomy.py that do not exist yet; keep admins' edits."""
    with transaction.atomic():
        events = {e.code: e for e in LifeEvent.objects.all()}
        for seq, spec in enumerate(taxonomy.LIFE_EVENTS, start=1):
            if spec.code in events:
                continue
            event = LifeEvent.objects.create(code=spec.code, audience=spec.audience, name=spec.name, seq=seq,
                                             icon=spec.icon)
            events[spec.code] = event
            audit_record(actor=actor, action="catalog.life_event.create", obj=event, object_id=event.code,
                         details={"audience": spec.audience, "name": spec.name})
    return events


def life_event_update(*, actor, event: LifeEvent, fields: dict) -> LifeEvent:
    """Rename, reorder or re-icon a life event (its code and the items it tags stay)."""
    allowed = {"name", "seq", "icon", "audience"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationFailed(f"不能设置以下字段:{'、'.join(unknown)}")
    with transaction.atomic():
        fresh = LifeEvent.objects.select_for_update().get(pk=event.pk)
        changes = _diff(fresh, fields)
        if not changes:
            return fresh
        for name, change in changes.items():
            setattr(fresh, name, change["after"])
        fresh.full_clean()
        fresh.save(update_fields=list(changes))
        audit_record(actor=actor, action="catalog.life_event.update", obj=fresh, object_id=fresh.code,
                     details={"changes": changes})
    return fresh


def items_classify(*, actor) -> int:
    """Give power and convenience items without an audience their audience, life events and
    township flag by the keyword rules of catalog/taxonomy.py; return how many were classified.

    Items that already have an audience were classified before or edited by an administrator
    and are left alone, so running the loader again changes nothing.
    """
    with transaction.atomic():
        events = life_events_ensure(actor=actor)
        pending = list(
            Item.objects.select_for_update()
            .filter(category__in=[Category.POWER, Category.CONVENIENCE], audience="")
            .only("pk", "code", "name")
        )
        if not pending:
            return 0
        groups: dict[tuple[str, bool], list[int]] = {}
        links = []
        summary = {}
        for item in pending:
            result = taxonomy.classify(item.name)
            groups.setdefault((result.audience, result.township_level), []).append(item.pk)
            links += [Item.life_events.through(item_id=item.pk, lifeevent_id=events[c].pk) for c in result.events]
            summary[item.code] = [result.audience, list(result.events), result.township_level]
        now = timezone.now()
        for (audience, township), pks in groups.items():
            Item.objects.filter(pk__in=pks).update(audience=audience, township_level=township, updated_at=now)
        Item.life_events.through.objects.filter(item_id__in=[i.pk for i in pending]).delete()
        Item.life_events.through.objects.bulk_create(links)
        audit_record(actor=actor, action="catalog.items.classify", object_type="catalog.item",
                     details={"rules": "catalog/taxonomy.py", "items": summary})
    return len(pending)


def _diff(obj, wanted: dict) -> dict:
    return {
        name: {"before": getattr(obj, name), "after": after}
        for name, after in wanted.items()
        if getattr(obj, name) != after
    }


# --------------------------------------------------------------------------- validation


def _count_value(name: str, value):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 100000:
        raise ValidationFailed(f"{_label(name)}必须是非负整数", details={"field": name})
    if name == "visits_required" and value > _MAX_SMALL:
        raise ValidationFailed(f"{_label(name)}必须是非负整数", details={"field": name})
    return value


def item_fields_validate(*, category: str, fields: dict, item: Item | None = None) -> dict:
    """Check county-editable fields and return them normalised; raise ValidationFailed in Chinese.

    Admin forms call this too, so errors show on the form instead of as a failed save.
    """
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能设置以下字段:{'、'.join(unknown)}", details={"fields": unknown})
    clean: dict = {}
    for name, value in fields.items():
        if name == "name":
            value = (value or "").strip() if isinstance(value, str) or value is None else value
            if not isinstance(value, str) or not value:
                raise ValidationFailed("事项名称不能为空", details={"field": name})
            if len(value) > 300:
                raise ValidationFailed("事项名称不能超过300个字", details={"field": name})
        elif name in TEXT_FIELDS:
            value = "" if value is None else value
            if not isinstance(value, str):
                raise ValidationFailed(f"{_label(name)}必须是文本", details={"field": name})
            value = value.strip()
            max_length = Item._meta.get_field(name).max_length
            if max_length and len(value) > max_length:
                raise ValidationFailed(f"{_label(name)}不能超过{max_length}个字", details={"field": name})
        elif name in COUNT_FIELDS:
            value = _count_value(name, value)
        elif name == "handling_type":
            value = value or ""
            if value and value not in Item.HandlingType.values:
                raise ValidationFailed("办件类型无效(应为即办件或承诺件)", details={"field": name})
        elif name in ("online_application", "township_level"):
            if not isinstance(value, bool):
                raise ValidationFailed(f"{_label(name)}必须是“是”或“否”", details={"field": name})
        elif name == "online_depth":
            value = value or ""
            if value and value not in OnlineDepth.values:
                raise ValidationFailed("网办深度无效", details={"field": name})
        elif name == "audience":
            value = value or ""
            if value and value not in Audience.values:
                raise ValidationFailed("服务对象无效(应为个人、法人或个人和法人)", details={"field": name})
        elif name == "life_events":
            value = list(value or [])
            if any(not isinstance(e, LifeEvent) or e.pk is None for e in value):
                raise ValidationFailed("人生事件无效", details={"field": name})
        elif name == "work_area":
            if not isinstance(value, WorkArea) or value.pk is None:
                raise ValidationFailed("工作领域无效", details={"field": name})
            if value.category != category:
                raise ValidationFailed("工作领域与事项类别不一致", details={"field": name})
        elif name == "department":
            if value is not None and (not isinstance(value, Unit) or value.pk is None):
                raise ValidationFailed("实施部门无效", details={"field": name})
        clean[name] = value

    def current(name):
        if name in clean:
            return clean[name]
        return getattr(item, name) if item is not None else None

    if current("online_depth") in ONLINE_DEPTHS and not current("online_application"):
        raise ValidationFailed(
            "网办深度为“在线申请”或“全程网办”的事项必须设为可网上申请", details={"field": "online_depth"}
        )
    statutory, promised = current("statutory_limit_days"), current("promised_limit_days")
    if statutory is not None and promised is not None and promised > statutory:
        raise ValidationFailed("承诺办结时限不能超过法定办结时限", details={"field": "promised_limit_days"})
    return clean


def _display(value):
    if isinstance(value, (list, tuple)):
        return [_display(v) for v in value]
    if isinstance(value, LifeEvent):
        return value.code
    if isinstance(value, WorkArea):
        return value.code
    if isinstance(value, Unit):
        return value.code
    return value


def _category(value) -> str:
    if value not in Category.values:
        raise ValidationFailed(f"未知的事项类别:{value}", details={"field": "category"})
    return value


# --------------------------------------------------------------------------- county edits


def item_create(*, actor, category: str, work_area: WorkArea, name: str, **fields) -> Item:
    """Add a county item (本县新增) with the next local code and number in its category."""
    category = _category(category)
    clean = item_fields_validate(category=category, fields={"work_area": work_area, "name": name, **fields})
    prefix = LOCAL_CODE_PREFIX[category]
    with transaction.atomic():
        # Serialise additions to one area; the unique code still guards the rest.
        list(WorkArea.objects.select_for_update().filter(pk=clean["work_area"].pk).values_list("pk", flat=True))
        last_codes = Item.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        next_no = max((int(c[len(prefix):]) for c in last_codes if c[len(prefix):].isdigit()), default=0) + 1
        next_seq = (Item.objects.filter(category=category).aggregate(m=Max("seq"))["m"] or 0) + 1
        item = Item(code=f"{prefix}{next_no:04d}", category=category, seq=next_seq, source=Item.Source.LOCAL)
        events = clean.pop("life_events", None)
        for key, value in clean.items():
            setattr(item, key, value)
        item.save()
        if events is not None:
            item.life_events.set(events)
            clean["life_events"] = events
        audit_record(actor=actor, action="catalog.item.create", obj=item, object_id=item.code, details={
            "source": "local", "seq": item.seq,
            **{k: _display(v) for k, v in clean.items()},
        })
        search_index_later("item", item.code)
    return item


def item_update(*, actor, item: Item, **fields) -> Item:
    """Change county-editable fields; write one audit row with the before/after of what changed."""
    clean = item_fields_validate(category=item.category, fields=fields, item=item)
    with transaction.atomic():
        changes = {}
        events = clean.pop("life_events", None)
        if events is not None:
            before_codes = sorted(item.life_events.values_list("code", flat=True))
            after_codes = sorted(e.code for e in events)
            if before_codes != after_codes:
                item.life_events.set(events)
                changes["life_events"] = {"before": before_codes, "after": after_codes}
        for name, after in clean.items():
            before = getattr(item, name)
            if name in ("work_area", "department"):
                if getattr(item, f"{name}_id") == (after.pk if after is not None else None):
                    continue
            elif before == after:
                continue
            changes[name] = {"before": _display(before), "after": _display(after)}
            setattr(item, name, after)
        if not changes:
            return item
        item.save(update_fields=[*(n for n in changes if n != "life_events"), "updated_at"])
        audit_record(actor=actor, action="catalog.item.update", obj=item, object_id=item.code,
                     details={"changes": changes})
        search_index_later("item", item.code)
    return item


def item_retire(*, actor, item: Item, reason: str) -> Item:
    """Retire an item: it stays in the database and on record, hidden from active lists."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("停用事项必须填写停用原因", details={"field": "reason"})
    if len(reason) > 300:
        raise ValidationFailed("停用原因不能超过300个字", details={"field": "reason"})
    with transaction.atomic():
        # Read the status under lock, but change the caller's instance so it stays current.
        item.status = Item.objects.select_for_update().values_list("status", flat=True).get(pk=item.pk)
        if item.is_retired:
            raise Conflict(f"事项已停用:{item.code}")
        item.status = Item.Status.RETIRED
        item.retired_at = timezone.now()
        item.retire_reason = reason
        item.save(update_fields=["status", "retired_at", "retire_reason", "updated_at"])
        audit_record(actor=actor, action="catalog.item.retire", obj=item, object_id=item.code,
                     details={"reason": reason})
        search_index_later("item", item.code)  # retired: the index drops it
    return item


def item_reinstate(*, actor, item: Item) -> Item:
    with transaction.atomic():
        item.status, item.retire_reason = (
            Item.objects.select_for_update().values_list("status", "retire_reason").get(pk=item.pk)
        )
        if not item.is_retired:
            raise Conflict(f"事项未停用,无需恢复:{item.code}")
        previous_reason = item.retire_reason
        item.status = Item.Status.ACTIVE
        item.retired_at = None
        item.retire_reason = ""
        item.save(update_fields=["status", "retired_at", "retire_reason", "updated_at"])
        audit_record(actor=actor, action="catalog.item.reinstate", obj=item, object_id=item.code,
                     details={"previous_reason": previous_reason})
        search_index_later("item", item.code)
    return item


def _material_clean(index: int, row) -> dict:
    where = f"第{index}项申请材料"
    if not isinstance(row, dict):
        raise ValidationFailed(f"{where}格式不正确")
    unknown = sorted(set(row) - MATERIAL_FIELDS - {"seq", "id", "item"})
    if unknown:
        raise ValidationFailed(f"{where}含有未知字段:{'、'.join(unknown)}")
    name = row.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed(f"{where}的材料名称不能为空")
    if len(name) > 200:
        raise ValidationFailed(f"{where}的材料名称不能超过200个字")
    form = row.get("form") or ItemMaterial.Form.BOTH
    if form not in ItemMaterial.Form.values:
        raise ValidationFailed(f"{where}的材料形式无效")
    counts = {}
    for key, default, label in (("originals", 0, "原件份数"), ("copies", 1, "复印件份数")):
        value = row.get(key, default)
        if value is None or value == "":
            value = default
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999:
            raise ValidationFailed(f"{where}的{label}必须是非负整数")
        counts[key] = value
    required = row.get("required", True)
    if not isinstance(required, bool):
        raise ValidationFailed(f"{where}的“必需”必须是“是”或“否”")
    note = row.get("note") or ""
    if not isinstance(note, str) or len(note) > 200:
        raise ValidationFailed(f"{where}的备注不能超过200个字")
    return {"name": name, "form": form, **counts, "required": required, "note": note.strip()}


def material_set(*, actor, item: Item, materials: list[dict]) -> list[ItemMaterial]:
    """Replace an item's list of application materials, numbered in the given order."""
    if not isinstance(materials, (list, tuple)):
        raise ValidationFailed("申请材料必须是列表")
    rows = [_material_clean(i, row) for i, row in enumerate(materials, start=1)]
    with transaction.atomic():
        before = list(ItemMaterial.objects.filter(item=item).order_by("seq").values(*sorted(MATERIAL_FIELDS)))
        if before == [{k: r[k] for k in sorted(MATERIAL_FIELDS)} for r in rows]:
            return list(ItemMaterial.objects.filter(item=item).order_by("seq"))
        ItemMaterial.objects.filter(item=item).delete()
        created = ItemMaterial.objects.bulk_create(
            [ItemMaterial(item=item, seq=i, **row) for i, row in enumerate(rows, start=1)]
        )
        Item.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        audit_record(actor=actor, action="catalog.item.materials_set", obj=item, object_id=item.code,
                     details={"before": before, "after": rows})
        search_index_later("item", item.code)
    return created


def work_area_assign_department(*, actor, work_area: WorkArea, department: Unit | None) -> WorkArea:
    """Make a department responsible for a work area.

    Items of the area that have no department yet get it as their implementing
    department, and its name as implementing body unless the county already wrote one.
    Items already assigned elsewhere keep their department.
    """
    if department is not None and (not isinstance(department, Unit) or department.pk is None):
        raise ValidationFailed("主管部门无效", details={"field": "department"})
    with transaction.atomic():
        area = WorkArea.objects.select_for_update().get(pk=work_area.pk)
        before = area.department.code if area.department_id else None
        area.department = department
        area.save(update_fields=["department"])
        filled: list[str] = []
        if department is not None:
            now = timezone.now()
            pending = Item.objects.filter(work_area=area, department__isnull=True)
            filled = list(pending.values_list("code", flat=True))
            pending.filter(implementing_body="").update(implementing_body=department.name)
            pending.update(department=department, updated_at=now)
        audit_record(actor=actor, action="catalog.work_area.assign_department", obj=area, object_id=area.code,
                     details={"before": before, "after": department.code if department else None,
                              "items_assigned": filled})
    work_area.department = department
    return area
