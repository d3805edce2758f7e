import pytest

from zhengwu.core.workdays import calendar_seed_from_package

# Staff-kind admin with a verified second factor (the admin requires both).
from zhengwu.accounts.tests.mfa_helpers import admin_client, admin_user  # noqa: E402,F401


@pytest.fixture
def calendar_2025_2026(db):
    """The chinesecalendar arrangements for 2025 and 2026 (2026 National Day and 调休)."""
    return calendar_seed_from_package(actor=None, years=[2025, 2026])
