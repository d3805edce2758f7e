"""Who may do what with letters: the letters office, the departments, supervision.

* 信件分办员 (LETTER_CLERK): triage, assignment, transfer and publication of every letter.
* 承办人 (HANDLER) and 部门负责人 (DEPARTMENT_HEAD) of a department: the letters that
  have stopped at their department (which units a post counts for is
  ``zhengwu.org.responsibility``'s answer, as everywhere).
* 监察人员 (SUPERVISOR): read every letter (监察 watches every clock), change nothing.
"""

from __future__ import annotations

from zhengwu.org import responsibility
from zhengwu.org.roles import Role

# Posts that may open the staff letter pages at all.
STAFF_ROLES = (Role.LETTER_CLERK, Role.HANDLER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)
DEPARTMENT_ROLES = (Role.HANDLER, Role.DEPARTMENT_HEAD)


def holds(user, role) -> bool:
    return responsibility.posts_for(user).holds(role)


def is_letter_clerk(user) -> bool:
    return holds(user, Role.LETTER_CLERK)


def sees_every_letter(user) -> bool:
    return responsibility.posts_for(user).holds([Role.LETTER_CLERK, Role.SUPERVISOR])


def unit_members(unit_id: int, roles) -> list:
    """Active people acting for the unit in one of ``roles`` (notification recipients)."""
    from zhengwu.accounts.models import User

    holders = responsibility.post_holders(unit_id=unit_id, roles=roles).values("user_id")
    return list(User.objects.filter(pk__in=holders).order_by("pk"))
