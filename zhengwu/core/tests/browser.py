"""Where the browser tests find Debian's Chromium, and how they start it.

The fixtures themselves (``browser``, ``browser_page``, ``csp_violations``) live in the
root conftest so every app's browser tests share one definition. Playwright never
downloads a browser: without /usr/bin/chromium the tests skip, and CI=true turns that
skip into a failure (root conftest).
"""

from pathlib import Path

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def staff_sign_in(page, base_url: str, *, username: str, password: str, device) -> None:
    """Sign a staff member in through the pages: password, then the TOTP second factor.

    ``device`` is the user's TOTPDevice, loaded before Playwright started (Django refuses
    ORM calls inside its event loop).
    """
    from zhengwu.accounts.tests.mfa_helpers import totp_code

    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/mfa/**")
    page.fill("input[name=token]", totp_code(device))
    page.get_by_role("button", name="验证").click()
    page.wait_for_load_state()
    assert "/accounts/mfa/" not in page.url, page.content()
