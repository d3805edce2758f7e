from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhengwu.demo"
    label = "demo"
    verbose_name = "示例县数据"
