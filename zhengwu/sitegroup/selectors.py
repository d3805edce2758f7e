"""Reads of 网站群: the public column (de-duplicated across sources), the staff list, search documents."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from zhengwu.core.bounds import is_id_text
from zhengwu.core.registries.search import SearchDocument

from .models import FeedEntry, FeedSource

PER_SOURCE = 8
PANEL_SIZE = 8
PAGE_SIZE = 30


def shown_entries() -> QuerySet[FeedEntry]:
    """Entries of enabled sources, each link once: the first stored copy wins.

    The same article syndicated by two sources (same link) appears once in the column
    and in search, under the source that brought it first.
    """
    earlier_copy = FeedEntry.objects.filter(
        link_hash=OuterRef("link_hash"), id__lt=OuterRef("id"), source__enabled=True,
    )
    return FeedEntry.objects.filter(source__enabled=True).filter(~Exists(earlier_copy))


def latest_entries(*, limit: int = PANEL_SIZE) -> list[FeedEntry]:
    return list(shown_entries().select_related("source").order_by("-published_at", "-id")[:limit])


def entries_by_source(*, per_source: int = PER_SOURCE) -> list[tuple[FeedSource, list[FeedEntry]]]:
    """Each enabled source with its latest entries: two queries whatever the number of sources."""
    sources = list(FeedSource.objects.filter(enabled=True).select_related("department").order_by("name", "id"))
    ranked = (
        shown_entries()
        .annotate(rank=Window(RowNumber(), partition_by=[F("source_id")], order_by=[F("published_at").desc(), F("id").desc()]))
        .filter(rank__lte=per_source)
        .order_by("source_id", "-published_at", "-id")
    )
    grouped: dict[int, list[FeedEntry]] = {}
    for entry in ranked:
        grouped.setdefault(entry.source_id, []).append(entry)
    return [(s, grouped.get(s.pk, [])) for s in sources]


def public_source_get(*, source_id: int) -> FeedSource | None:
    return FeedSource.objects.filter(pk=source_id, enabled=True).select_related("department").first()


def source_entries(*, source: FeedSource, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[FeedEntry]:
    """One source's shown entries, newest first, paged by key (the last entry id of the previous page)."""
    qs = shown_entries().filter(source_id=source.pk).order_by("-published_at", "-id")
    if before_id is not None:
        anchor = FeedEntry.objects.filter(pk=before_id, source_id=source.pk).values_list("published_at", flat=True).first()
        if anchor is not None:
            qs = qs.filter(Q(published_at__lt=anchor) | Q(published_at=anchor, id__lt=before_id))
    return list(qs[:limit])


def feed_source_list() -> list[FeedSource]:
    return list(FeedSource.objects.select_related("department").order_by("-enabled", "name", "id"))


def feed_source_ids_to_pull() -> list[int]:
    return list(FeedSource.objects.filter(enabled=True).order_by("id").values_list("id", flat=True))


# ------------------------------------------------------------------ search source "feed"


def _document(entry: FeedEntry) -> SearchDocument:
    department = entry.source.department
    return SearchDocument(
        doc_type="feed",
        doc_id=str(entry.pk),
        title=entry.title,
        body=entry.summary,
        # The result links out to the other site's article, not to a page of ours.
        url=entry.link,
        published_at=entry.published_at,
        department_code=department.code if department else "",
        department_name=department.name if department else (entry.source.site_name or entry.source.name),
    )


def search_documents_all() -> Iterator[SearchDocument]:
    qs = shown_entries().select_related("source", "source__department").order_by("id")
    for entry in qs.iterator(chunk_size=500):
        yield _document(entry)


def search_document_get(doc_id: str) -> SearchDocument | None:
    if not is_id_text(doc_id):
        return None
    entry = shown_entries().select_related("source", "source__department").filter(pk=int(doc_id)).first()
    return _document(entry) if entry else None
