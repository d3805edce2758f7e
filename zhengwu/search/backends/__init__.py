"""Search engines behind one interface; ``search_backend()`` returns the configured one.

``ZHENGWU_SEARCH_BACKEND`` = "tantivy" (embedded, default: an index directory next to
the database) or "postgres" (a table with a tsvector column, for several app servers
sharing one database). Selectors shape the results the same way for both.
"""

from __future__ import annotations

import os
import threading

from django.conf import settings

from .base import RawHit, RawResults, SearchBackend, SearchFilters, SearchIndexBusy

_lock = threading.Lock()
_backends: dict[tuple, SearchBackend] = {}


def search_backend_name() -> str:
    name = getattr(settings, "ZHENGWU_SEARCH_BACKEND", None) or os.environ.get("ZHENGWU_SEARCH_BACKEND", "tantivy")
    return name.strip().lower() or "tantivy"


def search_dir():
    from pathlib import Path

    configured = getattr(settings, "ZHENGWU_SEARCH_DIR", None) or os.environ.get("ZHENGWU_SEARCH_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "search"


def search_backend() -> SearchBackend:
    name = search_backend_name()
    key = (name, str(search_dir()) if name == "tantivy" else "")
    with _lock:
        backend = _backends.get(key)
        if backend is None:
            if name == "tantivy":
                from .tantivy_backend import TantivyBackend

                backend = TantivyBackend(search_dir())
            elif name == "postgres":
                from .postgres_backend import PostgresBackend

                backend = PostgresBackend()
            else:
                raise ValueError(f"unknown ZHENGWU_SEARCH_BACKEND: {name!r} (tantivy|postgres)")
            _backends[key] = backend
        return backend


def search_backend_reset() -> None:
    """Forget opened backends (tests switch directories per test)."""
    with _lock:
        _backends.clear()


__all__ = [
    "RawHit", "RawResults", "SearchBackend", "SearchFilters", "SearchIndexBusy",
    "search_backend", "search_backend_name", "search_backend_reset", "search_dir",
]
