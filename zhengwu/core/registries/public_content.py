"""Which audited actions change what anonymous visitors see (for ``zhengwu.core.page_cache``).

Core does not know the apps' actions. Each app declares, from its ``AppConfig.ready``,
the audit actions that change its public pages:

* ``register_public_actions("disclosure.disclosure.publish", "catalog.", ...)``: an entry
  ending in "." is a prefix (every action under it), any other entry one exact action;
* ``scope=`` names the cached pages the action can change. The default ``SITE`` is the
  whole public site (catalog, units, site identity, disclosures ... appear in menus,
  panels and the home page). A narrower scope (``"participation"``) is for frequent
  actions whose effect shows only on a few pages (a survey answer changes the
  participation count of the survey list): those pages name the scope in
  ``cached_public_page(scopes=...)``, every other cached page stays cached.

An action nobody declared (a draft saved, an export, a login) flushes nothing.
"""

from __future__ import annotations

SITE = "public"

_exact: dict[str, str] = {}
_prefixes: dict[str, str] = {}


def register_public_actions(*actions: str, scope: str = SITE) -> None:
    for action in actions:
        if not action or not scope:
            raise ValueError("a public action and its scope must not be empty")
        (_prefixes if action.endswith(".") else _exact)[action] = scope


def public_scope_of(action: str) -> str | None:
    """The page scope ``action`` changes, or None when it changes no public page."""
    scope = _exact.get(action)
    if scope is not None:
        return scope
    best = ""
    for prefix in _prefixes:
        if action.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return _prefixes[best] if best else None
