from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "zhengwu.results"
    label = "results"
    verbose_name = "办理结果"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.hooks import CASE_ACTED, register_hook
        from zhengwu.core.uploads import register_download_rule

        from .rules import case_result_rule
        from .services import RESULT_PURPOSE, result_after_conclusion

        register_download_rule(RESULT_PURPOSE, case_result_rule)
        # A concluded approval gets its sealed notice in the same transaction (issue 4 item 6).
        register_hook(CASE_ACTED, result_after_conclusion)
