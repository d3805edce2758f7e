"""Explicit extension points of the portal shell, filled by other apps in ``AppConfig.ready``.

Several modules (disclosure, letters, participation, search ...) put a panel on a portal
section page or a link on the staff work page. Instead of each editing the portal's
templates, they register here; the portal renders what is registered, in ``order``.

* ``register_section_panel(section, render, order)``: ``section`` is one of "home",
  "disclosure", "services", "participation"; ``render(request) -> str`` returns safe HTML
  (normally ``render_to_string(template, context, request)``). Section pages are cached
  for anonymous visitors, so a panel must not depend on who is asking.
* ``register_office_link(label, url_name, note, visible, roles)``: an entry of the staff
  workbench's side navigation and of 常用入口 on its home page; ``roles`` (holders of one
  of them see it, asked of the posts the page has already loaded, no query) or
  ``visible(user) -> bool`` decides who sees it (default: all staff).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

SECTIONS = ("home", "disclosure", "services", "participation")


@dataclass(frozen=True)
class _Panel:
    section: str
    render: Callable
    order: int


@dataclass(frozen=True)
class OfficeLink:
    label: str
    url: str
    note: str


_panels: list[_Panel] = []
_office_links: list[tuple[int, str, str, str, Callable | None, frozenset | None]] = []


def register_section_panel(section: str, render: Callable, *, order: int = 100) -> None:
    if section not in SECTIONS:
        raise ValueError(f"unknown portal section {section!r}")
    _panels.append(_Panel(section, render, order))


def register_office_link(
    label: str, url_name: str, *, note: str = "", order: int = 100, visible: Callable | None = None, roles=None,
) -> None:
    _office_links.append((order, label, url_name, note, visible, frozenset(str(r) for r in roles) if roles else None))


def section_panels(section: str, request) -> list[str]:
    panels = sorted((p for p in _panels if p.section == section), key=lambda p: p.order)
    # Panels return render_to_string() output, already a SafeString; a plain str is escaped.
    return [p.render(request) for p in panels]


def office_links(user, posts=None) -> list[OfficeLink]:
    """The links ``user`` may follow; ``posts`` (``org.responsibility.Posts``) answers
    ``roles`` without a query (loaded here through ``visible`` otherwise)."""
    out = []
    for _order, label, url_name, note, visible, roles in sorted(_office_links, key=lambda x: x[0]):
        if roles is not None and not (posts.holds(roles) if posts is not None else False):
            continue
        if visible is not None and not visible(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        out.append(OfficeLink(label, url, note))
    return out
