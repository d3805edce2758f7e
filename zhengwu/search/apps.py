from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhengwu.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self):
        from .catalog_source import item_get_one, item_iter_all
        from .sources import register_search_source

        register_search_source("item", "办事事项", item_iter_all, item_get_one)

        from zhengwu.org.selectors import user_holds_any_role
        from zhengwu.portal.extensions import register_office_link

        from .services import DICTIONARY_ROLES

        register_office_link(
            "搜索同义词词典", "search:office", note="维护同义词和简称,查看没有结果的搜索", order=64,
            visible=lambda user: user_holds_any_role(user, DICTIONARY_ROLES),
        )
