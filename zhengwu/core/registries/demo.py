"""Demo-county loaders that apps add from ``AppConfig.ready`` (the demo app runs them).

``register_demo_loader(name, loader, order=)``: ``loader() -> str`` runs after the demo
county exists, must be idempotent, and returns a one-line Chinese summary that
``load_demo_county`` prints. ``demo_data()`` gives a loader the demo county's data file
(accounts, password ...) without importing the demo app, which stands above every app:
the demo app plugs its reader in with ``register_demo_data_reader``.
"""

from __future__ import annotations

from collections.abc import Callable

_loaders: list[tuple[int, str, Callable[[], str]]] = []
_data_reader: list[Callable[[], dict]] = []


def register_demo_loader(name: str, loader: Callable[[], str], *, order: int = 100) -> None:
    if any(n == name for _o, n, _l in _loaders):
        return  # registering twice (a second ready()) must not load twice
    _loaders.append((order, name, loader))


def demo_loaders() -> list[tuple[str, Callable[[], str]]]:
    """The registered loaders as (name, loader), in (order, name) order."""
    return [(name, loader) for _order, name, loader in sorted(_loaders, key=lambda x: (x[0], x[1]))]


def register_demo_data_reader(reader: Callable[[], dict]) -> None:
    _data_reader[:] = [reader]


def demo_data() -> dict:
    if not _data_reader:
        raise LookupError("no demo data reader registered (is zhengwu.demo installed?)")
    return _data_reader[0]()
