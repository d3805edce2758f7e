from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhengwu.accounts"
    label = "accounts"
    verbose_name = "用户账户"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels, register_object_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        register_object_labels(audit_labels.OBJECTS)
        from . import checks  # noqa: F401  (registers the system checks)
