"""The public journey in a real browser: Debian's Chromium driven by Playwright.

Never downloads a browser; the test fails under CI=true when Chromium is missing (see
the root conftest) and is skipped elsewhere.
"""

import pytest

from zhengwu.catalog.services import catalog_load
from zhengwu.core.tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

@pytest.fixture
def loaded_catalog(transactional_db):
    catalog_load(actor=None)


def _root_font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_public_journey_home_catalog_area_item_and_elderly_mode(
    live_server, loaded_catalog, browser_page, csp_violations
):
    page = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Given the home page, the first Tab stop is the skip link.
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"
    assert page.locator(".column h2").all_inner_texts() == ["政务公开", "网上办事", "公众参与"]
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)

    # When the visitor walks 事项目录 → a work area → an item,
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="事项目录").click()
    page.wait_for_url("**/catalog/")
    assert "行政职权事项 295" in page.get_by_role("navigation", name="事项类别").inner_text()
    page.locator(".area-browser").get_by_role("link", name="公安工作").click()
    page.wait_for_url("**work_area=ql-03**")
    assert "共找到 23 项事项" in page.locator(".result-count").inner_text()
    first_item = page.locator(".item-list a").first
    item_name = first_item.inner_text()
    first_item.click()

    # then the item page shows its implementation list.
    page.wait_for_url("**/catalog/items/**")
    assert page.get_by_role("heading", level=1).inner_text() == item_name
    assert page.get_by_role("heading", name="实施清单").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "item.png"), full_page=True)

    # When elderly mode is switched on, the root text grows and the button says so,
    normal = _root_font_px(page)
    toggle = page.locator("[data-elderly-toggle]")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert _root_font_px(page) >= normal * 1.25

    # and it survives a reload because the server renders the class from the cookie.
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('elderly')")
    assert _root_font_px(page) >= normal * 1.25
    assert page.locator("[data-elderly-toggle]").get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(SCREENSHOTS / "item-elderly.png"), full_page=True)

    # Switching it off again restores the normal size.
    page.locator("[data-elderly-toggle]").click()
    page.reload()
    assert _root_font_px(page) == normal

    # Everything above ran under the strict Content-Security-Policy without a violation.
    assert csp_violations == []


def test_account_pages_and_api_docs_work_under_the_content_security_policy(live_server, browser_page, csp_violations):
    page = browser_page
    # The sign-in and registration forms are styled by their static stylesheet,
    for path in ("/accounts/login/", "/accounts/register/"):
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.locator(".account-box").first.evaluate("e => getComputedStyle(e).maxWidth") != "none"
    # and the API docs load Swagger UI from our own static files and render the operations.
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert csp_violations == []


def test_elderly_mode_works_without_javascript(live_server, loaded_catalog, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 640, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/catalog/?category=power")
        normal = _root_font_px(page)
        page.locator("[data-elderly-toggle]").click()
        page.wait_for_load_state()
        # Back on the same page, now in elderly mode, with nothing scrolling sideways.
        assert page.url.endswith("/catalog/?category=power")
        assert _root_font_px(page) > normal
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(SCREENSHOTS / "catalog-640-elderly-nojs.png"), full_page=True)
    finally:
        context.close()
