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
