"""A letter's whole journey in a real browser (Debian's Chromium through Playwright):
submission → assignment → transfer → reply and its approval → masked publication → rating.

Every actor has a browser context of their own and logs in through the real login pages
(staff with their TOTP code), so nothing is faked below the browser.
"""

from dataclasses import dataclass

import pytest


pytestmark = pytest.mark.browser

PASSWORD = "Zhengwu#Letters2026"
PHONE = "13912345678"


@dataclass
class Login:
    username: str
    device: object = None  # a TOTPDevice for staff, loaded before the browser starts


@pytest.fixture
def county(transactional_db, settings, tmp_path):
    from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
    from zhengwu.accounts.tests.mfa_helpers import totp_device
    from zhengwu.core.workdays import calendar_seed_from_package
    from zhengwu.org.models import Unit
    from zhengwu.org.roles import Role
    from zhengwu.org.tests.factories import UnitFactory, grant_post

    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    calendar_seed_from_package(actor=None)
    county = UnitFactory(code="BX", name="示例县", kind=Unit.Kind.COUNTY)
    office = UnitFactory(code="BX-XF", name="县信访局", kind=Unit.Kind.DEPARTMENT, parent=county)
    env = UnitFactory(code="BX-HB", name="县环境保护局", kind=Unit.Kind.DEPARTMENT, parent=county)
    market = UnitFactory(code="BX-SC", name="县市场监督管理局", kind=Unit.Kind.DEPARTMENT, parent=county)
    UnitFactory(code="BX-T1", name="城关镇", kind=Unit.Kind.TOWNSHIP, parent=county)

    def staff(username, real_name, role, unit):
        user = grant_post(StaffFactory(username=username, real_name=real_name, password=PASSWORD), role, unit=unit)
        return Login(username, totp_device(user))

    citizen = CitizenFactory(real_name="王小明", password=PASSWORD)
    return {
        "citizen": Login(citizen.username),
        "clerk": staff("xf_clerk", "分办员", Role.LETTER_CLERK, office),
        "env_handler": staff("hb_handler", "环保承办", Role.HANDLER, env),
        "market_handler": staff("sc_handler", "市场承办", Role.HANDLER, market),
        "market_head": staff("sc_head", "市场负责人", Role.DEPARTMENT_HEAD, market),
    }


def _page(browser, base, login: Login | None, csp: list):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    if login is None:
        return page
    from zhengwu.accounts.tests.mfa_helpers import totp_code

    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", login.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if login.device is not None:
        page.wait_for_url("**/accounts/mfa/**")
        page.fill("input[name=token]", totp_code(login.device))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
        assert "/accounts/mfa/" not in page.url, page.content()
    return page


def _open_letter(page, base, title):
    page.goto(base + "/office/letters/?view=all")
    page.get_by_role("link", name=title).click()
    page.wait_for_load_state()


def test_a_letter_from_submission_to_masked_publication_and_rating(live_server, county, browser):
    base = live_server.url
    csp: list[str] = []
    title = "楼下饭店出售过期食品还排油烟"

    # The citizen writes to the county head mailbox, agreeing to publication.
    citizen = _page(browser, base, county["citizen"], csp)
    citizen.goto(base + "/letters/write/county_head/")
    citizen.select_option("#letter-category", "market")
    citizen.select_option("#letter-township", "BX-T1")
    citizen.fill("#letter-title", title)
    citizen.fill("#letter-body", f"我叫王小明,电话{PHONE},家住城关镇阳光小区3栋501室。楼下饭店卖过期食品,油烟也很大。")
    citizen.check("input[name=publish_consent]")
    citizen.get_by_role("button", name="提交").click()
    citizen.wait_for_url("**/letters/submitted/")
    code = citizen.locator("#query-code").inner_text().strip()
    assert len(code) == 12

    # The letters office assigns it to the environment bureau.
    clerk = _page(browser, base, county["clerk"], csp)
    _open_letter(clerk, base, title)
    clerk.select_option("#assign-department", "BX-HB")
    clerk.fill("#assign-reason", "油烟污染")
    clerk.locator("#assign-form button[type=submit]").click()
    clerk.wait_for_load_state()
    assert clerk.locator("#staff-status").inner_text() == "办理中"

    # The environment bureau transfers it: selling expired food is market supervision.
    env = _page(browser, base, county["env_handler"], csp)
    _open_letter(env, base, title)
    env.select_option("#transfer-department", "BX-SC")
    env.fill("#transfer-reason", "主要问题为过期食品,属市场监管职责")
    env.locator("#transfer-form button[type=submit]").click()
    env.wait_for_load_state()
    assert "已转办" in env.content()

    # The market bureau's handler drafts the reply; its head approves it.
    handler = _page(browser, base, county["market_handler"], csp)
    _open_letter(handler, base, title)
    handler.fill("#reply-body-input", f"王小明您好:经现场检查,已对该饭店立案查处并责令整改。如有疑问请致电{PHONE}联系本人。")
    handler.locator("#draft-form button[type=submit]").click()
    handler.wait_for_load_state()
    assert handler.locator("#staff-status").inner_text() == "答复待审核"
    head = _page(browser, base, county["market_head"], csp)
    _open_letter(head, base, title)
    head.fill("#approve-body", "王小明您好:经现场检查,已对该饭店立案查处并责令整改。")
    head.locator("#approve-form button[type=submit]").click()
    head.wait_for_load_state()
    assert head.locator("#staff-status").inner_text() == "已答复"

    # Anyone with the query code sees the reply, and not the hops' internal notes.
    public = _page(browser, base, None, csp)
    public.goto(base + "/letters/query/")
    public.fill("#query-code-input", code)
    public.get_by_role("button", name="查询").click()
    public.wait_for_load_state()
    assert "已对该饭店立案查处" in public.locator("#reply-body").inner_text()
    assert "转县市场监督管理局办理" in public.content()

    # The clerk prepares the masked text, reviews what was found, and publishes it.
    _open_letter(clerk, base, title)
    clerk.locator("#publication-link").click()
    clerk.locator("#prepare-btn").click()
    clerk.wait_for_load_state()
    findings = clerk.get_by_role("table").inner_text()
    # The reviewer sees each finding, where it is and masked (the stored findings hold no values).
    assert "139****5678" in findings and "来信内容第 9 字起" in findings and PHONE not in findings
    masked = clerk.locator("#pub-body-input").input_value()
    assert PHONE not in masked and "王小明" not in masked and "阳光小区" not in masked
    clerk.fill("#pub-title", "饭店出售过期食品问题")
    clerk.locator("#publish-btn").click()
    clerk.wait_for_load_state()
    assert "已公开" in clerk.content()

    public.goto(base + "/letters/replies/")
    public.get_by_role("link", name="饭店出售过期食品问题").click()
    public.wait_for_load_state()
    shown = public.locator("main").inner_text() if public.locator("main").count() else public.content()
    assert "过期食品" in shown and "县市场监督管理局" in shown
    assert PHONE not in shown and "王小明" not in shown and "501室" not in shown

    # The writer rates the reply.
    citizen.goto(f"{base}/letters/mine/{code}/")
    citizen.check("input[name=satisfaction][value=satisfied]")
    citizen.get_by_role("button", name="提交评价").click()
    citizen.wait_for_load_state()
    assert citizen.locator("#my-rating").inner_text() == "满意"
    assert citizen.locator("#letter-status").inner_text() == "已办结"

    assert not csp, csp
