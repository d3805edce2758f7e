from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhengwu.demo"
    label = "demo"
    verbose_name = "示例县数据"

    def ready(self):
        # Apps' demo loaders read the county's data file (accounts, password) through core.
        from zhengwu.core.registries.demo import register_demo_data_reader

        from .services import demo_data_read

        register_demo_data_reader(demo_data_read)
