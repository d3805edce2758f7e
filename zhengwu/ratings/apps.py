from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "zhengwu.ratings"
    label = "ratings"
    verbose_name = "好差评"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.owners import register_owner_type

        from .owners import RECTIFICATION

        register_owner_type(RECTIFICATION)

        # 整改中/预警/逾期 on the workbench of the departments' staff (any business post of
        # the department records a stage, as rectification_stage_record checks).
        from zhengwu.core.registries.workbench import register_workbench_counter
        from zhengwu.org.responsibility import BUSINESS_ROLES

        from . import selectors

        register_workbench_counter(
            "rectifications", "差评整改", "ratings:rectifications", selectors.rectification_workbench_counts,
            deadlines=selectors.rectification_workbench_deadlines, roles=BUSINESS_ROLES, order=55,
        )
