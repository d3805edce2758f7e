"""The item page draws the published flowchart with the vendored bpmn-js viewer under the strict CSP."""

import pytest
from django.urls import reverse

from zhengwu.cases.services import default_steps_for
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.core.tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def power_item(transactional_db):
    # Created before Playwright starts its event loop: Django refuses ORM calls inside one.
    return ItemFactory(
        name="农村村民宅基地审批", promised_limit_days=10, statutory_limit_days=20
    )


def test_item_page_renders_the_flowchart_svg_without_csp_violations(
    live_server, power_item, browser_page, csp_violations
):  # noqa: F811
    # Given a power item that has no saved definition yet,
    item = power_item
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Also catch violations the console might not show (e.g. blocked style attributes).
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });"
    )

    # when a visitor opens its page,
    page.goto(live_server.url + reverse("portal:item", args=[item.code]))
    page.wait_for_selector("#bpmn-canvas.is-ready svg", timeout=15_000)

    # then the viewer drew one task per step, in lanes named after the posts,
    steps = default_steps_for(item)
    tasks = page.locator('#bpmn-canvas g.djs-element[data-element-id^="Task_"]')
    assert tasks.count() == len(steps)
    drawn = page.locator(
        "#bpmn-canvas svg[data-element-id^='Collaboration_']"
    ).text_content()
    for step in steps:
        assert step["name"] in drawn
    assert "窗口人员" in drawn and "审批人" in drawn
    assert page.locator(".flowchart-status").inner_text().startswith("流程图已加载")
    # the step table is there for keyboard and screen-reader users,
    assert (
        page.get_by_role("table", name="办理环节").get_by_role("row").count()
        == len(steps) + 1
    )
    # and the browser reported no CSP violation and no script error.
    assert csp_violations == []
    assert page.evaluate("window.__csp") == []
    assert errors == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".flowchart-layout").screenshot(
        path=str(SCREENSHOTS / "flowchart.png")
    )


FOCUSABLE_INSIDE_IMAGES = """() => {
  const focusable = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';
  return Array.from(document.querySelectorAll('[role="img"]')).map(
    (image) => image.querySelectorAll(focusable).length
  );
}"""


def test_the_flowchart_image_holds_nothing_focusable(live_server, power_item, browser_page):  # noqa: F811
    # Issue 15 finding 6 (axe, serious): the viewer's bpmn.io link sat inside role="img",
    # reachable by Tab yet hidden from screen readers.
    page = browser_page
    page.goto(live_server.url + reverse("portal:item", args=[power_item.code]))
    page.wait_for_selector("#bpmn-canvas.is-ready svg", timeout=15_000)

    assert page.evaluate(FOCUSABLE_INSIDE_IMAGES) and all(n == 0 for n in page.evaluate(FOCUSABLE_INSIDE_IMAGES))
    drawing = page.get_by_role("img", name="农村村民宅基地审批权力运行流程图(图形),文字版见办理环节表")
    assert drawing.count() == 1 and drawing.evaluate("e => e.tagName.toLowerCase()") == "svg"
    assert page.locator("#bpmn-canvas").get_attribute("role") is None


DRAWN_SCALE = "document.querySelector('#bpmn-canvas .viewport').getCTM().a"
LABEL_PX = """Math.min(...Array.from(document.querySelectorAll('#bpmn-canvas .djs-element text'))
    .map(t => t.getBoundingClientRect().height).filter(h => h > 0))"""


def test_the_flowchart_is_readable_and_zooms(live_server, power_item, browser_page):  # noqa: F811
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + reverse("portal:item", args=[power_item.code]))
    page.wait_for_selector("#bpmn-canvas.is-ready svg", timeout=15_000)

    # The drawing is never shrunk below its own scale: labels stay at their 12 px, not ~8 px,
    assert page.evaluate(DRAWN_SCALE) >= 1
    assert page.evaluate(LABEL_PX) >= 11
    # and the box is as tall as the drawing needs, within the page's width.
    box = page.locator("#bpmn-canvas").bounding_box()
    assert box["height"] >= 160 and box["x"] + box["width"] <= 1366

    # 放大 / 缩小 / 适应宽度 change the zoom and bring it back.
    fitted = page.evaluate(DRAWN_SCALE)
    tools = page.get_by_role("toolbar", name="流程图缩放")
    tools.get_by_role("button", name="放大流程图").click()
    assert page.evaluate(DRAWN_SCALE) > fitted
    tools.get_by_role("button", name="流程图恢复为适应宽度").click()
    assert abs(page.evaluate(DRAWN_SCALE) - fitted) < 0.01
    tools.get_by_role("button", name="缩小流程图").click()
    assert page.evaluate(DRAWN_SCALE) < fitted

    # On a phone the drawing keeps its readable scale.
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(400)
    assert page.evaluate(DRAWN_SCALE) >= 1
