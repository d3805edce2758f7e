from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "zhengwu.insights"
    label = "insights"
    verbose_name = "民意分析"
