from django.apps import AppConfig


class WebstatsConfig(AppConfig):
    name = "zhengwu.webstats"
    label = "webstats"
    verbose_name = "访问统计"

    def ready(self):
        from zhengwu.core.registries.portal import register_office_link

        from .views import VIEWER_ROLES

        register_office_link(
            "访问统计", "webstats:dashboard", note="最受欢迎的事项、栏目、部门,每日访问趋势和来源网站",
            order=75, roles=VIEWER_ROLES,
        )
