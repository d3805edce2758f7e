from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhengwu.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self):
        # Unit names and responsibilities appear on public pages (zhengwu.core.page_cache).
        from zhengwu.core.registries.public_content import register_public_actions

        register_public_actions("org.unit.")

        from zhengwu.core.registries.portal import register_office_link

        register_office_link("机构沿革", "org:history", note="部门更名、合并、分设、撤销及其生效日期", order=95)
