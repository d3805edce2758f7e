from django.apps import AppConfig


class SitegroupConfig(AppConfig):
    name = "zhengwu.sitegroup"
    label = "sitegroup"
    verbose_name = "网站群"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.demo import register_demo_loader
        from zhengwu.core.registries.portal import (
            register_office_link,
            register_section_panel,
        )
        from zhengwu.core.registries.search import register_search_source

        from . import demo, selectors, views
        from .services import MANAGER_ROLES

        register_search_source("feed", "网站群", selectors.search_documents_all, selectors.search_document_get)
        register_section_panel("disclosure", views.render_panel, order=80)
        register_section_panel("home", views.render_panel, order=80)
        register_office_link(
            "网站群订阅源", "sitegroup:manage", note="登记、停用其他政府网站的 RSS/Atom 订阅源,查看抓取状态",
            order=70, roles=MANAGER_ROLES,
        )
        register_demo_loader("sitegroup", demo.demo_sitegroup_load, order=80)
        # Feed entries and sources show in the portal panels (zhengwu.core.page_cache).
        from zhengwu.core.registries.public_content import register_public_actions

        register_public_actions("search.sitegroup.")
