from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhengwu.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self):
        # Every app's services ask core's registry to index after commit; this app does it.
        # The function is looked up at each call, so a replaced one (tests) is honoured.
        from zhengwu.core.registries.search import register_search_indexer

        from . import services

        register_search_indexer(lambda doc_type, doc_id: services.search_index_enqueue(doc_type, doc_id))
