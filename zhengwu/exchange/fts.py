"""Full-text search over the resource catalog (``q`` of package_search and the catalog page).

Chinese has no spaces: names, abstracts, the providing department and the indicator
fields' titles are segmented with the platform's own analyser (``zhengwu.search.text``,
rjieba, the same on the document and the query side) and the words go into an index
kept in the datastore: an FTS5 table on SQLite, a ``tsvector`` with a GIN index on
PostgreSQL. A query's words must all match (as the search page does), best first.

The index is rebuilt from the catalog when the catalog has changed since it was built
(a stamp of count, newest change and highest id, one aggregate over ~1,200 rows per
search): no write path has to remember to update it, and a rebuild of the county's
catalog takes a fraction of a second.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from zhengwu.search.text import index_terms, query_parse

from . import datastore as ds
from .models import Resource, ResourceField

MAX_HITS = 5000


def _names() -> tuple[str, str]:
    if ds.is_postgres():
        schema = settings.ZHENGWU_EXCHANGE_SCHEMA
        return f'"{schema}"."catalog_fts"', f'"{schema}"."catalog_fts_meta"'
    return '"catalog_fts"', '"catalog_fts_meta"'


def _stamp() -> str:
    agg = Resource.objects.aggregate(n=Count("id"), changed=Max("updated_at"), top=Max("id"))
    return f"{agg['n']}:{agg['changed'].isoformat() if agg['changed'] else ''}:{agg['top'] or 0}"


def _ensure(cur) -> None:
    fts, meta = _names()
    if ds.is_postgres():
        cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.ZHENGWU_EXCHANGE_SCHEMA}"')
        cur.execute(f"CREATE TABLE IF NOT EXISTS {fts} (id bigint PRIMARY KEY, terms tsvector NOT NULL)")
        cur.execute(f"CREATE INDEX IF NOT EXISTS catalog_fts_terms ON {fts} USING gin (terms)")
    else:
        cur.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(terms, tokenize='unicode61 remove_diacritics 0')")
    cur.execute(f"CREATE TABLE IF NOT EXISTS {meta} (stamp text NOT NULL)")


def _document(r: Resource, titles: list[str]) -> str:
    precise, extra = index_terms(" ".join([r.name, r.abstract or "", r.provider.name, *titles]))
    return f"{precise} {extra}"


def catalog_index_refresh(*, force: bool = False) -> bool:
    """Rebuild the index when the catalog changed since it was built; True when it did."""
    stamp = _stamp()
    fts, meta = _names()
    with transaction.atomic(using=ds.alias()), ds.connection().cursor() as cur:
        _ensure(cur)
        cur.execute(f"SELECT stamp FROM {meta}")  # noqa: S608  # nosec B608 - fixed names
        row = cur.fetchone()
        if row and row[0] == stamp and not force:
            return False
        titles: dict[int, list[str]] = {}
        for rid, version, title in ResourceField.objects.values_list("resource_id", "version", "title"):
            titles.setdefault((rid, version), []).append(title)
        docs = [(r.pk, _document(r, titles.get((r.pk, r.version), [])))
                for r in Resource.objects.select_related("provider").only("pk", "name", "abstract", "version",
                                                                          "provider__name")]
        cur.execute(f"DELETE FROM {fts}")  # noqa: S608  # nosec B608
        if ds.is_postgres():
            cur.executemany(f"INSERT INTO {fts} (id, terms) VALUES (%s, to_tsvector('simple', %s))", docs)  # noqa: S608  # nosec B608
        else:
            cur.executemany(f"INSERT INTO {fts} (rowid, terms) VALUES (%s, %s)", docs)  # noqa: S608  # nosec B608
        cur.execute(f"DELETE FROM {meta}")  # noqa: S608  # nosec B608
        cur.execute(f"INSERT INTO {meta} (stamp) VALUES (%s)", [stamp])  # noqa: S608  # nosec B608
    return True


def catalog_match(q: str) -> list[int] | None:
    """Ids of the resources matching every word of ``q``, best first; ``None`` when ``q`` has no words."""
    parsed = query_parse(q)
    words = list(parsed.terms) + [w for phrase in parsed.phrases for w in phrase]
    words = [w.lower() for w in words if w.strip()]
    if not words:
        return None
    catalog_index_refresh()
    fts, _meta = _names()
    with ds.connection().cursor() as cur:
        if ds.is_postgres():
            # Each word bound as a lexeme of its own: nothing in the query is tsquery syntax.
            query = " && ".join(["plainto_tsquery('simple', %s)"] * len(words))
            cur.execute(f"SELECT id FROM {fts} WHERE terms @@ ({query}) "  # noqa: S608  # nosec B608
                        f"ORDER BY ts_rank(terms, {query}) DESC, id LIMIT {MAX_HITS}", words + words)
        else:
            # FTS5 syntax: every word a quoted string (a quote inside doubled), all required.
            match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
            cur.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s ORDER BY bm25({fts}), rowid "  # noqa: S608  # nosec B608
                        f"LIMIT {MAX_HITS}", [match])
        return [r[0] for r in cur.fetchall()]
