"""Issue 16 in a real browser (Debian's Chromium through Playwright): a letter form with
three mistakes keeps its attachment, and password recovery works end to end.

Screenshots of the pages at 1366 and 375 px go to ``docs/screens/forms/`` (looked at by a
person; the assertions below check that the shared form styles really apply).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

PASSWORD = "Zhengwu#Forms2026"
NEW_PASSWORD = "Neu#Forms2026zw"
PHONE = "13955556666"
SCREENS = Path(settings.BASE_DIR) / "docs" / "screens" / "forms"


@pytest.fixture
def county(transactional_db, settings, tmp_path):
    from zhengwu.accounts.tests.factories import CitizenFactory
    from zhengwu.core.workdays import calendar_seed_from_package
    from zhengwu.org.models import Unit
    from zhengwu.org.tests.factories import UnitFactory

    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    calendar_seed_from_package(actor=None)
    county = UnitFactory(code="BX", name="示例县", kind=Unit.Kind.COUNTY)
    UnitFactory(code="BX-XF", name="县信访局", kind=Unit.Kind.DEPARTMENT, parent=county)
    UnitFactory(code="BX-T1", name="城关镇", kind=Unit.Kind.TOWNSHIP, parent=county)
    citizen = CitizenFactory(real_name="王小明", password=PASSWORD, phone=PHONE)
    pdf = tmp_path / "现场照片说明.pdf"
    from zhengwu.core.tests.upload_samples import PDF_BYTES

    pdf.write_bytes(PDF_BYTES)
    return {"citizen": citizen.username, "id_number": citizen.id_number, "pdf": pdf}


def _context(browser, width):
    height = 900 if width > 600 else 800
    return browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")


def _shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def _login(page, base, username, password):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_letter_with_three_mistakes_shows_all_three_and_keeps_the_attachment(live_server, county, browser,
                                                                               monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    for width in (1366, 375):
        context = _context(browser, width)
        page = context.new_page()
        csp = []
        page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
        _login(page, base, county["id_number"], PASSWORD)
        page.goto(base + "/letters/write/county_head/")
        # The shared form styles apply: fields stack in one column and inputs fill it.
        assert page.locator("#letter-form").evaluate("e => getComputedStyle(e).display") == "flex"
        body_width = page.locator("#letter-body").evaluate("e => e.getBoundingClientRect().width")
        form_width = page.locator("#letter-form").evaluate("e => e.getBoundingClientRect().width")
        assert body_width >= form_width - 2
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling

        # The file is uploaded as soon as it is chosen.
        page.set_input_files("#letter-files", str(county["pdf"]))
        page.wait_for_selector(".pending-file")
        assert "已选择: 现场照片说明.pdf" in page.locator(".pending-files").inner_text()

        # Three mistakes: no category, no title, a body too short; the counter follows the typing.
        page.fill("#letter-body", "太短了")
        assert page.locator("#letter-body-count").inner_text().startswith("已输入 3 / 5000")
        page.get_by_role("button", name="提交").click()
        page.wait_for_load_state()

        errors = page.locator("#letter-form .errorlist").all_inner_texts()
        assert len(errors) == 3, errors
        summary = page.locator("#form-error-summary").inner_text()
        assert "请选择正确的信件类别" in summary and "请填写标题" in summary and "至少 10 个字" in summary
        assert page.locator("#letter-body").input_value() == "太短了"
        assert "已选择: 现场照片说明.pdf" in page.locator(".pending-files").inner_text()
        assert page.locator(".errorlist").first.evaluate("e => getComputedStyle(e).color") != "rgb(0, 0, 0)"
        _shot(page, f"letter-errors-{width}")

        # Corrected: the letter goes in with the file chosen before the mistakes.
        page.select_option("#letter-category", "environment")
        page.fill("#letter-title", "饭店油烟扰民")
        page.fill("#letter-body", f"楼下饭店每天油烟直接排到居民窗户上,请有关部门管一管(第{width}号楼)。")
        page.get_by_role("button", name="提交").click()
        page.wait_for_url("**/letters/submitted/")
        code = page.locator("#query-code").inner_text().strip()
        assert csp == []
        context.close()

        from zhengwu.core.uploads import file_list
        from zhengwu.letters.models import Letter

        letter = Letter.objects.get(query_code=code)
        assert [f.original_name for f in file_list(object_type="letters.letter", object_id=letter.pk)] == [
            "现场照片说明.pdf"]


def _last_code(phone):
    from zhengwu.notifications.models import OutboundSms

    for sms in OutboundSms.objects.order_by("-created_at", "-id"):
        if sms.phone == phone:
            return re.search(r"\d{6}", sms.text).group()
    raise AssertionError("no SMS")


def test_password_recovery_end_to_end(live_server, county, browser, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    # An old session on another device, signed in before the reset.
    other = _context(browser, 1366)
    old_page = other.new_page()
    _login(old_page, base, county["id_number"], PASSWORD)
    old_page.goto(base + "/accounts/me/")
    assert "/accounts/me/" in old_page.url

    context = _context(browser, 375)
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_role("link", name="忘记密码?").click()
    page.wait_for_url("**/accounts/password/reset/")
    page.fill("input[name=identifier]", PHONE)
    _shot(page, "password-reset-request-375")
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url("**/accounts/password/reset/confirm/")
    assert "验证码已发送至该手机号" in page.locator("main").inner_text()

    page.fill("input[name=code]", _last_code(PHONE))
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    _shot(page, "password-reset-confirm-375")
    page.get_by_role("button", name="重置密码").click()
    page.wait_for_url("**/accounts/login/")
    assert "密码已重置" in page.locator("main").inner_text()

    # The new password works; the old one and the old session do not.
    _login(page, base, county["id_number"], PASSWORD)
    assert "/accounts/login/" in page.url
    _login(page, base, county["id_number"], NEW_PASSWORD)
    assert "/accounts/login/" not in page.url
    old_page.goto(base + "/accounts/me/")
    assert "/accounts/login/" in old_page.url
    context.close()
    other.close()


def test_account_pages_screens(live_server, county, browser, monkeypatch):
    """The account pages at both widths, with the shared styles applied (for the screenshot review)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    for width in (1366, 375):
        context = _context(browser, width)
        page = context.new_page()
        page.goto(base + "/accounts/register/")
        page.get_by_role("button", name="注册").click()
        page.wait_for_load_state()
        assert page.locator(".errorlist").count() >= 5  # every missing field at once
        _shot(page, f"register-errors-{width}")
        page.goto(base + "/accounts/privacy/")
        assert "版本" in page.locator("#privacy-version").inner_text()
        _shot(page, f"privacy-{width}")
        _login(page, base, county["id_number"], PASSWORD)
        page.goto(base + "/accounts/me/")
        _shot(page, f"me-{width}")
        page.goto(base + "/accounts/close/")
        _shot(page, f"close-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
