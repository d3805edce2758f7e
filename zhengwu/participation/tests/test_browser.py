"""A survey from creation to results in a real browser (Debian's Chromium through Playwright).

Staff create and publish a survey through the back-office forms; two citizens answer it;
the first citizen's second attempt (from a tab opened before the first submit) is refused
with the Chinese message; the results page shows the counts and draws the charts under the
strict CSP.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest


pytestmark = pytest.mark.browser
PASSWORD = "Zhengwu#2024test"


@dataclass
class World:
    staff_username: str
    device: object
    citizens: list[str]
    department_id: int


@pytest.fixture
def world(transactional_db):
    # Made before Playwright starts: Django refuses ORM calls inside its event loop.
    from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
    from zhengwu.accounts.tests.mfa_helpers import totp_device
    from zhengwu.org.models import Unit
    from zhengwu.org.roles import Role
    from zhengwu.org.services import assignment_grant
    from zhengwu.org.tests.factories import UnitFactory

    dept = UnitFactory(code="JT", name="县交通运输局", kind=Unit.Kind.DEPARTMENT)
    staff = StaffFactory(username="jt_bianji", real_name="交通信息员", password=PASSWORD)
    for role in (Role.EDITOR, Role.PUBLISHER):
        assignment_grant(actor=None, user=staff, unit=dept, role=role)
    citizens = [CitizenFactory(password=PASSWORD).username for _ in range(2)]
    return World(staff.username, totp_device(staff), citizens, dept.pk)


def test_a_survey_from_creation_to_results(live_server, world, browser, monkeypatch):
    from django.utils import timezone

    from zhengwu.accounts.tests.mfa_helpers import totp_code

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the final checks read the database
    base = live_server.url
    problems: list[str] = []

    def person():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
        return page

    def login(page, username):
        page.goto(base + "/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    # --- Staff sign in with the second factor and create the survey.
    staff = person()
    login(staff, world.staff_username)
    staff.wait_for_url("**/accounts/mfa/**")
    staff.fill("input[name=token]", totp_code(world.device))
    staff.get_by_role("button", name="验证").click()
    staff.wait_for_load_state()
    staff.goto(base + "/office/")
    staff.get_by_role("link", name="意见征集与网上调查").first.click()
    staff.get_by_role("link", name="新建调查/评选").click()
    today = timezone.localdate()
    staff.get_by_label("标题").fill("城区公交线路调整意见调查")
    staff.get_by_label("参与方式").select_option("real_name")
    staff.get_by_label("结果公开").select_option("live")
    staff.get_by_label("开始日期").fill(today.isoformat())
    staff.get_by_label("截止日期").fill((today + timedelta(days=7)).isoformat())
    staff.get_by_role("button", name="创建问卷").click()
    staff.wait_for_load_state()
    assert "问卷已创建" in staff.content()

    def add_question(kind, text, choices=""):
        staff.get_by_label("题型").select_option(kind)
        staff.get_by_label("题目", exact=True).fill(text)
        staff.get_by_label(re.compile("选项")).fill(choices)
        staff.get_by_role("button", name="添加题目").click()
        staff.wait_for_load_state()
        assert "已添加题目" in staff.content(), staff.locator(".notice").all_inner_texts()

    add_question("single", "您是否支持调整 3 路公交线路", "支持\n反对\n无所谓")
    add_question("rating", "您对目前公交服务的评分")
    staff.get_by_role("button", name="发布问卷").click()
    staff.wait_for_load_state()
    assert "问卷已发布" in staff.content()
    survey_url = staff.get_by_role("link", name="查看公开页面").get_attribute("href")

    # --- Two citizens answer; the first tries a second time from a tab opened earlier.
    answers = [("支持", "5"), ("反对", "3")]
    for username, (choice, score) in zip(world.citizens, answers, strict=True):
        citizen = person()
        login(citizen, username)
        citizen.goto(base + survey_url)
        stale_tab = citizen.context.new_page() if username == world.citizens[0] else None
        if stale_tab:
            stale_tab.goto(base + survey_url)
        citizen.get_by_label(choice).check()
        citizen.get_by_label(f"{score} 分").check()
        citizen.get_by_role("button", name="提交问卷").click()
        citizen.wait_for_load_state()
        assert "问卷已提交,感谢您的参与" in citizen.content()
        assert citizen.locator("#responded").inner_text().startswith("您已经提交过本问卷,每人只能提交一次")
        if stale_tab:
            stale_tab.get_by_label("反对").check()
            stale_tab.get_by_label("1 分").check()
            stale_tab.get_by_role("button", name="提交问卷").click()
            stale_tab.wait_for_load_state()
            assert stale_tab.locator("#form-error").inner_text() == "您已经提交过本问卷,每人只能提交一次"

    # --- The results page shows the counts and the charts.
    visitor = person()
    visitor.goto(base + survey_url)
    visitor.get_by_role("link", name="查看结果").click()
    # Chart containers are named after the question's id (not 1 on PostgreSQL, whose
    # sequences keep counting across tests); the first question's chart must be drawn.
    visitor.wait_for_selector("[id^=chart-q] canvas, [id^=chart-q] svg", timeout=30_000)
    assert visitor.locator("#total-responses").inner_text() == "2"
    single = visitor.get_by_role("table").nth(0)
    assert single.get_by_role("row", name=re.compile("^支持")).locator("[data-count]").inner_text() == "1"
    assert single.get_by_role("row", name=re.compile("^反对")).locator("[data-count]").inner_text() == "1"
    assert single.get_by_role("row", name=re.compile("^无所谓")).locator("[data-count]").inner_text() == "0"
    assert "平均分:4.0" in visitor.locator("body").inner_text()
    charts = visitor.locator("[id^=chart-q]")  # the choice and the rating question
    assert charts.count() == 2
    assert all(charts.nth(i).locator("canvas, svg").count() >= 1 for i in range(2))
    assert problems == []

    from zhengwu.participation.models import Response

    assert Response.objects.count() == 2
