"""A citizen finds 最低生活保障 by typing 低保, and by typing dibao (issue 16, done when).

Debian's Chromium driven by Playwright, against the real catalog (385 items) indexed
with the app's own path and the seeded synonym dictionary.
"""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def catalog_index(transactional_db, settings, tmp_path):
    # Everything through the ORM happens here, before the browser's event loop starts.
    from zhengwu.catalog.services import catalog_load
    from zhengwu.search import suggest, synonyms
    from zhengwu.search.backends import search_backend_reset
    from zhengwu.search.services import search_rebuild, synonym_seed

    settings.ZHENGWU_SEARCH_DIR = str(tmp_path / "search")
    settings.ZHENGWU_SEARCH_BACKEND = "tantivy"
    search_backend_reset()
    suggest.vocabulary_forget()
    synonyms.forget()
    catalog_load(actor=None)
    synonym_seed()
    search_rebuild(actor=None, doc_type="item")
    yield
    search_backend_reset()
    suggest.vocabulary_forget()
    synonyms.forget()


def _search(page, base, words):
    page.goto(f"{base}/search/")
    form = page.get_by_role("search", name="全站搜索")
    form.get_by_label("关键词").fill(words)
    form.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()


def test_citizen_finds_minimum_living_allowance_by_abbreviation_and_pinyin(
    live_server, catalog_index, browser_page, csp_violations,
):
    page = browser_page
    _search(page, live_server.url, "低保")
    titles = page.locator(".search-results .search-title")
    # The service guide comes first: the query names that service.
    assert "城乡居民最低生活保障待遇核定" in titles.first.inner_text()
    assert "<em>" not in titles.first.inner_text()
    assert page.locator(".search-results .search-title em").first.inner_text() in ("最低生活保障", "最低", "生活保障")

    _search(page, live_server.url, "dibao")
    assert "以下是“低保”的结果" in page.locator("main").inner_text()
    assert "城乡居民最低生活保障待遇核定" in page.locator(".search-results .search-title").first.inner_text()
    page.locator(".search-results .search-title a").first.click()
    page.wait_for_load_state()
    assert "最低生活保障" in page.locator("h1").first.inner_text()
    assert csp_violations == []
