from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        # A citizen's download of their own data (个人信息保护法) lists their cases.
        from zhengwu.core.registries.personal_data import register_personal_data_source

        from . import data_export

        register_personal_data_source("cases", "办件", data_export.cases_export, retention=data_export.RETENTION, order=20)

        from zhengwu.core.owners import register_owner_type

        from . import owners

        register_owner_type(owners.CASE)
        register_owner_type(owners.STEP)

        # A published flowchart shows on the item's public page (zhengwu.core.page_cache).
        from zhengwu.core.registries.public_content import register_public_actions

        register_public_actions("cases.process.")

        # Who may download an application's materials (zhengwu.core.uploads rules).
        from zhengwu.core.uploads import register_download_rule

        from .services.apply import MATERIAL_PURPOSE, case_material_download_allowed

        register_download_rule(MATERIAL_PURPOSE, case_material_download_allowed)

        # The applicant hears of every state change of their case (issue 4 item 7).
        from zhengwu.core.registries.hooks import CASE_ACTED, register_hook

        from .notices import notify_case_action

        register_hook(CASE_ACTED, notify_case_action)

        # The disclosure annual report counts the year's licensing decisions.
        from zhengwu.core.registries.annual_report import LICENSING_DECISIONS, register_report_figure

        from .selectors import licensing_decisions_count

        register_report_figure(LICENSING_DECISIONS, licensing_decisions_count)

        # The flowchart editor on the staff work page, for system administrators only.
        from zhengwu.org.roles import Role
        from zhengwu.core.registries.portal import register_office_link

        register_office_link(
            "办理流程配置", "cases_staff:process_list", note="事项办理流程的环节、岗位、时限与版本",
            roles=[Role.SYSTEM_ADMIN],
        )

        # 待办/预警/逾期 of the case inbox on the staff workbench.
        from zhengwu.core.registries.workbench import register_workbench_counter
        from zhengwu.org.responsibility import BUSINESS_ROLES

        from .selectors.staff import case_workbench_counts, case_workbench_deadlines

        register_workbench_counter(
            "cases", "办件办理", "cases_staff:inbox", case_workbench_counts,
            deadlines=case_workbench_deadlines, roles=BUSINESS_ROLES, order=10,
        )
