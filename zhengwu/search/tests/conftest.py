"""Each test gets its own index directory and a registered in-memory source ``note``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from zhengwu.core.registries import search as sources_module
from zhengwu.core.registries.search import SearchDocument
from zhengwu.search import suggest, synonyms
from zhengwu.search.backends import search_backend, search_backend_reset
from zhengwu.search.services import synonym_seed

TZ = dt.timezone(dt.timedelta(hours=8))


def note(doc_id, title, body="", *, day=(2026, 3, 1), dept="", dept_name="", doc_type="note"):
    return SearchDocument(
        doc_type=doc_type, doc_id=str(doc_id), title=title, body=body, url=f"/notes/{doc_id}/",
        published_at=dt.datetime(*day, 9, 0, tzinfo=TZ) if day else None,
        department_code=dept, department_name=dept_name,
    )


class NoteStore:
    """A stand-in public module: what is in ``docs`` is public."""

    def __init__(self):
        self.docs: dict[str, SearchDocument] = {}

    def put(self, *docs):
        for d in docs:
            self.docs[d.doc_id] = d

    def iter_all(self):
        return iter(list(self.docs.values()))

    def get_one(self, doc_id):
        return self.docs.get(doc_id)


@pytest.fixture(params=["tantivy", "postgres"])
def engine(request, settings, tmp_path, db):
    """The configured backend, once per engine; postgres only when the test DB is PostgreSQL."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL 引擎只在 PostgreSQL 测试库上测试")
    settings.ZHENGWU_SEARCH_BACKEND = request.param
    settings.ZHENGWU_SEARCH_DIR = str(tmp_path / "search")
    synonym_seed()  # a transactional test elsewhere may have flushed the migration's rows
    search_backend_reset()
    suggest.vocabulary_forget()
    yield search_backend()
    search_backend_reset()
    suggest.vocabulary_forget()


@pytest.fixture(autouse=True)
def _own_index(settings, tmp_path):
    # Tests never share an on-disk index.
    settings.ZHENGWU_SEARCH_DIR = str(tmp_path / "search")
    search_backend_reset()
    suggest.vocabulary_forget()
    synonyms.forget()
    yield
    search_backend_reset()
    suggest.vocabulary_forget()
    synonyms.forget()


@pytest.fixture
def notes():
    store = NoteStore()
    saved = dict(sources_module._sources)
    sources_module.register_search_source("note", "测试公告", store.iter_all, store.get_one)
    yield store
    sources_module._sources.clear()
    sources_module._sources.update(saved)


@pytest.fixture
def seeded(db):
    """The seed dictionary, whatever earlier transactional tests left in the table."""
    synonym_seed()
