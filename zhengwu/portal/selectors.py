"""Reads that compose several apps' data for one portal page.

The portal owns no data; these only combine the catalog's and the organisation's own
reads into the shape a page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.catalog.models import Item
from zhengwu.core.errors import ValidationFailed
from zhengwu.org import selectors as org_selectors
from zhengwu.org.models import Unit

# The county service centre is a department-level unit; counties name it this way
# (县政务服务中心 / 县行政服务中心) and the org model has no dedicated kind for it.
SERVICE_CENTRE_SUFFIXES = ("政务服务中心", "行政服务中心")


@dataclass
class DirectoryRow:
    code: str
    name: str
    address: str
    consultation_phones: list[str] = field(default_factory=list)
    supervision_phones: list[str] = field(default_factory=list)


@dataclass
class ContactDirectory:
    service_centre: Unit | None
    departments: list[DirectoryRow]
    service_points: list[Unit] = field(default_factory=list)

    @property
    def shared_supervision_phones(self) -> list[str]:
        """The supervision phones when every department publishes the same ones (usually
        the county supervision bureau's), so a page can say it once."""
        sets = {tuple(row.supervision_phones) for row in self.departments if row.supervision_phones}
        if len(sets) == 1:
            return list(next(iter(sets)))
        return []


def contact_directory() -> ContactDirectory:
    """Return the public phone directory: per department the consultation and supervision
    phones its items publish (the department's own phone when its items publish none),
    plus the county service centre and the township service points (代办点). Four queries
    whatever the size."""
    departments = list(catalog_selectors.department_list())
    published = (
        Item.objects.filter(status=Item.Status.ACTIVE, department__isnull=False)
        .exclude(consultation_phone="", supervision_phone="")
        .values_list("department_id", "consultation_phone", "supervision_phone")
        .distinct()
        .order_by("department_id", "consultation_phone", "supervision_phone")
    )
    consult: dict[int, list[str]] = {}
    supervise: dict[int, list[str]] = {}
    for dept_id, consultation_phone, supervision_phone in published:
        if consultation_phone and consultation_phone not in consult.setdefault(dept_id, []):
            consult[dept_id].append(consultation_phone)
        if supervision_phone and supervision_phone not in supervise.setdefault(dept_id, []):
            supervise[dept_id].append(supervision_phone)
    rows = [
        DirectoryRow(
            code=dept.code,
            name=dept.name,
            address=dept.address,
            consultation_phones=consult.get(dept.pk) or ([dept.phone] if dept.phone else []),
            supervision_phones=supervise.get(dept.pk, []),
        )
        for dept in departments
    ]
    by_name = Q()
    for suffix in SERVICE_CENTRE_SUFFIXES:
        by_name |= Q(name__endswith=suffix)
    centre = (
        Unit.objects.filter(by_name, kind=Unit.Kind.DEPARTMENT, is_active=True)
        .order_by("sort_order", "code")
        .first()
    )
    service_points = org_selectors.unit_list(kinds=[Unit.Kind.SERVICE_POINT])
    return ContactDirectory(service_centre=centre, departments=rows, service_points=service_points)


TOWNSHIP_KINDS = (Unit.Kind.TOWNSHIP, Unit.Kind.STREET)


@dataclass
class TownshipRow:
    unit: Unit
    service_points: list[Unit]


def township_directory() -> list[TownshipRow]:
    """Townships and streets in order, each with its service centres (代办点); two queries."""
    towns = org_selectors.unit_list(kinds=TOWNSHIP_KINDS)
    points: dict[int, list[Unit]] = {}
    for point in org_selectors.unit_list(kinds=[Unit.Kind.SERVICE_POINT]):
        points.setdefault(point.parent_id, []).append(point)
    return [TownshipRow(unit=t, service_points=points.get(t.pk, [])) for t in towns]


def township_get(*, code: str) -> TownshipRow:
    """One township or street by code with its service centres, or a Chinese ValidationFailed."""
    for row in township_directory():
        if row.unit.code == code:
            return row
    raise ValidationFailed(f"未知的乡镇(街道):{code}", code="unknown_township")
