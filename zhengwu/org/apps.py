from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhengwu.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        # Unit names and responsibilities appear on public pages (zhengwu.core.page_cache).
        from zhengwu.core.registries.public_content import register_public_actions

        register_public_actions("org.unit.")

        from zhengwu.core.registries.portal import register_office_link

        register_office_link("机构沿革", "org:history", note="部门更名、合并、分设、撤销及其生效日期", order=95)
