from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhengwu.core"
    label = "core"
    verbose_name = "基础设施"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        # The site identity is the footer of every public page (zhengwu.core.page_cache).
        from .registries.public_content import register_public_actions

        register_public_actions("core.site_identity.")
