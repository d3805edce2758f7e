import pytest

from zhengwu.core.workdays import calendar_cache_clear, calendar_seed_from_package

# Staff-kind admin with a verified second factor (the admin requires both).
from zhengwu.accounts.tests.mfa_helpers import admin_client, admin_user  # noqa: E402,F401


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Each test's rows are rolled back afterwards, but the in-process calendar copy
    # would survive; start and end every test with an empty cache.
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def calendar_2025_2026(db):
    """The chinesecalendar arrangements for 2025 and 2026 (2026 National Day and 调休)."""
    return calendar_seed_from_package(actor=None, years=[2025, 2026])
