from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhengwu.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.security_alerts import register_security_alert_deliverer

        from .services import notify_audit_admins, sms_send

        # Security alerts (e.g. too many clear personal-data views) reach the audit administrators.
        register_security_alert_deliverer(notify_audit_admins)

        # Verification codes from accounts (password recovery, phone check) go to the SMS outbox.
        from zhengwu.core.registries.sms import register_sms_sender


        register_sms_sender(sms_send)
