"""Loading the demo county (示例县): units, work-area owners, implementation lists,
site identity and demo accounts.

Every step goes through the owning app's services and only fills what is missing, so
running it again changes nothing (and writes no audit rows), and it never overwrites
what a county has since edited by hand.
"""

from __future__ import annotations

import json
from datetime import date
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from zhengwu.accounts import mfa as account_mfa
from zhengwu.accounts import services as account_services
from zhengwu.accounts.models import User, id_number_index_for
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.models import Category, Item, ItemMaterial, WorkArea
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import SiteIdentity
from zhengwu.core.registries.demo import demo_loaders
from zhengwu.cases.models import ProcessDefinition
from zhengwu.cases.services import default_steps_for, process_definition_publish
from zhengwu.catalog.succession import item_department_move
from zhengwu.org import services as org_services
from zhengwu.org.services import history as org_history
from zhengwu.org.models import Assignment, Unit, UnitChange
from zhengwu.org.roles import Role

DEMO_DATA_PATH = Path(__file__).resolve().parent / "data" / "demo_county.json"

_SITE_FIELDS = ("site_name", "sponsor", "site_code", "icp_record", "police_record", "address", "phone")


@dataclass
class DemoAccount:
    login: str
    kind: str
    name: str
    post: str


@dataclass
class DemoReport:
    units_created: int = 0
    areas_assigned: int = 0
    items_updated: int = 0
    materials_set: int = 0
    accounts_created: int = 0
    posts_granted: int = 0
    site_updated: bool = False
    reform_applied: bool = False
    accounts: list[DemoAccount] = field(default_factory=list)
    password: str = ""
    totp_secret: str = ""

    @property
    def changed(self) -> bool:
        return any((self.units_created, self.areas_assigned, self.items_updated, self.materials_set,
                    self.accounts_created, self.posts_granted, self.site_updated, self.reform_applied))


def demo_data_read() -> dict:
    with DEMO_DATA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _load_units(rows: list[dict], report: DemoReport) -> dict[str, Unit]:
    units = {u.code: u for u in Unit.objects.filter(code__in=[r["code"] for r in rows])}
    # Rows are listed parents first, so each parent exists before its children.
    for row in rows:
        if row["code"] in units:
            continue
        parent = units[row["parent"]] if row.get("parent") else None
        units[row["code"]] = org_services.unit_create(
            actor=None,
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            parent=parent,
            responsibilities=row.get("responsibilities", ""),
            address=row.get("address", ""),
            phone=row.get("phone", ""),
            sort_order=row.get("sort_order", 0),
        )
        report.units_created += 1
    return units


def _assign_work_areas(mapping: dict[str, str], units: dict[str, Unit], report: DemoReport) -> None:
    areas = {a.code: a for a in WorkArea.objects.filter(code__in=list(mapping))}
    missing = sorted(set(mapping) - set(areas))
    if missing:
        raise ValidationFailed(
            "事项目录尚未载入或不完整,请先运行 manage.py load_catalog", details={"missing_work_areas": missing}
        )
    for code, unit_code in mapping.items():
        area, unit = areas[code], units[unit_code]
        if area.department_id is None:
            catalog_services.work_area_assign_department(actor=None, work_area=area, department=unit)
            report.areas_assigned += 1


def _blank(value) -> bool:
    return value is None or value == ""


def _place_detailed_items(detailed: dict, units: dict[str, Unit], report: DemoReport) -> None:
    """Give the detailed items their own department before areas hand out theirs.

    社会保障卡办理 is a convenience item, yet the 人社局 runs it, not the service centre.
    """
    for item in Item.objects.filter(code__in=list(detailed), department__isnull=True):
        spec = detailed[item.code]
        wanted = {"department": units[spec["department"]]}
        if _blank(item.implementing_body) and spec.get("implementing_body"):
            wanted["implementing_body"] = spec["implementing_body"]
        catalog_services.item_update(actor=None, item=item, **wanted)
        report.items_updated += 1


