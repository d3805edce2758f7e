"""Issue 4's whole journey in a real browser (Debian's Chromium through Playwright).

A new user registers as a citizen, finds 农村村民宅基地审批 (QL074) in the catalog,
applies with a PDF and a PNG; the window clerk accepts; the 自然资源局 reviewer sends it back
to the applicant listing the missing material (一次性告知补正); the applicant resubmits it;
the reviewer passes it, the 农业农村局 reviewer passes the joint review, the township's
approver approves and concludes (宅基地 approval is the township government's since the
2019 reform, reviewed by 自然资源 and 农业农村); the citizen reads the timeline,
rates the service and downloads the sealed notice, which verifies with pyHanko's
validator and with poppler's ``pdfsig``.

Every step goes through the pages as a person would (registration, password, the staff
second factor); the database is only read at the end. The county is the demo county
(load_catalog + load_demo_county) with its own staff, and the township's seal certificate.

Set ``ZHENGWU_JOURNEY_SCREENSHOTS=1`` to keep screenshots of the key pages in
``/tmp/journey-*.png``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest


# "__all__": load_demo_county also fills the exchange's datastore (a second database alias on SQLite).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

ITEM_CODE = "QL074"
ITEM_NAME = "农村村民宅基地审批"
DEPARTMENT_CODE = "SLX-T01"  # 城关镇: the township government approves 宅基地
MISSING = "村民小组会议讨论记录及公示情况"
PASSWORD = "Zhengwu#Journey2026"
SHOTS = os.environ.get("ZHENGWU_JOURNEY_SCREENSHOTS", "") not in ("", "0")


@dataclass
class StaffLogin:
    username: str
    password: str
    device: object  # a TOTPDevice loaded before the browser starts


@dataclass
class County:
    clerk: StaffLogin
    reviewer: StaffLogin
    joint_reviewer: StaffLogin
    approver: StaffLogin
    trust_roots: list[str]
    pdf: Path
    png: Path


def _pdf_bytes(text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    page.drawString(72, 760, text)
    page.showPage()
    page.save()
    return buf.getvalue()


def _png_bytes() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 120), (255, 255, 255))
    ImageDraw.Draw(image).rectangle((20, 20, 220, 100), outline=(200, 0, 0), width=4)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def county(transactional_db, settings, tmp_path):
    """The demo county and everything the journey needs, made before Playwright starts.

    (Django refuses ORM calls while Playwright's event loop runs.)
    """
    from zhengwu.accounts.models import User
    from zhengwu.accounts.tests.mfa_helpers import totp_device
    from zhengwu.catalog.services import catalog_load
    from zhengwu.core.seal.selectors import seal_trust_roots
    from zhengwu.core.seal.services import seal_ca_create, seal_certificate_issue
    from zhengwu.core.workdays import calendar_seed_from_package
    from zhengwu.demo.services import demo_county_load
    from zhengwu.org import services as org_services
    from zhengwu.org.models import Unit

    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    calendar_seed_from_package(actor=None)
    catalog_load(actor=None)
    report = demo_county_load()
    department = Unit.objects.get(code=DEPARTMENT_CODE)

    def staff(username, *extra_posts):
        # The demo county's own staff, as a new county's users would meet them.
        user = User.objects.get(username=username)
        for role in extra_posts:
            org_services.assignment_grant(actor=None, user=user, unit=department, role=role)
        return StaffLogin(username, report.password, totp_device(user))

    clerk = User.objects.get(username="chuangkou")
    seal_ca_create(actor=None, county_name="示例县人民政府")
    seal_certificate_issue(actor=None, unit_code=department.code, unit_name=department.name)
    (tmp_path / "申请表.pdf").write_bytes(_pdf_bytes("Zhaijidi shenqing biao"))
    (tmp_path / "承诺书.png").write_bytes(_png_bytes())
    (tmp_path / "会议记录.pdf").write_bytes(_pdf_bytes("Cunmin xiaozu huiyi jilu"))
    return County(
        clerk=StaffLogin("chuangkou", report.password, totp_device(clerk)),
        reviewer=staff("gt_shenhe"),
        joint_reviewer=staff("nync_shenhe"),
        # The township's approver also holds the 承办人 post, so one person approves and concludes.
        approver=staff("cgz_shenpi"),
        trust_roots=seal_trust_roots(),
        pdf=tmp_path / "申请表.pdf",
        png=tmp_path / "承诺书.png",
    )


class Journey:
    """One browser context per person, with CSP violations and script errors collected."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base = base_url
        self.problems: list[str] = []
        self.shot = 0

    def person(self):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        page.on("console", lambda m: "Content Security Policy" in m.text and self.problems.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: {exc}"))
        return page

    def screenshot(self, page, name: str) -> None:
        if SHOTS:
            self.shot += 1
            page.screenshot(path=f"/tmp/journey-{self.shot:02d}-{name}.png", full_page=True)

    def staff_login(self, page, login: StaffLogin) -> None:
        from zhengwu.accounts.tests.mfa_helpers import totp_code

        page.goto(self.base + "/accounts/login/")
        page.fill("input[name=username]", login.username)
        page.fill("input[name=password]", login.password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/accounts/mfa/**")
        page.fill("input[name=token]", totp_code(login.device))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
        assert "/accounts/mfa/" not in page.url, page.content()

    def act(self, page, receipt_no: str, action: str, *, reason: str = "") -> None:
        page.goto(f"{self.base}/office/cases/{receipt_no}/")
        form = page.locator(f'form[data-action-form="{action}"]')
        assert form.count() == 1, f"{action} not offered on {page.url}"
        if reason:
            form.locator("textarea[name=reason]").fill(reason)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".notice-error").count() == 0, page.locator(".notice-error").all_inner_texts()


def test_the_full_online_service_journey(live_server, county, browser, monkeypatch, tmp_path):
    from zhengwu.core.identifiers import resident_id_check_char
    from zhengwu.core.seal.signing import notice_verify

    # The final checks read the database while Playwright's loop is alive.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    journey = Journey(browser, live_server.url)
    first17 = "11010219850612003"
    id_number = first17 + resident_id_check_char(first17)

    # --- A new citizen registers on the real registration page and signs in.
    citizen = journey.person()
    citizen.goto(live_server.url + "/accounts/register/")
    citizen.fill("input[name=c-name]", "王小明")
    citizen.fill("input[name=c-id_number]", id_number)
    citizen.fill("input[name=c-phone]", "13700001111")
    # The phone is confirmed by an SMS code (read from the outbox, as in the demo).
    citizen.get_by_role("button", name="获取验证码").click()
    citizen.wait_for_selector("#code-sent")
    from zhengwu.accounts.tests.sms import last_sms_code

    citizen.fill("input[name=phone_code]", last_sms_code("13700001111"))
    citizen.fill("input[name=c-password]", PASSWORD)
    citizen.fill("input[name=c-password2]", PASSWORD)
    citizen.check("input[name=privacy_consent]")
    journey.screenshot(citizen, "register")
    citizen.get_by_role("button", name="注册").click()
    citizen.wait_for_url("**/accounts/login/**")
    assert "注册成功" in citizen.locator("main").inner_text()
    citizen.fill("input[name=username]", id_number)
    citizen.fill("input[name=password]", PASSWORD)
    citizen.get_by_role("button", name="登录").click()
    citizen.wait_for_load_state()
    assert "/accounts/login/" not in citizen.url

    # --- They find the item in the catalog by searching, and open its page.
    citizen.goto(live_server.url + "/catalog/")
    citizen.fill("#f-q", "宅基地")
    citizen.locator("form.filters button[type=submit]").click()
    citizen.wait_for_url("**q=**")
    citizen.get_by_role("link", name=ITEM_NAME, exact=True).click()
    citizen.wait_for_url(f"**/catalog/items/{ITEM_CODE}/**")
    assert citizen.get_by_role("heading", level=1).inner_text() == ITEM_NAME
    journey.screenshot(citizen, "item")

    # --- They apply online with the four required materials (three PDFs' worth and a PNG).
    citizen.get_by_role("link", name="在线申请").click()
    citizen.wait_for_url(f"**/apply/{ITEM_CODE}/")
    for label in ("农村宅基地和建房(规划许可)申请表", "申请人居民户口簿和居民身份证", MISSING):
        citizen.get_by_label(re.compile(re.escape(label))).set_input_files(str(county.pdf))
    citizen.get_by_label(re.compile("农村宅基地使用承诺书")).set_input_files(str(county.png))
    citizen.get_by_label("申请事由/说明").fill("在本村新建住宅一处,占地120平方米。")
    journey.screenshot(citizen, "apply")
    citizen.get_by_role("button", name="提交申请").click()
    citizen.wait_for_url("**/mine/**?new=1")
    receipt_no = citizen.locator(".receipt-no").inner_text().strip()
    assert re.fullmatch(r"ZW\d{14}", receipt_no)
    journey.screenshot(citizen, "receipt")

    # --- The window clerk (demo account, second factor) accepts it from the inbox.
    clerk = journey.person()
    journey.staff_login(clerk, county.clerk)
    clerk.goto(live_server.url + "/office/cases/")
    clerk.get_by_role("link", name=receipt_no).click()
    clerk.wait_for_url(f"**/office/cases/{receipt_no}/")
    journey.screenshot(clerk, "clerk-case")
    journey.act(clerk, receipt_no, "accept", reason="材料齐全,予以受理")

    # --- The reviewer sends it back to the applicant, listing the missing material.
    reviewer = journey.person()
    journey.staff_login(reviewer, county.reviewer)
    reviewer.goto(f"{live_server.url}/office/cases/{receipt_no}/")
    form = reviewer.locator('form[data-action-form="request_correction"]')
    form.get_by_label(MISSING).check()
    form.locator("textarea[name=reason]").fill("村民小组会议记录未附公示照片,请补正")
    journey.screenshot(reviewer, "reviewer-correction")
    form.locator("button[type=submit]").click()
    reviewer.wait_for_load_state()
    assert "待补正" in reviewer.locator("[data-status]").inner_text()

    # --- The applicant sees what is missing and resubmits the corrected material.
    citizen.goto(f"{live_server.url}/cases/mine/{receipt_no}/")
    correction = citizen.locator("[data-correction]")
    assert MISSING in correction.inner_text()
    journey.screenshot(citizen, "correction")
    correction.get_by_label(re.compile(re.escape(MISSING))).set_input_files(str(tmp_path / "会议记录.pdf"))
    correction.get_by_label("补正说明(选填)").fill("已补充会议记录及公示照片")
    correction.get_by_role("button", name="提交补正材料").click()
    citizen.wait_for_url(f"**/cases/mine/{receipt_no}/")
    assert "补正材料已提交" in citizen.locator("main").inner_text()

    # --- The reviewer passes it, 农业农村 passes the joint review; the township approves and concludes.
    journey.act(reviewer, receipt_no, "review_pass", reason="经审查符合条件")
    joint = journey.person()
    journey.staff_login(joint, county.joint_reviewer)
    journey.act(joint, receipt_no, "review_pass", reason="符合一户一宅规定")
    approver = journey.person()
    journey.staff_login(approver, county.approver)
    journey.act(approver, receipt_no, "approve", reason="同意")
    journey.act(approver, receipt_no, "conclude")
    assert "已办结" in approver.locator("[data-status]").inner_text()
    journey.screenshot(approver, "approver-concluded")

    # --- The citizen reads the timeline on the case page,
    citizen.goto(f"{live_server.url}/cases/mine/{receipt_no}/")
    timeline = citizen.locator("ol.case-timeline").inner_text()
    for label in ("提交申请", "受理", "一次性告知补正", "补正后重新提交", "审查通过", "准予许可", "办结"):
        assert label in timeline, (label, timeline)
    assert "需补正材料:" + MISSING in timeline
    journey.screenshot(citizen, "timeline")

    # rates the service,
    citizen.get_by_role("link", name=re.compile("评价本次服务")).click()
    citizen.get_by_label("非常满意").check()
    citizen.get_by_label(re.compile("评价内容")).fill("办理顺利,补正要求一次讲清楚了。")
    citizen.get_by_role("button", name="提交评价").click()
    citizen.wait_for_load_state()
    assert "感谢您的评价" in citizen.locator("main").inner_text()
    journey.screenshot(citizen, "rated")

    # and downloads the sealed notice.
    with citizen.expect_download() as download_info:
        citizen.get_by_role("link", name=re.compile("下载办理结果")).click()
    pdf_path = tmp_path / "notice.pdf"
    download_info.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")

    # The seal verifies with pyHanko's validator against the county CA (in a thread of
    # its own: pyHanko runs asyncio, and Playwright's loop is running in this one) ...
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(notice_verify, pdf, trust_roots=county.trust_roots).result(timeout=120)
    assert result.valid is True, result
    # ... and with poppler's pdfsig, signed by the department.
    if shutil.which("pdfsig"):
        run = subprocess.run(["pdfsig", str(pdf_path)], capture_output=True, text=True, timeout=60, check=False)
        assert "Signature Validation: Signature is Valid." in run.stdout, run.stdout
        assert "Signer Certificate Common Name: 城关镇" in run.stdout, run.stdout

    # What the pages showed is what the database holds.
    from zhengwu.cases.models import Case
    from zhengwu.ratings.models import Rating

    case = Case.objects.get(receipt_no=receipt_no)
    assert (case.status, case.flags.get("decision")) == ("concluded", "approved")
    assert list(case.events.order_by("seq").values_list("action", flat=True)) == [
        "submit", "accept", "request_correction", "resubmit", "review_pass", "review_pass", "approve", "conclude",
    ]
    assert Rating.objects.get(case=case).level == 5
    assert case.clock.suspended_days >= 0 and case.clock.state == "stopped"
    # No page broke the Content-Security-Policy or threw a script error on the way.
    assert journey.problems == []
