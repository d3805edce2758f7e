"""Embedded engine: a tantivy index directory, written by one process at a time.

Writers: the task worker (one document per task) and the rebuild command. tantivy itself
refuses a second IndexWriter on the directory (LockBusy, across processes); we wait and
retry for a while, then raise SearchIndexBusy so that the task is retried later.
Readers (web workers) keep the index open and reload only when ``meta.json`` changed:
one ``stat`` per search.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import msgpack
import tantivy

from zhengwu.core.registries.search import SearchDocument
from ..text import ParsedQuery, document_terms
from .base import (
    STORED_BODY_CHARS,
    RawHit,
    RawResults,
    SearchBackend,
    SearchFilters,
    SearchIndexBusy,
    doc_key,
)

logger = logging.getLogger("zhengwu.search")

# Bump when the schema changes: a new directory is built by `search_rebuild`.
# v2 (ADR 0011): one searchable "text" field, display data in one stored bytes field,
# nothing indexed that is never searched.
SCHEMA_VERSION = 2
ANALYZER = "zw_ws"
WRITER_HEAP = 64_000_000
BATCH_COMMIT = 250_000
# Title words are indexed this many times in "text": the title weighs like three
# mentions in the body, and a one-word query stays a single term query (which tantivy
# answers with block-max WAND instead of scoring every matching document).
TITLE_REPEAT = 3
# Added to the score of a service item (办事事项) whose name holds every query word:
# when a query names a service, its guide comes first.
ITEM_BONUS = 50.0
ITEM_TYPE = "item"


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    # Keys and filters: indexed, not stored (the stored copy is in "doc").
    sb.add_text_field("doc_key", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("doc_type", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("department_code", tokenizer_name="raw", index_option="basic")
    # Pre-segmented words of title (x3), body and sub-words, positions kept for phrases.
    sb.add_text_field("text", tokenizer_name=ANALYZER, index_option="position")
    # Title words once more, without frequencies: "does this item's name hold the
    # query's words" (item preference) and the word list for suggestions.
    sb.add_text_field("title", tokenizer_name=ANALYZER, index_option="basic")
    sb.add_date_field("published_at", indexed=True, fast=True)
    # Everything a result shows, as one MessagePack list (``_stored``): one stored field
    # to decompress and decode per hit instead of eight (and no raw-indexed copies of
    # whole bodies).
    sb.add_bytes_field("doc", stored=True, indexed=False)
    return sb.build()


def _analyzer():
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.remove_long(64))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def _stored(doc: SearchDocument) -> bytes:
    # MessagePack: ~2 us to pack and ~1 us to unpack, against ~5 and ~3 for JSON.
    return msgpack.packb(
        [doc.doc_type, doc.doc_id, doc.title, doc.body[:STORED_BODY_CHARS], doc.url,
         doc.published_at.isoformat() if doc.published_at is not None else None,
         doc.department_code or "", doc.department_name or ""],
    )


def _unstored(stored: bytes) -> list:
    # Indexes built before MessagePack hold the same list as JSON text ("[" first).
    return json.loads(stored) if stored[:1] == b"[" else msgpack.unpackb(stored)


def to_tantivy_document(doc: SearchDocument) -> tantivy.Document:
    """The one indexing path (the task, the rebuild command and the bench all use it)."""
    title_words, title_sub, body_words, body_sub = document_terms(doc.title, doc.body)
    out = tantivy.Document()
    out.add_text("doc_key", doc_key(doc.doc_type, doc.doc_id))
    out.add_text("doc_type", doc.doc_type)
    out.add_text("department_code", doc.department_code or "")
    # Separate values of one field: a phrase never spans the title and the body.
    for _ in range(TITLE_REPEAT):
        out.add_text("text", title_words)
    out.add_text("text", body_words)
    if title_sub or body_sub:
        out.add_text("text", f"{title_sub} {body_sub}")
    out.add_text("title", title_words)
    if doc.published_at is not None:
        out.add_date("published_at", doc.published_at)
    out.add_bytes("doc", _stored(doc))
    return out


def _hit(stored: bytes, score: float) -> RawHit:
    doc_type, doc_id, title, body, url, published, dept_code, dept_name = _unstored(stored)
    return RawHit(doc_type=doc_type, doc_id=doc_id, title=title, body=body, url=url,
                  published_at=datetime.fromisoformat(published) if published else None,
                  department_code=dept_code, department_name=dept_name, score=score)


class TantivyBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, base_dir: Path, *, writer_wait: float = 10.0):
        self.path = Path(base_dir) / f"tantivy-v{SCHEMA_VERSION}"
        self.writer_wait = writer_wait
        self.schema = build_schema()
        self._open_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._index: tantivy.Index | None = None
        self._seen_meta: int | None = None
        # Deleted-but-not-merged documents still count in the term dictionary's document
        # frequencies; while there are any, hit counts come from a scan.
        self._deleted_docs = 0

    # ------------------------------------------------------------------ opening

    def _meta_stamp(self) -> int | None:
        try:
            stat = (self.path / "meta.json").stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns ^ stat.st_size ^ stat.st_ino

    def _read_deleted(self) -> int:
        try:
            meta = json.loads((self.path / "meta.json").read_text())
        except (FileNotFoundError, ValueError):
            return 0
        return sum((seg.get("deletes") or {}).get("num_deleted_docs", 0) for seg in meta.get("segments", []))

    def index(self) -> tantivy.Index:
        with self._open_lock:
            if self._index is None:
                self.path.mkdir(parents=True, exist_ok=True)
                self._index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
                self._index.register_tokenizer(ANALYZER, _analyzer())
                self._index.config_reader(reload_policy="Manual")
                self._seen_meta = self._meta_stamp()
                self._deleted_docs = self._read_deleted()
            else:
                stamp = self._meta_stamp()
                if stamp != self._seen_meta:
                    # Another process (or our writer) committed: see its segments.
                    self._index.reload()
                    self._seen_meta = stamp
                    self._deleted_docs = self._read_deleted()
            return self._index

    def generation(self) -> str:
        return f"{self.path}:{self._meta_stamp()}"

    # ------------------------------------------------------------------ writing

    def _writer(self, num_threads: int = 1, heap: int = WRITER_HEAP):
        index = self.index()
        deadline = time.monotonic() + self.writer_wait
        delay = 0.05
        while True:
            try:
                return index.writer(heap, num_threads)
            except ValueError as exc:
                if "LockBusy" not in str(exc) or time.monotonic() >= deadline:
                    if "LockBusy" in str(exc):
                        raise SearchIndexBusy(str(exc)) from exc
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _write(self, fn, *, num_threads: int = 1, heap: int = WRITER_HEAP):
        with self._write_lock:
            writer = self._writer(num_threads, heap)
            try:
                result = fn(writer)
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            finally:
                del writer  # releases the directory lock
            self.index()  # reload our own reader now
            return result

    def upsert(self, docs: Iterable[SearchDocument]) -> int:
        prepared = [(doc_key(d.doc_type, d.doc_id), to_tantivy_document(d)) for d in docs]

        def run(writer):
            for key, document in prepared:
                writer.delete_documents_by_term("doc_key", key)
                writer.add_document(document)
            return len(prepared)

        return self._write(run)

    def delete(self, doc_type: str, doc_id: str) -> None:
        self._write(lambda writer: writer.delete_documents_by_term("doc_key", doc_key(doc_type, doc_id)))

    def replace(self, doc_type: str | None, docs: Iterable[SearchDocument],
                progress: Callable[[int], None] | None = None, *, num_threads: int = 2,
                heap: int = 256_000_000, commit_every: int = BATCH_COMMIT) -> int:
        """Rebuild; readers keep seeing the old documents until the final commit
        (intermediate commits only happen past ``commit_every`` documents).

        Two indexing threads: with one, the segments it writes out when the heap is full
        stall ``add_document`` (and so the segmentation in this thread); with two, one
        keeps taking documents meanwhile. A/B at 200,000 documents, load 2.7-3.8:
        8,830 / 7,238 docs/s against 6,138 / 6,953 with one, the same CPU per document
        (ADR 0013, part 2)."""

        def run(writer):
            if doc_type is None:
                writer.delete_all_documents()
            else:
                writer.delete_documents_by_term("doc_type", doc_type)
            n = 0
            for doc in docs:
                writer.add_document(to_tantivy_document(doc))
                n += 1
                if n % commit_every == 0:
                    writer.commit()
                if progress and n % 1000 == 0:
                    progress(n)
            return n

        return self._write(run, num_threads=num_threads, heap=heap)

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        return self.index().searcher().num_docs

    def _words_query(self, field: str, words: list[str]):
        q = tantivy.Query
        if len(words) == 1:
            return q.term_query(self.schema, field, words[0])
        return q.boolean_query([(tantivy.Occur.Must, q.term_query(self.schema, field, w)) for w in words])

    def _clause_query(self, field: str, alternatives: list[list[str]]):
        if len(alternatives) == 1:
            return self._words_query(field, alternatives[0])
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, self._words_query(field, alt)) for alt in alternatives])

    def _present(self, searcher, clauses: list[list[list[str]]]) -> list[list[list[str]]]:
        """Each clause without the alternatives that occur in no document (None if none left).

        Synonyms add words most indexes never contain (a corpus says 低保 or 最低生活保障);
        a term dictionary lookup per word keeps them out of the query, so a one-word query
        usually stays a single term query.
        """
        cache: dict[str, bool] = {}

        def known(word: str) -> bool:
            if word not in cache:
                cache[word] = searcher.doc_freq("text", word) > 0
            return cache[word]

        return [[alt for alt in clause if all(known(w) for w in alt)] for clause in clauses]

    def _filter_queries(self, filters: SearchFilters) -> list:
        q = tantivy.Query
        out = []
        if filters.doc_type:
            out.append(q.term_query(self.schema, "doc_type", filters.doc_type))
        if filters.department:
            out.append(q.term_query(self.schema, "department_code", filters.department))
        if filters.date_from or filters.date_until:
            out.append(q.range_query(
                self.schema, "published_at", tantivy.FieldType.Date,
                filters.date_from, filters.date_until,
                include_lower=True, include_upper=filters.date_until is None,
            ))
        return out

    def _item_named(self, searcher, clauses, filters: SearchFilters):
        """A query for the service items whose name holds every clause, if there are any."""
        if filters.doc_type not in (None, ITEM_TYPE) or not clauses:
            return None
        if searcher.doc_freq("doc_type", ITEM_TYPE) == 0:
            return None
        q = tantivy.Query
        named = q.boolean_query(
            [(tantivy.Occur.Must, q.term_query(self.schema, "doc_type", ITEM_TYPE))]
            + [(tantivy.Occur.Must, self._clause_query("title", c)) for c in clauses]
        )
        return named if searcher.search(named, 1, count=False).hits else None

    def build_query(self, parsed: ParsedQuery, filters: SearchFilters, match_all: bool = True,
                    searcher=None):
        """The query tree, or None when it cannot match anything."""
        q = tantivy.Query
        searcher = searcher or self.index().searcher()
        clauses = self._present(searcher, parsed.clauses)
        if match_all and any(not c for c in clauses):
            return None
        clauses = [c for c in clauses if c]
        text = [self._clause_query("text", c) for c in clauses]
        text += [q.phrase_query(self.schema, "text", p) for p in parsed.phrases]
        if not text:
            return None
        filter_queries = self._filter_queries(filters)
        named = self._item_named(searcher, clauses, filters) if not parsed.phrases else None
        if len(text) == 1 and not filter_queries and named is None:
            return text[0]  # a lone term (or union of synonyms): block-max WAND applies
        occur = tantivy.Occur.Must if match_all else tantivy.Occur.Should
        if match_all:
            parts = [(occur, c) for c in text]
        else:
            # Should-clauses next to Must-filters would become optional: nest them.
            parts = [(tantivy.Occur.Must, q.boolean_query([(occur, c) for c in text]))]
        # Filters restrict without adding to the score.
        parts += [(tantivy.Occur.Must, q.const_score_query(f, 0.0)) for f in filter_queries]
        if named is not None:
            parts.append((tantivy.Occur.Should, q.const_score_query(named, ITEM_BONUS)))
        return q.boolean_query(parts)

    def _exact_count_from_dictionary(self, searcher, parsed: ParsedQuery, filters, match_all) -> int | None:
        """The hit count of a lone-term query, read from the term dictionary (no scan)."""
        if parsed.phrases or not match_all or self._deleted_docs:
            return None
        if filters.doc_type or filters.department or filters.date_from or filters.date_until:
            return None
        clauses = parsed.clauses
        if len(clauses) != 1:
            return None
        present = [alt for alt in clauses[0] if len(alt) == 1]
        if len(present) != len(clauses[0]):
            return None
        counts = [searcher.doc_freq("text", alt[0]) for alt in present]
        nonzero = [c for c in counts if c]
        return nonzero[0] if len(nonzero) == 1 else None

    def query(self, parsed: ParsedQuery, filters: SearchFilters, *, sort: str, offset: int,
              limit: int, match_all: bool = True) -> RawResults:
        if parsed.empty:
            return RawResults(count=0)
        searcher = self.index().searcher()
        query = self.build_query(parsed, filters, match_all, searcher=searcher)
        if query is None:
            return RawResults(count=0)
        if sort == "date":
            result = searcher.search(query, limit, count=True, order_by_field="published_at",
                                     offset=offset, order=tantivy.Order.Desc)
            count = result.count
        else:
            count = self._exact_count_from_dictionary(searcher, parsed, filters, match_all)
            # Counting every hit means scoring every hit; without it tantivy skips blocks
            # that cannot reach the top (the 1-term p95 at 1M documents: ADR 0011).
            result = searcher.search(query, limit, count=count is None, offset=offset)
            if count is None:
                count = result.count
        hits = [
            _hit(searcher.doc(address).get_first("doc"),
                 float(order_key) if sort != "date" and order_key is not None else 0.0)
            for order_key, address in result.hits
        ]
        return RawResults(count=count, hits=hits)

    def vocabulary(self) -> dict[str, int]:
        searcher = self.index().searcher()
        if searcher.num_docs == 0:
            return {}
        return dict(searcher.terms_with_prefix("title", ""))
