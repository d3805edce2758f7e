"""Permissions that follow a post rather than a per-user grant.

Passwords are checked by Django's ModelBackend (listed first in
AUTHENTICATION_BACKENDS). This backend only answers ``has_perm``: a staff member
holding one of the posts below has the listed permissions for as long as they hold the
post, with nothing to revoke by hand when they leave it.

Unmasked personal data (``accounts.view_personal_data``) goes by default to the window
clerk (窗口人员), who checks applicants' identity documents at the counter; no other
demo post has it. A county can grant it to other people through Django groups.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from zhengwu.org.roles import SEPARATED_ADMIN_ROLES, Role

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.WINDOW_CLERK: frozenset({"accounts.view_personal_data"}),
}


class RolePermissionBackend(BaseBackend):
    def authenticate(self, request, **credentials):
        return None  # never authenticates; permissions only

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or getattr(user_obj, "kind", None) != "staff":
            return set()
        cache_name = "_zhengwu_role_perm_cache"
        if not hasattr(user_obj, cache_name):
            from zhengwu.org.models import Assignment

            roles = set(Assignment.objects.filter(user=user_obj).values_list("role", flat=True))
            if roles & SEPARATED_ADMIN_ROLES:
                # 三员分立: an administrator does no business work, so a business post
                # left over from before the rule (or written past the services) gives
                # no business permission, least of all clear personal data.
                roles -= roles - SEPARATED_ADMIN_ROLES
            perms: set[str] = set()
            for role in roles:
                perms |= ROLE_PERMISSIONS.get(role, frozenset())
            setattr(user_obj, cache_name, perms)
        return getattr(user_obj, cache_name)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)
