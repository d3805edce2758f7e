from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhengwu.core"
    label = "core"
    verbose_name = "基础设施"

    def ready(self):
        # The site identity is the footer of every public page (zhengwu.core.page_cache).
        from .registries.public_content import register_public_actions

        register_public_actions("core.site_identity.")
