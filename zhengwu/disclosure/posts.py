"""The posts of the disclosure office: who writes, who publishes, who watches site health.

Which departments a post counts for is ``zhengwu.org.responsibility``'s answer (a post in
a section, e.g. 政务公开科, counts for its department): a record belongs to the
department, not to the section.
"""

from __future__ import annotations

from zhengwu.org import responsibility
from zhengwu.org.roles import Role

EDITOR_ROLES = frozenset({Role.EDITOR})
PUBLISHER_ROLES = frozenset({Role.PUBLISHER})
OFFICE_ROLES = frozenset({Role.EDITOR, Role.PUBLISHER})
SITE_HEALTH_ROLES = frozenset({Role.EDITOR, Role.PUBLISHER, Role.SYSTEM_ADMIN, Role.SUPERVISOR})


def department_choices(user, roles) -> list:
    """The departments (not sections) a person may file a record under, in display order."""
    from zhengwu.org.models import Unit

    return [u for u in responsibility.units_named(responsibility.departments_for(user, roles))
            if u.kind != Unit.Kind.SECTION]


def is_system(actor) -> bool:
    """The platform itself (scheduled publishing, demo and historical imports) acts as None."""
    return actor is None
