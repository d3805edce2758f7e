from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "zhengwu.routing"
    label = "routing"
    verbose_name = "信件分办建议"
