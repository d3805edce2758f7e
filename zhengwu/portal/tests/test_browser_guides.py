"""Service guides and finding services in a real browser (issue 16): Debian's Chromium."""

import pytest

from zhengwu.catalog.models import Item, ItemMaterial, OnlineDepth
from zhengwu.catalog.services import catalog_load
from zhengwu.core.tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def guide_items(transactional_db):
    """The basic catalog; QL074 open to online applying, QL017 only in person."""
    catalog_load(actor=None)
    Item.objects.filter(code="QL074").update(
        online_application=True, online_depth=OnlineDepth.APPLY, visits_required=1,
        place="县政务服务中心一楼8号窗口", hours="工作日 9:00-17:00",
    )
    ItemMaterial.objects.create(item=Item.objects.get(code="QL074"), seq=1, name="宅基地申请表")
    Item.objects.filter(code="QL017").update(
        online_application=False, online_depth=OnlineDepth.DISCLOSURE,
        place="县政务服务中心一楼1号窗口", hours="工作日 9:00-17:00", consultation_phone="0000-1234503",
    )


def test_guides_show_apply_only_where_online_and_life_events_find_items(
    live_server, guide_items, browser_page, csp_violations
):
    page = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Given the home page, 办件查询 is one click away,
    page.goto(live_server.url + "/")
    page.locator(".svc-cards").get_by_role("link", name="办件查询").click()
    page.wait_for_url("**/status/")

    # and 网上办事 → 个人办事 → 住房 lists the homestead approval.
    page.goto(live_server.url + "/banshi/")
    page.locator("#for-person").get_by_role("link", name="住房").click()
    page.wait_for_url("**event=housing**")
    assert page.get_by_role("heading", level=1).inner_text() == "个人办事 · 住房"
    page.locator(".item-list").get_by_role("link", name="农村村民宅基地审批").click()

    # An item open online shows 在线申请,
    page.wait_for_url("**/catalog/items/QL074/")
    assert page.get_by_role("link", name="在线申请").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "guide-online.png"), full_page=True)

    # an item without online handling shows none and says where to go instead.
    page.goto(live_server.url + "/catalog/items/QL017/")
    assert page.get_by_role("link", name="在线申请").count() == 0
    in_person = page.locator(".guide-in-person")
    assert "县政务服务中心一楼1号窗口" in in_person.inner_text()
    assert "0000-1234503" in in_person.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "guide-in-person.png"), full_page=True)

    # The quick filter 最多跑一次 narrows the catalog to the item with one visit.
    page.goto(live_server.url + "/catalog/")
    page.get_by_label("最多跑一次").check()
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**visits=1**")
    assert page.locator(".item-list .name a").all_inner_texts() == ["农村村民宅基地审批"]

    # Icons are drawn from the vendored set, not as filled squares (the CSP allows no inline style).
    page.goto(live_server.url + "/")
    mask = page.locator(".svc-cards .svc-icon").first.evaluate("e => getComputedStyle(e).maskImage")
    assert "tabler-icons-3.54.0" in mask
    assert csp_violations == []
