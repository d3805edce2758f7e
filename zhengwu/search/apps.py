from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhengwu.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        # Every app's services ask core's registry to index after commit; this app does it.
        # The function is looked up at each call, so a replaced one (tests) is honoured.
        from zhengwu.core.registries.search import register_search_indexer

        from . import services

        register_search_indexer(lambda doc_type, doc_id: services.search_index_enqueue(doc_type, doc_id))

        from zhengwu.core.registries.portal import register_office_link

        from .services import DICTIONARY_ROLES

        register_office_link(
            "搜索同义词词典", "search:office", note="维护同义词和简称,查看没有结果的搜索", order=64,
            roles=DICTIONARY_ROLES,
        )
