"""What can be searched: each public module registers a source of ``SearchDocument``s.

This is the contract between the search app and the modules whose content it indexes
(catalog items, disclosures, published letter replies, site-group feed entries, ...):

* ``register_search_source(doc_type, label, iter_all, get_one)`` from the module's
  ``AppConfig.ready``. ``iter_all()`` yields every currently public document (used by the
  rebuild command); ``get_one(doc_id)`` returns the document or ``None`` when it is no
  longer public (the index then drops it).
* ``search_index_later(doc_type, doc_id)`` from the module's service, inside its
  transaction, whenever a public document appears, changes or disappears. The index is
  updated after commit through the task queue, so a rolled-back write never reaches it.
* ``register_search_indexer(enqueue)``: the search app plugs in the function that queues
  the indexing (``search.services.search_index_enqueue``). The registry lives in core so
  that the modules whose content is searched never import the search app, and the search
  app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction


@dataclass(frozen=True)
class SearchDocument:
    doc_type: str  # registered type, e.g. "item", "disclosure", "letter", "feed"
    doc_id: str  # unique within the type
    title: str
    body: str  # plain text (no HTML)
    url: str  # site-relative link to the public page
    published_at: datetime | None = None  # aware
    department_code: str = ""
    department_name: str = ""


@dataclass(frozen=True)
class SearchSource:
    doc_type: str
    label: str  # Chinese name of the type, shown as a filter ("政府信息", "办事事项" ...)
    iter_all: Callable[[], Iterable[SearchDocument]]
    get_one: Callable[[str], SearchDocument | None]


_sources: dict[str, SearchSource] = {}


def register_search_source(doc_type: str, label: str, iter_all, get_one) -> None:
    _sources[doc_type] = SearchSource(doc_type, label, iter_all, get_one)


def search_sources() -> dict[str, SearchSource]:
    return dict(_sources)


_indexer: list[Callable[[str, str], None]] = []


def register_search_indexer(enqueue: Callable[[str, str], None]) -> None:
    from zhengwu.core.deferred import deferrable_register

    _indexer[:] = [enqueue]
    deferrable_register("search_index", enqueue)


def search_index_later(doc_type: str, doc_id) -> None:
    """Ask for (re)indexing of one document once the current transaction commits.

    Without a search app installed (no indexer registered) there is no index to update.
    """
    if not _indexer:
        return
    from zhengwu.core.deferred import call_or_defer

    doc_id = str(doc_id)
    # Redis down after the commit: remembered and queued later, never an error for a
    # request whose data is already saved (zhengwu.core.deferred, ADR 0017).
    transaction.on_commit(lambda: call_or_defer("search_index", doc_type, doc_id))
