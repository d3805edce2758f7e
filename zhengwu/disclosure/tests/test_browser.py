"""The 政务公开 "done when" journey in a real browser (Debian's Chromium driven by Playwright).

The 信息员 drafts a notice, the 审核员 publishes it, and within seconds it is on its
catalog page, in its column feed and in the site search. Staff sign in through the real
login and second-factor forms, with codes from their TOTP devices.
"""

import time

import feedparser
import pytest

from zhengwu.accounts.tests.factories import PASSWORD
from zhengwu.accounts.tests.mfa_helpers import totp_code, totp_device
from zhengwu.core.tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

TITLE = "关于开展冬季安全生产大检查的通知"


@pytest.fixture
def search_index(settings, tmp_path):
    from zhengwu.search.backends import search_backend_reset

    settings.ZHENGWU_SEARCH_DIR = str(tmp_path / "search")
    settings.ZHENGWU_SEARCH_BACKEND = "tantivy"
    search_backend_reset()
    yield
    search_backend_reset()


@pytest.fixture
def devices(editor, publisher):
    # Created before the browser starts: Playwright's event loop forbids ORM calls afterwards.
    return {editor.username: totp_device(editor), publisher.username: totp_device(publisher)}


def _sign_in(page, base, user, device, *, next_path):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/mfa/**")
    page.fill("input[name=token]", totp_code(device))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"**{next_path}")


def _sign_out(page):
    # The public header (.topbar-user) or the staff workbench's own (.staff-user).
    page.locator(".topbar-user, .staff-user").get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def _eventually(check, *, seconds=10.0):
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def test_editor_drafts_publisher_publishes_and_it_appears_on_catalog_feed_and_search(
    live_server, transactional_db, editor, publisher, dept, gk_item, search_index, devices,
    browser_page, csp_violations,  # noqa: F811 (pytest fixtures imported above)
):
    page = browser_page
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The 信息员 writes a draft under catalog item GK001 and submits it for review.
    _sign_in(page, base, editor, devices[editor.username], next_path="/office/disclosure/new/")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("栏目").select_option("notice")
    page.get_by_label("公开目录事项").select_option("GK001")
    page.get_by_label("文号").fill("示安委〔2026〕9号")
    page.get_by_label("正文").fill("各乡镇人民政府、街道办事处:\n\n请于十二月底前完成辖区内企业的冬季安全生产大检查。")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/office/disclosure/*/")
    assert "草稿已保存" in page.locator("main").inner_text()
    page.get_by_role("button", name="提交审核").click()
    assert "已提交审核" in page.locator("main").inner_text()
    _sign_out(page)

    # The 审核员 publishes it from the review queue.
    _sign_in(page, base, publisher, devices[publisher.username], next_path="/office/disclosure/review/")
    section = page.locator("section.panel", has_text=TITLE)
    section.get_by_role("button", name="发布").click()
    notice = page.locator(".notice").first.inner_text()
    assert "已发布,索引号 TC-31/" in notice
    page.screenshot(path=str(SCREENSHOTS / "disclosure-review.png"), full_page=True)
    _sign_out(page)

    # Within seconds an anonymous visitor finds it on its catalog page,
    assert _eventually(lambda: TITLE in (page.goto(f"{base}/disclosure/items/GK001/") and page.locator("main").inner_text()))
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url("**/disclosure/*/")
    body = page.locator("main").inner_text()
    assert "示安委〔2026〕9号" in body and "索引号" in body and "有效" in body
    page.screenshot(path=str(SCREENSHOTS / "disclosure-detail.png"), full_page=True)

    # in its column's feed,
    feed_response = page.request.get(f"{base}/feeds/disclosure/columns/notice/rss.xml")
    feed = feedparser.parse(feed_response.body())
    assert feed.bozo == 0 and [e.title for e in feed.entries] == [TITLE]

    # and in the site search.
    def found_in_search():
        page.goto(f"{base}/search/?q=安全生产大检查")
        return page.locator(".search-results a", has_text=TITLE).count() > 0

    assert _eventually(found_in_search)
    page.screenshot(path=str(SCREENSHOTS / "disclosure-search.png"), full_page=True)
    assert csp_violations == []
