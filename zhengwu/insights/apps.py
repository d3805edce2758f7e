from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "zhengwu.insights"
    label = "insights"
    verbose_name = "民意分析"

    def ready(self):
        from zhengwu.letters.hooks import register_letter_hook
        from zhengwu.org.selectors import user_holds_any_role
        from zhengwu.portal.extensions import register_office_link

        from .services import on_letter_event
        from .views import DASHBOARD_ROLES

        register_letter_hook(on_letter_event)
        register_office_link(
            "民意分析", "insights:dashboard", note="来信统计、热点与上升话题、导出 Excel", order=64,
            visible=lambda user: user_holds_any_role(user, DASHBOARD_ROLES),
        )
