"""Session-wide test settings and the CI guard; app fixtures live in each app's tests/.

Settings are changed here, not in the settings package, so production settings never
carry test shortcuts.
"""

import os
from pathlib import Path

import pytest
from django.test.utils import override_settings

_TEST_SETTINGS = {
    # Tests must not depend on `collectstatic` having produced a manifest.
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    # Real hashers cost ~0.3 s per password; factories create hundreds of users.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # An audited write seals a backlog older than 0.5 s itself (ADR 0005). No sealer thread
    # runs under test, so that would happen whenever a test outlasts half a second and make
    # query counts depend on the machine's speed; core's sealer tests switch it on.
    "ZHENGWU_AUDIT_SEAL_ASSIST": False,
}

_override = override_settings(**_TEST_SETTINGS)
_deselected_browser_tests: list[str] = []


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    # Each test's rows are rolled back afterwards, but in-process copies (the calendar,
    # rendered public pages and their content version) would survive into the next test
    # and show it another test's data: start and end every test with them empty.
    from django.core.cache import cache

    from zhengwu.core.page_cache import forget_versions
    from zhengwu.core.workdays import calendar_cache_clear

    def clear():
        cache.clear()
        forget_versions()
        calendar_cache_clear()

    clear()
    yield
    clear()


@pytest.fixture
def browser():
    """A headless Debian Chromium (never a downloaded browser); skipped when it is missing."""
    import shutil

    from zhengwu.core.tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not shutil.which(CHROMIUM):
        pytest.skip("未安装 Debian 的 chromium / Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def browser_page(browser):
    """One page in a zh-CN desktop-sized context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def csp_violations(browser_page):
    """Console messages in which the browser reports a Content-Security-Policy violation."""
    found: list[str] = []

    def collect(message):
        if "Content Security Policy" in message.text:
            found.append(f"{browser_page.url}: {message.text}")

    browser_page.on("console", collect)
    return found


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def pytest_configure(config):
    _override.enable()
    # Huey builds its storage when djhuey is imported (before any conftest runs), so the
    # setting alone is too late; flipping the instance swaps in in-memory storage and runs
    # tasks inline, which is what on_commit-enqueued work needs under test.
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    settings.HUEY["immediate"] = True
    HUEY.immediate = True
    # WhiteNoise warns on every client request when STATIC_ROOT is missing (a fresh var/).
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def pytest_unconfigure(config):
    _override.disable()


def pytest_deselected(items):
    _deselected_browser_tests.extend(i.nodeid for i in items if i.get_closest_marker("browser"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if _in_ci() and report.skipped and item.get_closest_marker("browser"):
        # On CI a skipped browser test means the journey was never checked: fail it.
        report.outcome = "failed"
        report.longrepr = f"CI=true 时不允许跳过浏览器测试 / browser test skipped under CI=true: {report.longrepr}"


def pytest_sessionfinish(session, exitstatus):
    if _in_ci() and _deselected_browser_tests:
        writer = session.config.get_terminal_writer()
        writer.line()
        writer.line(
            f"CI=true 时不允许排除浏览器测试 / browser tests deselected under CI=true: "
            f"{len(_deselected_browser_tests)}",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
