from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self):
        # Who may download an application's materials (zhengwu.core.uploads rules).
        from zhengwu.core.uploads import register_download_rule

        from .services_apply import MATERIAL_PURPOSE, case_material_download_allowed

        register_download_rule(MATERIAL_PURPOSE, case_material_download_allowed)