def _fill_items(data: dict, units: dict[str, Unit], report: DemoReport) -> None:
    defaults = data["item_defaults"]
    detailed = data["items"]
    items = Item.objects.filter(category__in=[Category.POWER, Category.CONVENIENCE]).select_related("department")
    with_materials = set(ItemMaterial.objects.values_list("item_id", flat=True).distinct())
    for item in items:
        spec = detailed.get(item.code)
        wanted: dict = {}
        materials = []
        if spec:
            spec = {k: v for k, v in spec.items() if k not in ("department", "implementing_body")}
            materials = spec.pop("materials", [])
            fresh = _blank(item.place)  # the list was never filled in
            for name, value in spec.items():
                # Fields the demo data leaves empty stay empty: no invented law or limits.
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    # A boolean has no "blank": set it only while the list is still unfilled.
                    if fresh and getattr(item, name) != value:
                        wanted[name] = value
                elif _blank(getattr(item, name)):
                    wanted[name] = value
        department = item.department
        for name, value in defaults.items():
            if name == "place_by_department" or name in wanted or not _blank(getattr(item, name)):
                continue
            if name == "place":
                special = defaults.get("place_by_department", {}).get(department.code if department else "")
                value = special or value.format(department=department.name if department else "综合")
            wanted[name] = value
        if department is not None and _blank(item.consultation_phone) and "consultation_phone" not in wanted:
            if department.phone:
                wanted["consultation_phone"] = department.phone
        if department is not None and _blank(item.implementing_body) and "implementing_body" not in wanted:
            wanted["implementing_body"] = department.name
        online = wanted.get("online_application", item.online_application)
        if wanted.get("online_depth") in catalog_services.ONLINE_DEPTHS and not online:
            # A county switched online application off by hand: do not claim it again.
            del wanted["online_depth"]
        if wanted:
            catalog_services.item_update(actor=None, item=item, **wanted)
            report.items_updated += 1
        if materials and item.pk not in with_materials:
            catalog_services.material_set(actor=None, item=item, materials=materials)
            report.materials_set += 1


@transaction.atomic
def _site_identity_fill(values: dict, report: DemoReport) -> None:
    site = SiteIdentity.objects.select_for_update().filter(pk=1).first()
    created = site is None
    if created:
        site = SiteIdentity(pk=1)
    changes = {}
    for name in _SITE_FIELDS:
        value = values.get(name, "")
        current = getattr(site, name)
        # Model defaults (site name, sponsor) count as unset only for a new row.
        if value and (created or not current) and current != value:
            changes[name] = {"before": "" if created else current, "after": value}
            setattr(site, name, value)
    if not created and not changes:
        return
    site.save()
    audit_record(actor=None, action="core.site_identity.update", obj=site, details={"changes": changes, "demo": True})
    report.site_updated = True


def _load_accounts(spec: dict, units: dict[str, Unit], report: DemoReport) -> None:
    password = spec["password"]
    report.password = password
    for row in spec.get("citizens", []):
        # Citizens are found by the ID number's blind index (the number itself is encrypted).
        if not User.objects.filter(id_number_index=id_number_index_for(row["id_number"])).exists():
            account_services.citizen_register(
                name=row["name"], id_number=row["id_number"], phone=row["phone"], password=password, is_demo=True
            )
            report.accounts_created += 1
        report.accounts.append(DemoAccount(row["id_number"], "自然人", row["name"], "—"))
    for row in spec.get("enterprises", []):
        if not User.objects.filter(username=row["credit_code"]).exists():
            account_services.enterprise_register(
                name=row["name"],
                credit_code=row["credit_code"],
                legal_representative=row["legal_representative"],
                phone=row["phone"],
                password=password,
                is_demo=True,
            )
            report.accounts_created += 1
        report.accounts.append(DemoAccount(row["credit_code"], "法人", row["name"], "—"))
    for row in spec.get("staff", []):
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            user = account_services.staff_create(
                actor=None, username=row["username"], real_name=row["real_name"],
                phone=row.get("phone", ""), password=password, is_demo=True,
            )
            report.accounts_created += 1
        if user.is_demo:
            # A published second-factor secret, so the demo works without a phone app.
            account_mfa.demo_totp_device_ensure(user=user)
            report.totp_secret = account_mfa.demo_totp_secret_base32()
        unit = units[row["unit"]]
        if not Assignment.objects.filter(user=user, unit=unit, role=row["role"]).exists():
            org_services.assignment_grant(actor=None, user=user, unit=unit, role=row["role"])
            report.posts_granted += 1
        report.accounts.append(DemoAccount(row["username"], "工作人员", row["real_name"], f"{unit.name} {Role(row['role']).label}"))


