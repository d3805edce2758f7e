from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self):
        # Who may download an application's materials (zhengwu.core.uploads rules).
        from zhengwu.core.uploads import register_download_rule

        from .services_apply import MATERIAL_PURPOSE, case_material_download_allowed

        register_download_rule(MATERIAL_PURPOSE, case_material_download_allowed)

        # The flowchart editor on the staff work page, for system administrators only.
        from zhengwu.org.roles import Role
        from zhengwu.org.selectors import user_holds_any_role
        from zhengwu.portal.extensions import register_office_link

        register_office_link(
            "办理流程配置", "cases_staff:process_list", note="事项办理流程的环节、岗位、时限与版本",
            visible=lambda user: user_holds_any_role(user, [Role.SYSTEM_ADMIN]),
        )
