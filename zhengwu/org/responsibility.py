"""The one answer to "may this person act for this unit, in this post" (issue 14).

Every app asks here, whatever the thing is (a case step, a letter's hop, a disclosure
request, a draft, a rectification, a downloaded file), and nobody writes the rule again.
It is exposed twice, in the manner of Zulip's ``access_*_by_id`` gates:

* as a Python check for services and download rules: ``acts_for`` (a bool, one prepared
  statement, asked on every case step) and ``access_unit`` (raises the Chinese
  ``PermissionDenied``, or ``NotFound`` where another department's thing must look
  missing);
* as the equivalent query filter for selectors and inboxes: ``acts_for_q`` (the thing
  carries its unit) and ``Posts.post_q`` (the thing carries its unit and the post it
  needs, e.g. a case's current step).

The rule:

1. Only an active staff account acts for anyone.
2. A post held in a unit counts for that unit; a post held in a section (科室) also counts
   for the department directly above it. A department's parent is the county: holding a
   post in a department never makes it a county-wide one.
3. A thing that belongs to no unit is answered by whoever holds the post anywhere, where
   the caller says so (``unowned=True``): an item without a department, or the
   acceptance step that the service hall's window clerks (窗口人员) take for every
   department.
4. "Any post" means the business posts: the separated admin posts (三员) do no business
   work and count for nothing here.
5. A unit that has ended (merged, split or abolished, 机构沿革 — ADR 0014) is answered by
   its successor: a post that counts for the successor counts for every unit whose
   ``successor`` it is. ``Unit.successor`` always names the live end of the chain, so
   this is one hop.

Whose unit a thing belongs to is the caller's fact (a joint-review step names its own
department, a letter its hop's unit); which units a person acts for is this module's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from zhengwu.core import fastsql, request_context
from zhengwu.core.errors import NotFound, PermissionDenied

from .models import Assignment, Unit
from .roles import SEPARATED_ADMIN_ROLES, Role

BUSINESS_ROLES = frozenset(r for r in Role.values if r not in SEPARATED_ADMIN_ROLES)

__all__ = [
    "BUSINESS_ROLES", "Posts", "access_unit", "acts_for", "acts_for_q",
    "departments_for", "post_holders", "posts_for",
]


def _roles(roles) -> frozenset[str]:
    if roles is None:
        return BUSINESS_ROLES
    if isinstance(roles, str):
        return frozenset({str(roles)})
    return frozenset(str(r) for r in roles)


def _acting_user_id(user) -> int | None:
    """The user's id if the account may act for anyone at all (rule 1), else None."""
    if not getattr(user, "pk", None) or not getattr(user, "is_active", False):
        return None
    if getattr(user, "kind", "staff") != "staff":
        return None
    return user.pk


@dataclass(frozen=True)
class Posts:
    """A person's posts, reduced to the units each counts for (rule 2). One query."""

    user_id: int | None
    units_by_role: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def holds(self, roles=None) -> bool:
        """Whether the person holds one of ``roles`` (default: any business post) anywhere."""
        return any(r in self.units_by_role for r in _roles(roles))

    def units(self, roles=None) -> frozenset[int]:
        """The units the person acts for in one of ``roles`` (default: any business post)."""
        out: set[int] = set()
        for r in _roles(roles):
            out |= self.units_by_role.get(r, frozenset())
        return frozenset(out)

    def covers(self, unit_id: int | None, roles=None, *, unowned: bool = False) -> bool:
        """The Python check: may the person act for ``unit_id`` in one of ``roles``?"""
        wanted = _roles(roles)
        if unit_id is None:
            return unowned and self.holds(wanted)
        return unit_id in self.units(wanted)

    def q(self, field_name: str, roles=None, *, unowned: bool = False) -> Q:
        """The query filter twin of ``covers`` for rows whose unit is ``field_name``."""
        wanted = _roles(roles)
        if not self.holds(wanted):
            return Q(pk__in=[])
        q = Q(**{f"{field_name}__in": sorted(self.units(wanted))})
        if unowned:
            q |= Q(**{f"{field_name}__isnull": True})
        return q

    def post_q(self, *, unit_field: str, role_field: str, unowned: bool = False) -> Q:
        """Rows that name both their unit and the post they need (a case's current step):
        those where the person holds that post for that unit. The filter twin of
        ``covers(unit, role)`` asked row by row."""
        q = Q(pk__in=[])
        for role in sorted(self.units_by_role):
            where = Q(**{f"{unit_field}__in": sorted(self.units_by_role[role])})
            if unowned:
                where |= Q(**{f"{unit_field}__isnull": True})
            q |= Q(**{role_field: role}) & where
        return q


def assignment_rows(user_id: int) -> tuple[tuple, ...]:
    """(role, unit id, unit kind, unit parent id, predecessor id, parent's predecessor id,
    unit name, unit sort order, unit code) of every post the user holds (one row per
    predecessor pair). The name and order serve the workbench frame's "单位·岗位" line,
    so a staff page needs no second query for them.

    One query per request at most (``request_context.memo``): a staff page asks for the
    user's posts from the access rule, the menu's links and the page's selector, and
    each asked the database again. Org services that change posts or units forget the
    memo, so a request that writes them reads its own write.
    """
    # The predecessors (rule 5) come in the same query as LEFT JOINs: still one query.
    return request_context.memo(("org.assignment_rows", user_id), lambda: tuple(
        Assignment.objects.filter(user_id=user_id).values_list(
            "role", "unit_id", "unit__kind", "unit__parent_id", "unit__predecessors__id", "unit__parent__predecessors__id",
            "unit__name", "unit__sort_order", "unit__code",
        )))


