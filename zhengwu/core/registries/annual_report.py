"""Figures other apps contribute to the government-information annual report (年度报告).

The annual report (``disclosure_requests``) needs counts that other domains own: the
licensing decisions of the year (cases) and the rules and normative documents made,
repealed and in force (disclosure). The owning app registers a provider from its
``AppConfig.ready``; the report asks ``report_figure(name, year=...)`` and never imports
the owner:

* ``LICENSING_DECISIONS``: ``fn(*, year) -> int``;
* ``PROACTIVE_COUNTS``: ``fn(*, year) -> dict`` with ``rules``, ``normative``, ``total``.

``report_figure`` returns ``None`` when no app provides the figure (the report then shows
it as unavailable rather than as zero).
"""

from __future__ import annotations

from collections.abc import Callable

LICENSING_DECISIONS = "licensing_decisions"
PROACTIVE_COUNTS = "proactive_counts"
FIGURES = frozenset({LICENSING_DECISIONS, PROACTIVE_COUNTS})

_providers: dict[str, Callable] = {}


def register_report_figure(name: str, provider: Callable) -> None:
    if name not in FIGURES:
        raise ValueError(f"unknown annual report figure {name!r}")
    _providers[name] = provider


def report_figure(name: str, *, year: int):
    provider = _providers.get(name)
    return None if provider is None else provider(year=year)
