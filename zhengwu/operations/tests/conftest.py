"""Fixtures for the operations tests."""

from zhengwu.accounts.tests.mfa_helpers import verified_login  # noqa: F401


def pytest_collection_modifyitems(config, items):
    # Two application servers cannot share an SQLite file: on an SQLite test database the
    # PostgreSQL-only tests are deselected (make test runs them in its PostgreSQL pass).
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep = [item for item in items if item.get_closest_marker("postgresql_only") is None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
