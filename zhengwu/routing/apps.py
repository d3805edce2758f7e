from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "zhengwu.routing"
    label = "routing"
    verbose_name = "信件分办建议"

    def ready(self):
        from zhengwu.org.selectors import user_holds_any_role
        from zhengwu.core.registries.portal import register_office_link

        from .views import DASHBOARD_ROLES

        register_office_link(
            "分办建议准确率", "routing:dashboard", note="分办员采纳系统推荐部门的情况", order=62,
            visible=lambda user: user_holds_any_role(user, DASHBOARD_ROLES),
        )
