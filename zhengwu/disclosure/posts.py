"""Which departments a person writes for, publishes for, or may see the drafts of.

A post held in a section (科室, e.g. 政务公开科) counts for the section's department: the
disclosure belongs to the department, not to the section.
"""

from __future__ import annotations

from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import SEPARATED_ADMIN_ROLES, Role

EDITOR_ROLES = frozenset({Role.EDITOR})
PUBLISHER_ROLES = frozenset({Role.PUBLISHER})
OFFICE_ROLES = frozenset({Role.EDITOR, Role.PUBLISHER})
SITE_HEALTH_ROLES = frozenset({Role.EDITOR, Role.PUBLISHER, Role.SYSTEM_ADMIN, Role.SUPERVISOR})


def _department_ids(user, roles=None) -> set[int]:
    if not getattr(user, "pk", None) or not user.is_active:
        return set()
    qs = Assignment.objects.filter(user_id=user.pk)
    if roles is None:
        qs = qs.exclude(role__in=list(SEPARATED_ADMIN_ROLES))
    else:
        qs = qs.filter(role__in=list(roles))
    out = set()
    for unit_id, kind, parent_id in qs.values_list("unit_id", "unit__kind", "unit__parent_id"):
        out.add(parent_id if kind == Unit.Kind.SECTION and parent_id else unit_id)
    return out


def editor_department_ids(user) -> set[int]:
    return _department_ids(user, EDITOR_ROLES)


def publisher_department_ids(user) -> set[int]:
    return _department_ids(user, PUBLISHER_ROLES)


def office_department_ids(user) -> set[int]:
    """Departments whose drafts and queues the person works on (editor or publisher)."""
    return _department_ids(user, OFFICE_ROLES)


def staff_department_ids(user) -> set[int]:
    """Departments of any business post (who may read a department's unpublished attachments)."""
    return _department_ids(user)


def is_system(actor) -> bool:
    """The platform itself (scheduled publishing, demo and historical imports) acts as None."""
    return actor is None
