from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "zhengwu.insights"
    label = "insights"
    verbose_name = "民意分析"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.hooks import LETTER_CHANGED, register_hook
        from zhengwu.core.registries.portal import register_office_link

        from .services import on_letter_event
        from .views import DASHBOARD_ROLES

        register_hook(LETTER_CHANGED, on_letter_event)
        register_office_link(
            "民意分析", "insights:dashboard", note="来信统计、热点与上升话题、导出 Excel", order=64,
            roles=DASHBOARD_ROLES,
        )
