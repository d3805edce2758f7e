from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhengwu.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self):
        from .catalog_source import item_get_one, item_iter_all
        from .sources import register_search_source

        register_search_source("item", "办事事项", item_iter_all, item_get_one)
