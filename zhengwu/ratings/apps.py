from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "zhengwu.ratings"
    label = "ratings"
    verbose_name = "好差评"

    def ready(self):
        from zhengwu.core.owners import register_owner_type

        from .owners import RECTIFICATION

        register_owner_type(RECTIFICATION)
