from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhengwu.catalog"
    label = "catalog"
    verbose_name = "事项目录"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.search import register_search_source

        from .registrations import item_get_one, item_iter_all

        register_search_source("item", "办事事项", item_iter_all, item_get_one)

        # Items and work areas are the public service guide (zhengwu.core.page_cache).
        from zhengwu.core.registries.public_content import register_public_actions

        register_public_actions("catalog.")

        # Items follow their department through renames, merges and splits (ADR 0014).
        from zhengwu.core.registries.hooks import UNIT_SUCCEEDED, register_hook

        from .succession import catalog_unit_succeeded

        register_hook(UNIT_SUCCEEDED, catalog_unit_succeeded)
