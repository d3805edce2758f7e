"""Issue 18 "done when": the 民政 upload with a bad row, 先提供后共享 for 教育, a grant of
two fields, a masked read with the consumer's key, and the read in the usage log.

Sessions are prepared before Playwright starts (Django refuses ORM calls inside its event
loop); the stewards' sessions carry a verified second factor as after a TOTP login.
"""

import pytest
from django.conf import settings
from django.test import Client

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.exchange import datastore as ds

from .conftest import make_resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases=ds.TEST_DATABASES)]

HEADER = "bh,xm,sfzh,ssxz,je,djrq"
CIVIL_ROWS = ["M001,张三,430121199001011234,城关镇,800,2025-01-02",
              "M002,李四,430121198502023456,河口乡,650,2025-02-03"]
BAD_ROW = "M003,王五,430121197703037890,朝阳区,700,2025-03-04"
GOOD_ROW = "M003,王五,430121197703037890,城关镇,700,2025-03-04"


@pytest.fixture
def journey(civil_steward, civil, edu, edu_steward, office_steward):
    cond = make_resource(steward=civil_steward, unit=civil, office_steward=office_steward)
    owed = make_resource(steward=edu_steward, unit=edu, office_steward=office_steward, name="在校学生学籍",
                         share_type="unconditional")
    sessions = {}
    for name, user in (("civil", civil_steward), ("edu", edu_steward)):
        c = Client()
        login_verified(c, user)
        sessions[name] = c.cookies[settings.SESSION_COOKIE_NAME].value
    return {"cond": cond, "owed": owed, **sessions}


def _as(page, live_server, session):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def _upload(page, rows, name="data.csv", *, load_good=False):
    page.set_input_files("#file", {"name": name, "mimeType": "text/csv",
                                   "buffer": ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")})
    if load_good:
        page.check("input[name=load_good]")
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/loads/*/")


def test_upload_provide_request_grant_and_masked_read(live_server, journey, browser_page, csp_violations):
    page = browser_page
    cond, owed = journey["cond"], journey["owed"]

    # 民政 uploads a CSV with one bad row: nothing loads, the report names line, field, reason.
    _as(page, live_server, journey["civil"])
    page.goto(f"{live_server.url}/exchange/catalog/{cond.pk}/")
    _upload(page, CIVIL_ROWS + [BAD_ROW])
    assert "有错误,未入库" in page.locator("#load-summary").inner_text()
    errors = page.locator("#error-table tbody tr").first.inner_text()
    assert "4" in errors and "ssxz" in errors and "不在代码表内" in errors
    # It fixes the row and loads the file.
    page.goto(f"{live_server.url}/exchange/catalog/{cond.pk}/")
    _upload(page, CIVIL_ROWS + [GOOD_ROW])
    assert "已入库" in page.locator("#load-summary").inner_text()
    assert "3" in page.locator("#load-summary").inner_text()

    # 教育 still owes 在校学生学籍: its request is refused with the list.
    _as(page, live_server, journey["edu"])
    page.goto(f"{live_server.url}/office/exchange/resources/{cond.pk}/request/")

    def fill_request():
        for f in ("bh", "xm", "sfzh"):
            page.check(f"input[name=fields][value={f}]")
        page.fill("#purpose", "核对学生资助对象的家庭经济困难情况")
        page.fill("#legal_basis", "《学生资助资金管理办法》")
        page.get_by_role("button", name="提交申请").click()

    fill_request()
    refusal = page.locator("#request-error").inner_text()
    assert "先提供后共享" in refusal and "在校学生学籍" in refusal

    # It provides the resource, then requests again.
    page.goto(f"{live_server.url}/exchange/catalog/{owed.pk}/")
    _upload(page, ["S001,赵一,430121201001011111,城关镇,0,2025-09-01"])
    assert "已入库" in page.locator("#load-summary").inner_text()
    page.goto(f"{live_server.url}/office/exchange/resources/{cond.pk}/request/")
    fill_request()
    assert "共享申请已提交" in page.locator(".notice").first.inner_text()

    # 民政 grants two of the three fields.
    _as(page, live_server, journey["civil"])
    page.goto(f"{live_server.url}/office/exchange/")
    form = page.locator(".request form").first
    form.locator("input[name=fields][value=xm]").uncheck()
    form.get_by_role("button", name="同意").click()
    grants = page.locator("#grant-table").inner_text()
    assert "bh、sfzh" in grants and "县教育局" in grants

    # 教育 issues a key; its system reads the two fields, ID numbers masked.
    _as(page, live_server, journey["edu"])
    page.goto(f"{live_server.url}/office/exchange/keys/")
    page.fill("#key-name", "学生资助系统")
    page.get_by_role("button", name="签发密钥").click()
    raw = page.locator("#raw-key").inner_text().strip()
    response = page.request.get(f"{live_server.url}/api/3/action/datastore_search?resource_id={cond.slug}",
                                headers={"Authorization": raw})
    body = response.json()
    assert response.status == 200 and body["success"] is True
    first = body["result"]["records"][0]
    assert set(first) == {"_id", "bh", "sfzh"}
    assert first["sfzh"] == "430***********1234"

    # 民政's usage log shows the read by 县教育局.
    _as(page, live_server, journey["civil"])
    page.goto(f"{live_server.url}/office/exchange/usage/")
    usage = page.locator("#usage-table tbody tr").first.inner_text()
    assert "县教育局" in usage and "3" in usage
    assert csp_violations == []


def test_upload_progress_bar_at_375px_and_plain_form_without_script(live_server, journey, browser, monkeypatch):
    from zhengwu.exchange import ingest

    cond = journey["cond"]
    rows = [f"K{n:05d},张三,430121199001011234,城关镇,{n % 900},2025-01-02" for n in range(3000)]
    body = ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
    # Every step of the load reports (not twice a second) so the poll sees the counter move.
    monkeypatch.setattr(ingest, "PROGRESS_SECONDS", 0)
    for scripts in (True, False):
        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN",
                                      java_script_enabled=scripts)
        try:
            page = context.new_page()
            _as(page, live_server, journey["civil"])
            page.goto(f"{live_server.url}/exchange/catalog/{cond.pk}/")
            assert page.locator("#upload-progress").is_hidden()
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            page.set_input_files("#file", {"name": "big.csv", "mimeType": "text/csv", "buffer": body})
            page.get_by_role("button", name="上传并导入").click()
            if scripts:
                page.locator("#upload-progress").wait_for(state="visible")
                assert page.locator("#upload-bar").is_visible()
            page.wait_for_url("**/loads/*/")
            page.locator("#load-summary").wait_for()
            assert "已入库" in page.locator("#load-summary").inner_text()
            assert "3000" in page.locator("#load-summary").inner_text()
        finally:
            context.close()
