from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhengwu.supervision"
    label = "supervision"
    verbose_name = "电子监察"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)

        # 电子监察 in the workbench's navigation, for the supervisors who may open it.
        from zhengwu.core.registries.portal import register_office_link
        from zhengwu.org.roles import Role

        register_office_link("电子监察", "supervision:dashboard", note="办件时限、预警、过错记录与督办", order=20,
                             roles=[Role.SUPERVISOR])

        # 待反馈/预警/逾期 督办 on the workbench of the departments' staff (any business
        # post of the case's department may answer, as supervision_order_respond checks).
        from zhengwu.core.registries.workbench import register_workbench_counter
        from zhengwu.org.responsibility import BUSINESS_ROLES

        from . import selectors

        register_workbench_counter(
            "supervision_orders", "督办反馈", "supervision:my_orders", selectors.order_workbench_counts,
            deadlines=selectors.order_workbench_deadlines, roles=BUSINESS_ROLES, order=50,
        )
