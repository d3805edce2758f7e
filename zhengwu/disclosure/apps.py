from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "zhengwu.disclosure"
    label = "disclosure"
    verbose_name = "政府信息公开"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.uploads import register_download_rule
        from zhengwu.core.registries.demo import register_demo_loader
        from zhengwu.core.registries.portal import (
            register_office_link,
            register_section_panel,
        )
        from zhengwu.core.registries.search import register_search_source

        from . import registrations, selectors
        from .demo import disclosure_demo_load
        from .posts import OFFICE_ROLES, SITE_HEALTH_ROLES
        from .rules import attachment_download_allowed
        from .services import ATTACHMENT_PURPOSE, SEARCH_DOC_TYPE

        register_download_rule(ATTACHMENT_PURPOSE, attachment_download_allowed)
        register_search_source(SEARCH_DOC_TYPE, "政府信息", selectors.search_documents_all, selectors.search_document_get)
        register_section_panel("disclosure", registrations.disclosure_section_panel, order=10)
        register_section_panel("home", registrations.home_panel, order=10)
        register_office_link(
            "政务公开信息管理", "disclosure:office_list", note="撰写、提交、审核、发布和撤回公开信息", order=30,
            roles=OFFICE_ROLES,
        )
        register_office_link(
            "网站健康检查", "disclosure:site_health", note="栏目更新、空白栏目、错误链接和附件", order=31,
            roles=SITE_HEALTH_ROLES,
        )
        register_demo_loader("disclosure", disclosure_demo_load, order=50)
        # 待审核/预警/逾期 of the publishers' review queue on the staff workbench.
        from zhengwu.core.registries.workbench import register_workbench_counter

        from .posts import PUBLISHER_ROLES

        register_workbench_counter(
            "disclosure", "公开信息审核", "disclosure:office_review", selectors.review_workbench_counts,
            deadlines=selectors.review_workbench_deadlines, roles=PUBLISHER_ROLES, order=35,
        )
        # The disclosure annual report (disclosure_requests) counts rules and normative documents.
        from zhengwu.core.registries.annual_report import PROACTIVE_COUNTS, register_report_figure

        register_report_figure(PROACTIVE_COUNTS, selectors.proactive_disclosure_counts)
        # What changes published information (zhengwu.core.page_cache); drafts, submission
        # and rejection stay inside the office.
        from zhengwu.core.registries.public_content import register_public_actions

        register_public_actions(
            "disclosure.attachment.", "disclosure.disclosure.publish", "disclosure.disclosure.withdraw",
            "disclosure.disclosure.update", "disclosure.disclosure.schedule", "disclosure.disclosure.import",
            "disclosure.disclosure.validity", "disclosure.disclosure.first_published_change",
        )
