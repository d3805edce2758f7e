from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "zhengwu.routing"
    label = "routing"
    verbose_name = "信件分办建议"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.portal import register_office_link

        from .views import DASHBOARD_ROLES

        register_office_link(
            "分办建议准确率", "routing:dashboard", note="分办员采纳系统推荐部门的情况", order=62,
            roles=DASHBOARD_ROLES,
        )
