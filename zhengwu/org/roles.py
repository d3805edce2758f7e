from django.db import models


class Role(models.TextChoices):
    """Posts a person can hold in a unit. The last three are the separated admin duties."""

    WINDOW_CLERK = "window_clerk", "窗口人员"
    HANDLER = "handler", "承办人"
    REVIEWER = "reviewer", "审核人"
    APPROVER = "approver", "审批人"
    EDITOR = "editor", "信息员"
    PUBLISHER = "publisher", "审核员(信息发布)"
    SUPERVISOR = "supervisor", "监察人员"
    DATA_STEWARD = "data_steward", "数据管理员"
    LETTER_CLERK = "letter_clerk", "信件分办员"
    DEPARTMENT_HEAD = "department_head", "部门负责人"
    DISCLOSURE_OFFICER = "disclosure_officer", "依申请公开经办人"
    OPERATOR = "operator", "运维人员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# 三员分立: one person may hold at most one of these.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# What each separated admin may see in the Django admin (configuration screens only).
# Business work is never done there; these are "app_label.codename" permission names.
ADMIN_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SYSTEM_ADMIN: (
        "org.view_unit", "org.add_unit", "org.change_unit",
        "accounts.view_user",
        "catalog.view_workarea", "catalog.change_workarea",
        "catalog.view_item", "catalog.add_item", "catalog.change_item",
        "catalog.view_itemmaterial", "catalog.add_itemmaterial",
        "catalog.change_itemmaterial", "catalog.delete_itemmaterial",
        "core.view_siteidentity", "core.add_siteidentity", "core.change_siteidentity",
        "core.view_calendarday", "core.add_calendarday", "core.change_calendarday",
        "core.view_calendaryear", "core.add_calendaryear", "core.change_calendaryear",
        "letters.view_channelpolicy", "letters.change_channelpolicy",
    ),
    Role.SECURITY_ADMIN: (
        "org.view_unit", "accounts.view_user",
        "org.view_assignment", "org.add_assignment", "org.delete_assignment",
    ),
    Role.AUDIT_ADMIN: ("core.view_auditevent",),
}
