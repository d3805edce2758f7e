"""Issue 5 "done when": a disclosure request runs to an outcome and appears in the yearly report's table.

A citizen applies in Chromium, the department's officer registers and replies with
不予公开 / 保护第三方合法权益, and the report of the year shows 1 in that row's 自然人 cell
with the balance check holding, all under the strict CSP. Sessions are prepared before
Playwright starts (Django refuses ORM calls inside its event loop); the officer's session
carries a verified second factor exactly as after a TOTP login.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.workdays import calendar_seed_from_package, package_years
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post
from zhengwu.core.tests.browser import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(transactional_db):
    year = timezone.localdate().year
    if year in package_years():
        calendar_seed_from_package(actor=None, years=[year])
    county = UnitFactory(code="SLX", name="示例县", kind=Unit.Kind.COUNTY)
    dept = UnitFactory(code="ZFB", name="县人民政府办公室", kind=Unit.Kind.DEPARTMENT, parent=county)
    officer = grant_post(StaffFactory(real_name="经办人"), Role.DISCLOSURE_OFFICER, unit=dept)
    citizen = CitizenFactory(real_name="张三")
    citizen_client, officer_client = Client(), Client()
    citizen_client.force_login(citizen)
    login_verified(officer_client, officer)
    name = settings.SESSION_COOKIE_NAME
    return {
        "year": year,
        "citizen": citizen_client.cookies[name].value,
        "officer": officer_client.cookies[name].value,
    }


def _as(page, live_server, session):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def _cell(page, row_key, column_index):
    return page.locator(f'#dr-request-table tr[data-row="{row_key}"] td').nth(column_index).inner_text().strip()


def test_a_request_runs_to_an_outcome_and_appears_in_the_yearly_report(
    live_server, journey, browser_page, csp_violations  # noqa: F811
):
    page = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The citizen applies online and gets a receipt number at once.
    _as(page, live_server, journey["citizen"])
    page.goto(live_server.url + "/disclosure-requests/apply/")
    page.get_by_label("向哪个行政机关申请").select_option(label="县人民政府办公室")
    page.get_by_label("所需政府信息的名称、文号或便于查询的其他特征描述").fill("请公开某企业申报的项目补助材料。")
    page.get_by_label("联系电话(手机号)").fill("13812345678")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/disclosure-requests/YSQ*/")
    receipt = page.get_by_role("heading", level=1).inner_text().split()[-1]
    assert receipt.startswith("YSQ")
    assert "申请已提交" in page.locator(".notice").first.inner_text()
    assert "已收到,待登记" in page.locator(".deflist").inner_text()

    # The department's officer registers it and replies: 不予公开 / 保护第三方合法权益.
    _as(page, live_server, journey["officer"])
    page.goto(live_server.url + "/office/disclosure-requests/")
    page.get_by_role("link", name=receipt).click()
    page.get_by_role("button", name="登记受理").click()
    assert "办理中" in page.locator(".deflist").inner_text()
    reply = page.locator("#reply-form")
    reply.get_by_label("4.保护第三方合法权益").check()
    reply.get_by_label("答复内容").fill("该信息涉及第三方商业秘密,经征求意见第三方不同意公开,决定不予公开。")
    reply.get_by_role("button", name="答复并通知申请人").click()
    assert "不予公开:4.保护第三方合法权益" in page.locator(".dr-outcome").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "disclosure-request-replied.png"), full_page=True)

    # The yearly report of this year counts it in the right cell and balances.
    page.goto(live_server.url + "/office/disclosure-reports/")
    page.get_by_label("新建年度报告:年度").fill(str(journey["year"]))
    page.get_by_role("button", name="生成报告草稿").click()
    page.wait_for_url(f"**/office/disclosure-reports/{journey['year']}/")
    natural, total = 0, 6
    assert _cell(page, "new", natural) == "1"
    assert _cell(page, "3.4", natural) == "1" and _cell(page, "3.4", total) == "1"
    assert _cell(page, "1", natural) == "0"
    assert _cell(page, "results_total", natural) == "1"
    assert _cell(page, "carried_out", natural) == "0"
    assert "各列均满足" in page.locator("#dr-balance").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "disclosure-report-draft.png"), full_page=True)

    # The citizen sees the reply on their request page.
    _as(page, live_server, journey["citizen"])
    page.goto(live_server.url + f"/disclosure-requests/{receipt}/")
    assert "不予公开:4.保护第三方合法权益" in page.locator(".dr-outcome").inner_text()
    assert csp_violations == []