def post_titles(user) -> list[tuple[str, str]]:
    """(unit name, role) of every post ``user`` holds, in the organisation's order; from
    the request's one posts query (``assignment_rows``)."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return []
    seen = {(row[6], row[7], row[8], row[0]) for row in assignment_rows(user_id)}
    return [(name, role) for name, _order, _code, role in sorted(seen, key=lambda r: (r[1], r[2], r[3]))]


def _posts(user_id: int, rows) -> Posts:
    units: dict[str, set[int]] = {}
    for role, unit_id, kind, parent_id, predecessor_id, parent_predecessor_id, *_names in rows:
        bucket = units.setdefault(role, set())
        bucket.add(unit_id)
        if predecessor_id is not None:
            bucket.add(predecessor_id)
        if kind == Unit.Kind.SECTION and parent_id is not None:
            bucket.add(parent_id)
            if parent_predecessor_id is not None:
                bucket.add(parent_predecessor_id)
    return Posts(user_id=user_id, units_by_role={r: frozenset(ids) for r, ids in units.items()})


def posts_for(user) -> Posts:
    """Load the person's posts (one query); ask it as many questions as a page needs."""
    user_id = _acting_user_id(user)
    if user_id is None:
        return Posts(user_id=None)
    return _posts(user_id, assignment_rows(user_id))


def departments_for(user, roles=None) -> frozenset[int]:
    """The units ``user`` acts for in one of ``roles`` (default: any business post)."""
    return posts_for(user).units(roles)


def acts_for(user, *, unit_id: int | None, roles=None, unowned: bool = False) -> bool:
    """May ``user`` act for ``unit_id`` in one of ``roles``? One prepared statement.

    Asked before every case action, so it is not ``posts_for(...).covers(...)`` (an ORM
    query and a Python set per call) but the same rule written once in SQL; the tests in
    ``org/tests/test_responsibility.py`` hold the two to the same answers.
    """
    user_id = _acting_user_id(user)
    wanted = sorted(_roles(roles))
    if user_id is None or not wanted:
        return False
    if unit_id is None and not unowned:
        return False
    qn = connection.ops.quote_name
    a, u = qn(Assignment._meta.db_table), qn(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(wanted))
    sql = f"SELECT 1 FROM {a} a WHERE a.user_id = %s AND a.role IN ({marks})"  # noqa: S608 - names from the models
    params: list = [user_id, *wanted]
    if unit_id is not None:
        # The unit itself or its sections, or (rule 5) its successor or the successor's sections.
        sql += (
            f" AND (a.unit_id = %s OR a.unit_id IN (SELECT id FROM {u} WHERE parent_id = %s AND kind = %s)"
            f" OR a.unit_id IN (SELECT successor_id FROM {u} WHERE id = %s)"
            f" OR a.unit_id IN (SELECT s.id FROM {u} s JOIN {u} p ON s.parent_id = p.successor_id"
            f" WHERE p.id = %s AND s.kind = %s))"
        )
        section = Unit.Kind.SECTION.value
        params += [unit_id, unit_id, section, unit_id, unit_id, section]
    return fastsql.fetch_one(sql + " LIMIT 1", params) is not None


def access_unit(user, *, unit_id: int | None, roles=None, message: str, code: str = "wrong_role",
                hide: bool = False, unowned: bool = False) -> None:
    """Raise unless ``user`` acts for ``unit_id`` in one of ``roles``.

    ``hide=True`` raises NotFound with ``message`` instead of PermissionDenied: another
    department's request or draft then looks exactly like a missing one.
    """
    if acts_for(user, unit_id=unit_id, roles=roles, unowned=unowned):
        return
    if hide:
        raise NotFound(message, code=code)
    raise PermissionDenied(message, code=code)


def acts_for_q(user, field_name: str, roles=None, *, unowned: bool = False) -> Q:
    """The query filter of ``acts_for``: rows whose unit (``field_name``) ``user`` acts for."""
    return posts_for(user).q(field_name, roles, unowned=unowned)


def post_holders(*, unit_id: int | None, roles, active_only: bool = True):
    """The assignments through which people act for ``unit_id`` in one of ``roles``, the
    reverse of ``acts_for`` (transfer lists, notification recipients); unit loaded."""
    wanted = sorted(_roles(roles))
    qs = Assignment.objects.filter(role__in=wanted)
    if active_only:
        qs = qs.filter(user__is_active=True, user__kind="staff")
    if unit_id is not None:
        # The unit and (rule 5) its successor, as a subquery: same number of queries.
        answering = Unit.objects.filter(Q(pk=unit_id) | Q(predecessors__id=unit_id)).values("pk")
        qs = qs.filter(Q(unit_id__in=answering) | Q(unit__parent_id__in=answering, unit__kind=Unit.Kind.SECTION))
    return qs.select_related("unit")


def units_named(ids: Iterable[int]) -> list[Unit]:
    """The units of ``ids`` in display order (choice lists built from ``departments_for``).

    Only live units: a post also counts for the units merged into its own (rule 5), but
    nothing new is filed under an ended unit."""
    return list(Unit.objects.filter(pk__in=list(ids), is_active=True).order_by("sort_order", "code"))
