"""The sample record of the URL walk (test_url_walk.py), importable by every app.

An app adds its own URLs to the walk with a module ``zhengwu/<app>/tests/url_samples.py``
defining ``PAGE_SAMPLES`` (url name → Sample) and/or ``API_SAMPLES``
((method, "/api/v1/..." path) → Sample); the walk merges them, so apps never edit
the walk's own tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    """How to request one URL and what an allowed persona gets.

    ``kwargs`` maps a path parameter to a value or to a callable taking the world.
    ``owner``: the persona who owns the object; every other signed-in persona gets 404
    (not 403: the id must not be confirmed to exist). ``ok``: the statuses an allowed
    persona may get (a POST-only view answers a GET with 405). ``refused_by_view``:
    personas the declaration lets in but the view itself turns away with 403.
    """

    kwargs: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    owner: str | None = None
    ok: frozenset[int] = frozenset({200})
    refused_by_view: frozenset[str] = frozenset()
