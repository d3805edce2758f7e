from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "zhengwu.results"
    label = "results"
    verbose_name = "办理结果"

    def ready(self):
        from zhengwu.cases.hooks import register_after_action
        from zhengwu.core.uploads import register_download_rule

        from .rules import case_result_rule
        from .services import RESULT_PURPOSE, result_after_conclusion

        register_download_rule(RESULT_PURPOSE, case_result_rule)
        # A concluded approval gets its sealed notice in the same transaction (issue 4 item 6).
        register_after_action(result_after_conclusion)
