from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "zhengwu.results"
    label = "results"
    verbose_name = "办理结果"

    def ready(self):
        from zhengwu.core.uploads import register_download_rule

        from .rules import case_result_rule
        from .services import RESULT_PURPOSE

        register_download_rule(RESULT_PURPOSE, case_result_rule)
