"""Who may do what with letters: the letters office, the departments, supervision.

* 信件分办员 (LETTER_CLERK): triage, assignment, transfer and publication of every letter.
* 承办人 (HANDLER) and 部门负责人 (DEPARTMENT_HEAD) of a department: the letters that
  have stopped at their department (a section's post counts for its department).
* 监察人员 (SUPERVISOR): read every letter (监察 watches every clock), change nothing.
"""

from __future__ import annotations

from zhengwu.org.models import Assignment
from zhengwu.org.roles import Role

# Posts that may open the staff letter pages at all.
STAFF_ROLES = (Role.LETTER_CLERK, Role.HANDLER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)
DEPARTMENT_ROLES = (Role.HANDLER, Role.DEPARTMENT_HEAD)


def _active(user) -> bool:
    return bool(getattr(user, "pk", None) and user.is_active and getattr(user, "kind", None) == "staff")


def units_with_roles(user, roles) -> set[int]:
    """Units where ``user`` holds one of ``roles``, and each such unit's parent."""
    if not _active(user):
        return set()
    from zhengwu.org.models import Unit

    rows = Assignment.objects.filter(user_id=user.pk, role__in=[str(r) for r in roles]).values_list(
        "unit_id", "unit__parent_id", "unit__kind",
    )
    out: set[int] = set()
    for unit_id, parent_id, kind in rows:
        out.add(unit_id)
        # A section's post works for its department; a department's parent is the county,
        # which must not make the post a county-wide one.
        if parent_id is not None and kind == Unit.Kind.SECTION:
            out.add(parent_id)
    return out


def holds(user, role) -> bool:
    if not _active(user):
        return False
    return Assignment.objects.filter(user_id=user.pk, role=str(role)).exists()


def is_letter_clerk(user) -> bool:
    return holds(user, Role.LETTER_CLERK)


def sees_every_letter(user) -> bool:
    if not _active(user):
        return False
    return Assignment.objects.filter(user_id=user.pk, role__in=[Role.LETTER_CLERK, Role.SUPERVISOR]).exists()


def works_for(user, unit_id, roles=DEPARTMENT_ROLES) -> bool:
    return unit_id is not None and unit_id in units_with_roles(user, roles)


def unit_members(unit_id: int, roles) -> list:
    """Active people holding ``roles`` in the unit or in its sections (notification recipients)."""
    from zhengwu.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            # One filter() call: role and unit must hold on the same assignment.
            assignments__role__in=[str(r) for r in roles],
            assignments__unit_id__in=_unit_and_sections(unit_id),
        ).distinct().order_by("pk")
    )


def _unit_and_sections(unit_id: int) -> list[int]:
    from zhengwu.org.models import Unit

    return [unit_id, *Unit.objects.filter(parent_id=unit_id, kind=Unit.Kind.SECTION).values_list("pk", flat=True)]
