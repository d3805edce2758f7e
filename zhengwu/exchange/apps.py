from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "zhengwu.exchange"
    label = "exchange"
    verbose_name = "数据共享交换"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        # Explicit wiring into the lower layers' registries (no signals).
        from zhengwu.core.registries.demo import register_demo_loader
        from zhengwu.core.registries.portal import register_office_link, register_section_panel

        from . import demo, registrations, selectors

        register_office_link("数据共享交换", "exchange:office", note="资源目录、数据更新、共享申请与授权、访问密钥",
                             order=60, roles=[selectors.STEWARD])
        register_section_panel("home", registrations.home_panel, order=70)
        register_demo_loader("exchange", demo.exchange_demo_load, order=90)
        # 待审批/预警/逾期 共享申请 of the providing department's 数据管理员 on the workbench.
        from zhengwu.core.registries.workbench import register_workbench_counter

        register_workbench_counter(
            "exchange", "共享申请审批", "exchange:office", selectors.request_workbench_counts,
            deadlines=selectors.request_workbench_deadlines, roles=[selectors.STEWARD], order=60,
        )
        # 快速校核 flagged by consumers, waiting for the providing department's answer.
        register_workbench_counter(
            "exchange_corrections", "数据校核", "exchange:office", selectors.correction_workbench_counts,
            deadlines=selectors.correction_workbench_deadlines, roles=[selectors.STEWARD], order=61,
        )
