"""Embedded engine: a tantivy index directory, written by one process at a time.

Writers: the task worker (one document per task) and the rebuild command. tantivy itself
refuses a second IndexWriter on the directory (LockBusy, across processes); we wait and
retry for a while, then raise SearchIndexBusy so that the task is retried later.
Readers (web workers) keep the index open and reload only when ``meta.json`` changed:
one ``stat`` per search.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import tantivy

from zhengwu.core.registries.search import SearchDocument
from ..text import ParsedQuery, index_terms
from .base import (
    STORED_BODY_CHARS,
    SUBWORD_BOOST,
    TITLE_BOOST,
    RawHit,
    RawResults,
    SearchBackend,
    SearchFilters,
    SearchIndexBusy,
    doc_key,
)

logger = logging.getLogger("zhengwu.search")

# Bump when the schema changes: a new directory is built by `search_rebuild`.
SCHEMA_VERSION = 1
ANALYZER = "zw_ws"
WRITER_HEAP = 64_000_000
BATCH_COMMIT = 50_000


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_key", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("doc_type", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("department_code", stored=True, tokenizer_name="raw", index_option="basic")
    # Pre-segmented words; positions kept for phrase queries.
    sb.add_text_field("title", tokenizer_name=ANALYZER, index_option="position")
    sb.add_text_field("body", tokenizer_name=ANALYZER, index_option="position")
    # Sub-words of long words ("社会保障" -> "社会", "保障"): recall only, no positions.
    sb.add_text_field("sub", tokenizer_name=ANALYZER, index_option="freq")
    sb.add_date_field("published_at", stored=True, indexed=True, fast=True)
    # Display fields, stored only (raw tokenizer, not searched).
    for name in ("title_text", "body_text", "url", "department_name"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    return sb.build()


def _analyzer():
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.remove_long(64))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def to_tantivy_document(doc: SearchDocument) -> tantivy.Document:
    """The one indexing path (the task, the rebuild command and the bench all use it)."""
    title_words, title_sub = index_terms(doc.title)
    body_words, body_sub = index_terms(doc.body)
    out = tantivy.Document()
    out.add_text("doc_key", doc_key(doc.doc_type, doc.doc_id))
    out.add_text("doc_type", doc.doc_type)
    out.add_text("doc_id", doc.doc_id)
    out.add_text("department_code", doc.department_code or "")
    out.add_text("title", title_words)
    out.add_text("body", body_words)
    out.add_text("sub", f"{title_sub} {body_sub}")
    if doc.published_at is not None:
        out.add_date("published_at", doc.published_at)
    out.add_text("title_text", doc.title)
    out.add_text("body_text", doc.body[:STORED_BODY_CHARS])
    out.add_text("url", doc.url)
    out.add_text("department_name", doc.department_name or "")
    return out


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

    # ------------------------------------------------------------------ opening

    def _meta_stamp(self) -> int | None:
        try:
            stat = (self.path / "meta.json").stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns ^ stat.st_size ^ stat.st_ino

    def index(self) -> tantivy.Index:
        with self._open_lock:
            if self._index is None:
                self.path.mkdir(parents=True, exist_ok=True)
                self._index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
                self._index.register_tokenizer(ANALYZER, _analyzer())
                self._index.config_reader(reload_policy="Manual")
                self._seen_meta = self._meta_stamp()
            else:
                stamp = self._meta_stamp()
                if stamp != self._seen_meta:
                    # Another process (or our writer) committed: see its segments.
                    self._index.reload()
                    self._seen_meta = stamp
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
        (intermediate commits only happen past ``commit_every`` documents)."""

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

    def _term_clause(self, term: str):
        q = tantivy.Query
        return q.boolean_query([
            (tantivy.Occur.Should, q.boost_query(q.term_query(self.schema, "title", term), TITLE_BOOST)),
            (tantivy.Occur.Should, q.term_query(self.schema, "body", term)),
            (tantivy.Occur.Should, q.boost_query(q.term_query(self.schema, "sub", term), SUBWORD_BOOST)),
        ])

    def _phrase_clause(self, words: list[str]):
        q = tantivy.Query
        return q.boolean_query([
            (tantivy.Occur.Should, q.boost_query(q.phrase_query(self.schema, "title", words), TITLE_BOOST)),
            (tantivy.Occur.Should, q.phrase_query(self.schema, "body", words)),
        ])

    def build_query(self, parsed: ParsedQuery, filters: SearchFilters, match_all: bool = True):
        q = tantivy.Query
        text_clauses = [self._term_clause(t) for t in parsed.terms]
        text_clauses += [self._phrase_clause(p) for p in parsed.phrases]
        occur = tantivy.Occur.Must if match_all else tantivy.Occur.Should
        clauses = [(occur, c) for c in text_clauses]
        filter_clauses = []
        if filters.doc_type:
            filter_clauses.append(q.term_query(self.schema, "doc_type", filters.doc_type))
        if filters.department:
            filter_clauses.append(q.term_query(self.schema, "department_code", filters.department))
        if filters.date_from or filters.date_until:
            filter_clauses.append(q.range_query(
                self.schema, "published_at", tantivy.FieldType.Date,
                filters.date_from, filters.date_until,
                include_lower=True, include_upper=filters.date_until is None,
            ))
        if not match_all and filter_clauses:
            # Should-clauses next to Must-filters would become optional: nest them.
            clauses = [(tantivy.Occur.Must, q.boolean_query(clauses))]
        # Filters restrict without adding to the score.
        clauses += [(tantivy.Occur.Must, q.const_score_query(f, 0.0)) for f in filter_clauses]
        return q.boolean_query(clauses)

    def query(self, parsed: ParsedQuery, filters: SearchFilters, *, sort: str, offset: int,
              limit: int, match_all: bool = True) -> RawResults:
        if parsed.empty:
            return RawResults(count=0)
        index = self.index()
        searcher = index.searcher()
        query = self.build_query(parsed, filters, match_all)
        if sort == "date":
            result = searcher.search(query, limit, count=True, order_by_field="published_at",
                                     offset=offset, order=tantivy.Order.Desc)
        else:
            result = searcher.search(query, limit, count=True, offset=offset)
        hits = []
        for order_key, address in result.hits:
            stored = searcher.doc(address)
            hits.append(RawHit(
                doc_type=stored.get_first("doc_type") or "",
                doc_id=stored.get_first("doc_id") or "",
                title=stored.get_first("title_text") or "",
                body=stored.get_first("body_text") or "",
                url=stored.get_first("url") or "",
                published_at=stored.get_first("published_at"),
                department_code=stored.get_first("department_code") or "",
                department_name=stored.get_first("department_name") or "",
                score=float(order_key) if sort != "date" and order_key is not None else 0.0,
            ))
        return RawResults(count=result.count, hits=hits)

    def vocabulary(self) -> dict[str, int]:
        searcher = self.index().searcher()
        if searcher.num_docs == 0:
            return {}
        return dict(searcher.terms_with_prefix("title", ""))