def _apply_reform(spec: dict, units: dict[str, Unit], report: DemoReport) -> None:
    """Carry the 2011 catalog's departments into today's through the 2019 reform, dated,
    through org's institutional-change services (ADR 0014), so the history is real: a
    record of 2018 names 县国土资源局, today's pages 县自然资源局. Once: a county whose
    2019 merges are on record is left alone."""
    effective_on = date.fromisoformat(spec["effective_on"])
    basis = spec.get("basis", "")
    first_merge = spec["merges"][0]["units"][0]
    if not UnitChange.objects.filter(sources__code=first_merge).exists():
        county = units["SLX"]
        for row in spec.get("new_units", []):
            if row["code"] not in units:
                units[row["code"]] = Unit.objects.filter(code=row["code"]).first() or org_services.unit_create(
                    actor=None, code=row["code"], name=row["name"], kind=Unit.Kind.DEPARTMENT, parent=county,
                    phone=row.get("phone", ""), sort_order=row.get("sort_order", 0),
                    responsibilities=row.get("responsibilities", ""),
                )
        for row in spec["merges"]:
            org_history.unit_merge(actor=None, units=[units[c] for c in row["units"]], into=units[row["into"]],
                                   effective_on=effective_on, basis=basis)
        for row in spec.get("renames", []):
            org_history.unit_rename(actor=None, unit=Unit.objects.get(code=row["unit"]), name=row["name"],
                                    effective_on=effective_on, basis=basis)
        report.reform_applied = True
    for code in [r["code"] for r in spec.get("new_units", [])]:
        units.setdefault(code, Unit.objects.get(code=code))
    for code, unit in list(units.items()):
        units[code] = Unit.objects.get(pk=unit.pk)  # names and successors as they are now
    _homestead_to_township(spec.get("homestead"), units, report)


def _homestead_to_township(spec: dict | None, units: dict[str, Unit], report: DemoReport) -> None:
    """宅基地审批 goes to the township government, reviewed by 自然资源 and 农业农村."""
    if not spec:
        return
    item = Item.objects.filter(code=spec["item"]).first()
    township = units[spec["department"]]
    if item is None or item.department_id == township.pk:
        return
    item = item_department_move(
        actor=None, item=item, department=township, effective_on=date.fromisoformat(spec["effective_on"]),
        implementing_body=spec.get("implementing_body", ""), reason=spec.get("_comment", "宅基地审批下放乡镇"),
    )
    if not ProcessDefinition.objects.filter(item=item).exists():
        accept, review, approve, conclude = default_steps_for(item)
        # The two reviews share the review step's days, so the item keeps its promised limit.
        joint_days = review["limit_days"] // 2
        review = {**review, "limit_days": review["limit_days"] - joint_days, "warn_days": 1,
                  "department": units[spec["review"]].code}
        joint = {**review, "key": "joint_review", "name": "联合审查", "limit_days": joint_days,
                 "department": units[spec["joint_review"]].code, "outcomes": ["review_pass", "return", "transfer"]}
        process_definition_publish(actor=None, item=item, steps=[accept, review, joint, approve, conclude])
    report.items_updated += 1


def demo_extras_load() -> list[str]:
    """Run the demo loaders other apps registered (``zhengwu.core.registries.demo``) in order.

    Each runs in its own transaction.
    """
    lines = []
    for _name, loader in demo_loaders():
        with transaction.atomic():
            lines.append(loader())
    return lines


@transaction.atomic
def demo_county_load(*, data: dict | None = None) -> DemoReport:
    """Create the demo county on top of a loaded catalog; all or nothing, idempotent.

    The actor is the system (None): this runs from ``manage.py load_demo_county``.
    """
    data = data or demo_data_read()
    report = DemoReport()
    units = _load_units(data["units"], report)
    _place_detailed_items(data["items"], units, report)
    _assign_work_areas(data["work_areas"], units, report)
    _fill_items(data, units, report)
    if data.get("reform_2019"):
        _apply_reform(data["reform_2019"], units, report)
    _site_identity_fill(data.get("site_identity", {}), report)
    _load_accounts(data["accounts"], units, report)
    return report
