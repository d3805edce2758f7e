"""Reads of the organisation tree and of who holds which post (who acts for which unit: ``responsibility``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from zhengwu.core.errors import NotFound

from . import responsibility
from .models import Assignment, Unit, UnitChange, UnitName


@dataclass
class UnitNode:
    unit: Unit
    depth: int = 0
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(*, include_inactive: bool = False) -> list[UnitNode]:
    """Return the whole tree as nested nodes, roots first, built from one query."""
    qs = Unit.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    units = list(qs.order_by("sort_order", "code"))
    nodes = {u.pk: UnitNode(unit=u) for u in units}
    roots: list[UnitNode] = []
    for unit in units:
        node = nodes[unit.pk]
        parent = nodes.get(unit.parent_id)
        if parent is None:
            # A unit under an inactive parent is left out with its parent.
            if unit.parent_id is None:
                roots.append(node)
            continue
        parent.children.append(node)

    def set_depth(node: UnitNode, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return roots


def unit_tree_flat(*, include_inactive: bool = False) -> list[UnitNode]:
    """Return the tree in display order (depth-first) for indented lists."""
    out: list[UnitNode] = []

    def walk(nodes):
        for node in nodes:
            out.append(node)
            walk(node.children)

    walk(unit_tree(include_inactive=include_inactive))
    return out


def unit_get(code: str) -> Unit:
    try:
        return Unit.objects.select_related("parent").get(code=code)
    except Unit.DoesNotExist:
        raise NotFound(f"机构“{code}”不存在", code="unit_not_found") from None


def unit_list(*, kinds=None, active_only: bool = True) -> list[Unit]:
    qs = Unit.objects.all()
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("sort_order", "code"))


def user_roles(user) -> list[Assignment]:
    """Return the posts a user holds, each with its unit loaded."""
    if not getattr(user, "pk", None):
        return []
    return list(Assignment.objects.filter(user=user).select_related("unit").order_by("unit__sort_order", "unit__code", "role"))


def user_has_role(user, role: str, *, unit: Unit | None = None) -> bool:
    if not getattr(user, "pk", None) or not user.is_active:
        return False
    qs = Assignment.objects.filter(user=user, role=role)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.exists()


def units_for_user(user) -> list[Unit]:
    """Return the distinct units where the user holds any post."""
    if not getattr(user, "pk", None):
        return []
    return list(Unit.objects.filter(assignments__user=user).distinct().order_by("sort_order", "code"))


def user_holds_any_role(user, roles) -> bool:
    """Return whether an active user holds any of ``roles`` in any unit.

    The role checker behind ``@access(..., roles=[...])`` (settings.ZHENGWU_ROLE_CHECKER);
    ``is_superuser`` plays no part.
    """
    if not getattr(user, "pk", None) or not user.is_active or not roles:
        return False
    wanted = {str(r) for r in roles}
    return any(row[0] in wanted for row in responsibility.assignment_rows(user.pk))


def user_role_labels(user) -> list[str]:
    """The distinct Role values a user holds, sorted; the audit trail's ``role`` column
    (core reads it through settings.ZHENGWU_AUDIT_ROLE_RESOLVER, never importing org)."""
    if not getattr(user, "pk", None):
        return []
    return sorted(set(Assignment.objects.filter(user_id=user.pk).values_list("role", flat=True)))


def local_day(on) -> dt.date | None:
    """The Beijing calendar day of ``on`` (a date, an aware datetime or None)."""
    if on is None:
        return None
    if isinstance(on, dt.datetime):
        return timezone.localdate(on) if timezone.is_aware(on) else on.date()
    return on


def unit_name_on(unit: Unit | int | None, on) -> str:
    """The name ``unit`` bore on ``on`` (a date or an aware datetime): pages about older
    records show it, so a 2018 case names 国土资源局 where today's pages say 自然资源局.
    One query; a unit that never changed (or a day before it existed) gives its name now."""
    if unit is None:
        return ""
    unit_id = unit if isinstance(unit, int) else unit.pk
    day = local_day(on)
    if day is not None:
        name = (UnitName.objects.filter(unit_id=unit_id)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
                .values_list("name", flat=True).first())
        if name:
            return name
    if isinstance(unit, Unit):
        return unit.name
    return Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""


@dataclass
class UnitHistory:
    unit: Unit
    names: list[UnitName]
    changes: list[UnitChange]
    predecessors: list[Unit]


def unit_history(unit: Unit) -> UnitHistory:
    """A unit's 机构沿革: its names over time, the changes it took part in, the units merged
    into it. Four queries."""
    changes = list(
        UnitChange.objects.filter(Q(sources=unit) | Q(targets=unit)).distinct()
        .prefetch_related("sources", "targets").order_by("effective_on", "pk")
    )
    return UnitHistory(
        unit=unit,
        names=list(UnitName.objects.filter(unit=unit).order_by(F("valid_from").asc(nulls_first=True), "pk")),
        changes=changes,
        predecessors=list(Unit.objects.filter(successor=unit).order_by("sort_order", "code")),
    )


def unit_change_list(*, limit: int = 200) -> list[UnitChange]:
    """Every registered change, newest effective date first (the 机构沿革 page). Two queries."""
    return list(UnitChange.objects.prefetch_related("sources", "targets").order_by("-effective_on", "-pk")[:limit])
