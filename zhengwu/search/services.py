"""Writes of the search app: index maintenance and the hot-word counter."""

from __future__ import annotations

import logging
import re

from django.db import IntegrityError, transaction

logger = logging.getLogger("zhengwu.search")


def search_index_enqueue(doc_type: str, doc_id) -> None:
    """Queue the (re)indexing of one document; called after commit by ``search_index_later``."""
    from .tasks import search_index_task  # tasks imports this module

    search_index_task(str(doc_type), str(doc_id))


def search_index_apply(doc_type: str, doc_id: str) -> str:
    """Fetch the document from its source and upsert it, or delete it when no longer public.

    Returns "indexed", "deleted" or "unknown-type" (for the task result and tests).
    """
    from .backends import search_backend
    from zhengwu.core.registries.search import search_sources

    source = search_sources().get(doc_type)
    if source is None:
        # A module that calls search_index_later before registering its source: nothing
        # to fetch the document from, and failing the task would only retry in vain.
        logger.warning("search: no source registered for doc_type=%s", doc_type)
        return "unknown-type"
    doc = source.get_one(str(doc_id))
    backend = search_backend()
    if doc is None:
        backend.delete(doc_type, str(doc_id))
        return "deleted"
    backend.upsert([doc])
    return "indexed"


def search_rebuild(*, actor, doc_type: str | None = None, progress=None) -> dict[str, int]:
    """Re-index every registered source (or one type) from ``iter_all``.

    Returns {doc_type: documents indexed}. The old documents stay searchable until the
    new ones are committed.
    """
    from zhengwu.core.audit import audit_record
    from zhengwu.core.errors import ValidationFailed

    from .backends import search_backend
    from zhengwu.core.registries.search import search_sources

    sources = search_sources()
    if doc_type is not None and doc_type not in sources:
        raise ValidationFailed(f"未知的内容类型:{doc_type}(可选:{'、'.join(sorted(sources)) or '无'})",
                               code="invalid_type")
    backend = search_backend()
    counts: dict[str, int] = {}
    if doc_type is None:
        # One pass over all sources so that types no longer registered disappear too.
        def everything():
            for source in sources.values():
                for doc in source.iter_all():
                    counts[source.doc_type] = counts.get(source.doc_type, 0) + 1
                    yield doc

        backend.replace(None, everything(), progress=progress)
    else:
        counts[doc_type] = backend.replace(doc_type, sources[doc_type].iter_all(), progress=progress)
    for name in sources if doc_type is None else [doc_type]:
        counts.setdefault(name, 0)
    with transaction.atomic():
        audit_record(actor=actor, action="search.index.rebuild", object_type="search.index",
                     details={"backend": backend.name, "counts": counts})
    return counts


# Queries with long digit runs may be ID card or phone numbers: never kept.
_DIGITS = re.compile(r"\d{5,}")
# Longer queries are sentences, not words: not counted.
HOT_WORD_MAX_CHARS = 30


def search_query_record(*, query: str, day=None) -> bool:
    """Count one search for the hot words: the normalised query and the date, nothing else.

    Not audited on purpose: an audit row carries the user and IP, exactly what the hot
    words must not keep. Returns False when the query is not kept.
    """
    from django.db.models import F
    from django.utils import timezone

    from .models import SearchQueryDay
    from .text import _SYNTAX, query_normalise

    text = " ".join(_SYNTAX.sub(" ", query_normalise(query)).lower().split())
    if not text or len(text) > HOT_WORD_MAX_CHARS or _DIGITS.search(text) or "@" in query:
        return False
    day = day or timezone.localdate()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                updated = SearchQueryDay.objects.filter(day=day, query=text).update(count=F("count") + 1)
                if not updated:
                    SearchQueryDay.objects.create(day=day, query=text, count=1)
            return True
        except IntegrityError:
            continue  # two first searches of the day raced; the second try updates
    return False
