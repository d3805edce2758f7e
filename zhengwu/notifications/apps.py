from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhengwu.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        from zhengwu.cases.hooks import register_after_action

        from .services import notify_case_action

        # The applicant hears of every state change of their case (issue 4 item 7).
        register_after_action(notify_case_action)
