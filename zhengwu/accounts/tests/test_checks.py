"""The demo-account system check (accounts.W001 / accounts.E001)."""

import pytest

from zhengwu.accounts.checks import demo_accounts_check

from .factories import StaffFactory

pytestmark = pytest.mark.django_db


def _ids(settings):
    return [m.id for m in demo_accounts_check()]


def test_demo_accounts_on_a_non_demo_setup_warn(settings):
    settings.ZHENGWU_DEMO, settings.DEBUG = False, False
    StaffFactory(is_demo=True)
    assert _ids(settings) == ["accounts.W001"]


def test_demo_accounts_under_the_production_flag_are_an_error(settings):
    settings.ZHENGWU_DEMO, settings.DEBUG, settings.ZHENGWU_PRODUCTION = True, False, True
    StaffFactory(is_demo=True)
    assert _ids(settings) == ["accounts.E001"]


def test_demo_setup_or_no_demo_accounts_pass(settings):
    settings.ZHENGWU_DEMO, settings.DEBUG = False, False
    StaffFactory(is_demo=False)
    assert _ids(settings) == []
    StaffFactory(is_demo=True)
    settings.ZHENGWU_DEMO = True
    assert _ids(settings) == []


def test_no_migration_creates_accounts():
    """Only `load_demo_county` creates accounts; no migration may ship a default one."""
    from pathlib import Path

    import zhengwu

    root = Path(zhengwu.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/migrations/*.py")
        if any(word in path.read_text(encoding="utf-8") for word in ("create_user", "create_superuser", "set_password"))
    ]
    assert offenders == []
