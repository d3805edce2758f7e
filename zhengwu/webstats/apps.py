from django.apps import AppConfig


class WebstatsConfig(AppConfig):
    name = "zhengwu.webstats"
    label = "webstats"
    verbose_name = "访问统计"
