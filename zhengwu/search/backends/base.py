"""The interface every search engine implements, and the raw result it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from zhengwu.core.registries.search import SearchDocument
from ..text import ParsedQuery

# Stored body is cut here: enough to cut a snippet from, without doubling the index.
STORED_BODY_CHARS = 3000
TITLE_BOOST = 3.0
SUBWORD_BOOST = 0.5


class SearchIndexBusy(Exception):
    """Another writer holds the index (the rebuild command); the task retries later."""


@dataclass(frozen=True)
class SearchFilters:
    doc_type: str | None = None
    department: str | None = None
    date_from: datetime | None = None  # aware, inclusive
    date_until: datetime | None = None  # aware, exclusive


@dataclass
class RawHit:
    doc_type: str
    doc_id: str
    title: str
    body: str
    url: str
    published_at: datetime | None
    department_code: str
    department_name: str
    score: float = 0.0


@dataclass
class RawResults:
    count: int
    hits: list[RawHit] = field(default_factory=list)


def doc_key(doc_type: str, doc_id: str) -> str:
    return f"{doc_type}:{doc_id}"


class SearchBackend:
    name = ""

    def upsert(self, docs: Iterable[SearchDocument]) -> int:
        raise NotImplementedError

    def delete(self, doc_type: str, doc_id: str) -> None:
        raise NotImplementedError

    def replace(self, doc_type: str | None, docs: Iterable[SearchDocument],
                progress: Callable[[int], None] | None = None) -> int:
        """Drop every document of the type (all when None) and index ``docs`` instead."""
        raise NotImplementedError

    def query(self, parsed: ParsedQuery, filters: SearchFilters, *, sort: str, offset: int,
              limit: int, match_all: bool = True) -> RawResults:
        raise NotImplementedError

    def vocabulary(self) -> dict[str, int]:
        """Words of indexed titles with their document counts (for suggestions)."""
        raise NotImplementedError

    def generation(self) -> str:
        """Changes whenever the index content changes (caches key on it)."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError
