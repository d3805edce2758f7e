from django.apps import AppConfig


class DisclosureRequestsConfig(AppConfig):
    name = "zhengwu.disclosure_requests"
    label = "disclosure_requests"
    verbose_name = "依申请公开"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.personal_data import register_personal_data_source

        from . import data_export

        register_personal_data_source("disclosure_requests", "政府信息公开申请", data_export.requests_export,
                                      retention=data_export.RETENTION, order=40, erase=data_export.requests_erase)

        # Explicit registrations with the lower layers and the portal (no signals).
        from zhengwu.core.uploads import register_download_rule
        from zhengwu.core.registries.demo import register_demo_loader
        from zhengwu.core.registries.portal import (
            register_office_link,
            register_section_panel,
        )

        from zhengwu.core.registries.workbench import register_workbench_counter
        from zhengwu.org.roles import Role

        from . import demo, selectors, services, views

        register_workbench_counter(
            "disclosure_requests", "依申请公开", "disclosure_requests:inbox",
            selectors.request_workbench_counts, deadlines=selectors.request_workbench_deadlines,
            roles=services.STAFF_ROLES, order=40,
        )
        register_download_rule(services.REQUEST_FILE_PURPOSE, services.request_file_download_allowed)
        register_download_rule(services.REPLY_FILE_PURPOSE, services.request_file_download_allowed)
        register_section_panel("disclosure", views.disclosure_panel, order=50)
        register_office_link(
            "依申请公开办理", "disclosure_requests:inbox",
            note="政府信息公开申请的登记、补正、征求意见、延期和答复", order=40,
            roles=services.STAFF_ROLES,
        )
        register_office_link(
            "录入书面申请", "disclosure_requests:window_entry",
            note="当面或信函提交的政府信息公开申请", order=41, roles=[Role.WINDOW_CLERK, Role.DISCLOSURE_OFFICER],
        )
        register_office_link(
            "政府信息公开年度报告", "disclosure_requests:report_list",
            note="生成、填报、发布年度报告", order=42, roles=[Role.DISCLOSURE_OFFICER, Role.PUBLISHER],
        )
        register_demo_loader("disclosure_requests", demo.demo_load, order=60)
        from zhengwu.core.owners import register_owner_type

        from .owners import REQUEST

        register_owner_type(REQUEST)
        # A published annual report is a public page (zhengwu.core.page_cache).
        from zhengwu.core.registries.public_content import register_public_actions

        register_public_actions("disclosure_request.report.publish")
