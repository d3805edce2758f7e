"""Index updates off the request path: one task per changed document."""

from huey.contrib.djhuey import db_task

from .services import search_index_apply


# Retries cover the one expected transient failure: another process holding the
# index writer (the rebuild command) for longer than the writer lock waits.
@db_task(retries=20, retry_delay=10)
def search_index_task(doc_type: str, doc_id: str) -> str:
    return search_index_apply(doc_type, doc_id)
