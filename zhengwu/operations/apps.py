from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the platform: backup and restore, health and metrics, the operations desk
    (fault tickets A/B/C, on-call, service-level figures; seed article 8 五).

    Sits on top of the layers like ``demo``: a restore rebuilds derived data (the search
    index) of every app and the metrics read supervision's sweep, so it may call any
    app; no app imports it.
    """

    name = "zhengwu.operations"
    label = "operations"
    verbose_name = "运维"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.portal import register_office_link

        from .views import OPS_ROLES

        register_office_link(
            "运维服务台", "operations:desk", note="故障工单(A/B/C 级)、健康检查、值班表、服务质量考核", order=90,
            roles=OPS_ROLES,
        )

        # 未完成/预警/逾期 fault tickets on the operations staff's workbench.
        from zhengwu.core.registries.workbench import register_workbench_counter

        from . import selectors

        register_workbench_counter(
            "operations", "故障工单", "operations:desk", selectors.ticket_workbench_counts,
            deadlines=selectors.ticket_workbench_deadlines, roles=OPS_ROLES, order=90,
        )
