"""PostgreSQL engine: ``search_searchentry`` rows with a tsvector, for several app servers.

Text is segmented in Python exactly as for tantivy and stored space-separated, so the
'simple' configuration only splits on spaces and lowercases. Weights: title A, body B,
sub-words D; ranking with ts_rank_cd. Writes happen inside the caller's transaction (the
task, the rebuild command), so there is no writer lock to wait for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Max

from ..models import SearchEntry
from zhengwu.core.registries.search import SearchDocument
from ..text import ParsedQuery, document_terms
from .base import (
    STORED_BODY_CHARS,
    RawHit,
    RawResults,
    SearchBackend,
    SearchFilters,
    doc_key,
)

ITEM_TYPE = "item"  # the service guides (办事事项) that a query naming a service prefers

TSV_SQL = (
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
    " || setweight(to_tsvector('simple', %s), 'D')"
)


def _require_postgres():
    if connection.vendor != "postgresql":
        raise RuntimeError("ZHENGWU_SEARCH_BACKEND=postgres needs DATABASE_URL pointing to PostgreSQL")


class PostgresBackend(SearchBackend):
    name = "postgres"

    def _save(self, doc: SearchDocument) -> None:
        title_words, title_sub, body_words, body_sub = document_terms(doc.title, doc.body)
        entry, _ = SearchEntry.objects.update_or_create(
            doc_key=doc_key(doc.doc_type, doc.doc_id),
            defaults={
                "doc_type": doc.doc_type, "doc_id": doc.doc_id, "title": doc.title,
                "body": doc.body[:STORED_BODY_CHARS], "url": doc.url, "published_at": doc.published_at,
                "department_code": doc.department_code or "", "department_name": doc.department_name or "",
                "title_words": title_words, "body_words": body_words,
            },
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE search_searchentry SET tsv = {TSV_SQL} WHERE id = %s",  # nosec B608 - constant SQL, values are parameters
                [title_words, body_words, f"{title_sub} {body_sub}", entry.pk],
            )

    def upsert(self, docs: Iterable[SearchDocument]) -> int:
        _require_postgres()
        n = 0
        with transaction.atomic():
            for doc in docs:
                self._save(doc)
                n += 1
        return n

    def delete(self, doc_type: str, doc_id: str) -> None:
        SearchEntry.objects.filter(doc_key=doc_key(doc_type, doc_id)).delete()

    def replace(self, doc_type: str | None, docs: Iterable[SearchDocument],
                progress: Callable[[int], None] | None = None, **_ignored) -> int:
        _require_postgres()
        n = 0
        with transaction.atomic():
            old = SearchEntry.objects.all() if doc_type is None else SearchEntry.objects.filter(doc_type=doc_type)
            old.delete()
            for doc in docs:
                self._save(doc)
                n += 1
                if progress and n % 1000 == 0:
                    progress(n)
        return n

    def count(self) -> int:
        return SearchEntry.objects.count()

    def generation(self) -> str:
        agg = SearchEntry.objects.aggregate(m=Max("updated_at"))
        return f"pg:{agg['m']}:{self.count()}"

    # ------------------------------------------------------------------ reading

    @staticmethod
    def _clause_tsquery(clause: list[list[str]]) -> tuple[str, list]:
        # plainto_tsquery ANDs the words of one alternative; alternatives are ORed.
        parts = ["plainto_tsquery('simple', %s)"] * len(clause)
        return "(" + " || ".join(parts) + ")", [" ".join(alt) for alt in clause]

    @classmethod
    def _tsquery(cls, parsed: ParsedQuery, match_all: bool) -> tuple[str, list]:
        parts, params = [], []
        for clause in parsed.clauses:
            sql, clause_params = cls._clause_tsquery(clause)
            parts.append(sql)
            params.extend(clause_params)
        for phrase in parsed.phrases:
            parts.append("phraseto_tsquery('simple', %s)")
            params.append(" ".join(phrase))
        joiner = " && " if match_all else " || "
        return "(" + joiner.join(parts) + ")", params

    def query(self, parsed: ParsedQuery, filters: SearchFilters, *, sort: str, offset: int,
              limit: int, match_all: bool = True) -> RawResults:
        if parsed.empty:
            return RawResults(count=0)
        _require_postgres()
        tsq, tsq_params = self._tsquery(parsed, match_all)
        where = ["tsv @@ q.query"]
        params: list = []
        if filters.doc_type:
            where.append("doc_type = %s")
            params.append(filters.doc_type)
        if filters.department:
            where.append("department_code = %s")
            params.append(filters.department)
        if filters.date_from:
            where.append("published_at >= %s")
            params.append(filters.date_from)
        if filters.date_until:
            where.append("published_at < %s")
            params.append(filters.date_until)
        base = f"FROM search_searchentry, (SELECT {tsq} AS query) q WHERE {' AND '.join(where)}"
        # A service item whose name (title words, weight A) holds every clause comes
        # first: the query names that service (same rule as the tantivy engine).
        named_parts, named_params = [], []
        for clause in parsed.clauses:
            sql, clause_params = self._clause_tsquery(clause)
            named_parts.append(f"ts_filter(tsv, '{{a}}') @@ {sql}")
            named_params.extend(clause_params)
        if named_parts and not parsed.phrases:
            named = f"(doc_type = '{ITEM_TYPE}' AND " + " AND ".join(named_parts) + ")"
        else:
            named, named_params = "false", []
        order = ("published_at DESC NULLS LAST, id DESC" if sort == "date"
                 else "named DESC, rank DESC, published_at DESC NULLS LAST, id DESC")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {base}", [*tsq_params, *params])
            count = cursor.fetchone()[0]
            cursor.execute(
                "SELECT doc_type, doc_id, title, body, url, published_at, department_code, department_name,"
                f" ts_rank_cd(tsv, q.query) AS rank, {named} AS named {base}"  # nosec B608 - constant SQL, values are parameters
                f" ORDER BY {order} LIMIT %s OFFSET %s",
                [*named_params, *tsq_params, *params, limit, offset],
            )
            rows = cursor.fetchall()
        hits = [RawHit(*row[:8], score=float(row[8])) for row in rows]
        return RawResults(count=count, hits=hits)

    def vocabulary(self) -> dict[str, int]:
        if connection.vendor != "postgresql" or not SearchEntry.objects.exists():
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, ndoc FROM ts_stat("
                "'SELECT to_tsvector(''simple'', title_words) FROM search_searchentry')"
            )
            return dict(cursor.fetchall())
