"""The staff workbench: its own layout and the per-module counts (issue 16 item 5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone


@dataclass
class ClerkDesk:
    username: str
    device: object
    overdue: str
    due_today: str
    normal: str


def _desk() -> ClerkDesk:
    """A window clerk with three cases waiting at 受理: one overdue, one due today, one not yet due."""
    from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
    from zhengwu.accounts.tests.mfa_helpers import totp_device
    from zhengwu.cases.services import case_submit, default_steps_for, process_definition_publish
    from zhengwu.catalog.tests.factories import ItemFactory
    from zhengwu.core.models import Clock
    from zhengwu.core.workdays import calendar_seed_from_package
    from zhengwu.org import services as org_services
    from zhengwu.org.models import Unit
    from zhengwu.org.roles import Role

    calendar_seed_from_package(actor=None)
    county = org_services.unit_create(actor=None, code="WB", name="示例县", kind=Unit.Kind.COUNTY)
    dept = org_services.unit_create(actor=None, code="WB-A", name="县甲局", kind=Unit.Kind.DEPARTMENT, parent=county)
    hall = org_services.unit_create(actor=None, code="WB-H", name="县政务服务中心", kind=Unit.Kind.DEPARTMENT, parent=county)
    clerk = StaffFactory(real_name="窗口甲")
    org_services.assignment_grant(actor=None, user=clerk, unit=hall, role=Role.WINDOW_CLERK)
    item = ItemFactory(name="工作台测试事项", department=dept, promised_limit_days=10, statutory_limit_days=20)
    process_definition_publish(actor=None, item=item, steps=default_steps_for(item))
    applicant = CitizenFactory()
    cases = [case_submit(actor=applicant, item=item, applicant=applicant, channel="online") for _ in range(3)]
    today = timezone.localdate()
    overdue, due_today, normal = cases
    Clock.objects.filter(pk=overdue.step_clock_id).update(due_on=today - dt.timedelta(days=2), warn_on=today - dt.timedelta(days=4))
    Clock.objects.filter(pk=due_today.step_clock_id).update(due_on=today, warn_on=today - dt.timedelta(days=1))
    Clock.objects.filter(pk=normal.step_clock_id).update(due_on=today + dt.timedelta(days=9), warn_on=today + dt.timedelta(days=7))
    return ClerkDesk(clerk.username, totp_device(clerk), overdue.receipt_no, due_today.receipt_no, normal.receipt_no)


@pytest.fixture
def clerk_desk(transactional_db):
    return _desk()


@pytest.mark.django_db
def test_workbench_counts_are_one_query_per_module(client, django_assert_max_num_queries):
    from zhengwu.accounts.models import User
    from zhengwu.accounts.tests.mfa_helpers import login_verified

    desk = _desk()
    login_verified(client, User.objects.get(username=desk.username))
    response = client.get("/office/")
    assert response.status_code == 200, response.content[:300]
    module = response.context["modules"][0]
    assert (module["key"], module["counts"].todo, module["counts"].warning, module["counts"].overdue) == ("cases", 3, 1, 1)
    assert [d.label.split()[0] for d in response.context["deadlines"]] == [desk.due_today]
    # The frame's posts are reused by the counters: adding a module costs its one query.
    with django_assert_max_num_queries(13):
        client.get("/office/")


@pytest.mark.browser
def test_workbench_shows_the_right_counts_for_a_clerk_with_one_overdue_case(live_server, clerk_desk, browser_page, csp_violations):
    from zhengwu.accounts.tests.factories import PASSWORD
    from zhengwu.core.tests.browser import staff_sign_in

    page = browser_page
    staff_sign_in(page, live_server.url, username=clerk_desk.username, password=PASSWORD, device=clerk_desk.device)
    page.goto(live_server.url + "/office/")

    # The workbench has its own frame: no public header, a side navigation, who is signed in.
    assert page.locator(".site-header").count() == 0
    nav = page.get_by_role("navigation", name="工作台导航")
    assert nav.get_by_role("link", name="办件办理").is_visible()
    assert "窗口甲" in page.locator(".staff-who").inner_text()
    assert "县政务服务中心" in page.locator(".staff-who").inner_text()

    card = page.locator('[data-module="cases"]')
    assert card.locator('[data-count="todo"]').inner_text() == "3"
    assert card.locator('[data-count="warning"]').inner_text() == "1"
    assert card.locator('[data-count="overdue"]').inner_text() == "1"
    assert clerk_desk.due_today in page.locator("[data-deadlines]").inner_text()
    assert clerk_desk.overdue not in page.locator("[data-deadlines]").inner_text()

    # The module's name leads to its inbox, inside the same frame.
    card.get_by_role("link", name="办件办理").click()
    page.wait_for_url("**/office/cases/")
    assert page.locator(".staff-nav [aria-current=page]").inner_text() == "办件办理"
    assert csp_violations == []


@pytest.mark.django_db
def test_recent_notices_come_newest_first_by_their_own_time_not_by_id(client):
    import lxml.html

    from zhengwu.accounts.tests.factories import StaffFactory
    from zhengwu.accounts.tests.mfa_helpers import login_verified
    from zhengwu.notifications.models import Message
    from zhengwu.notifications.services import notify

    clerk = StaffFactory()
    today = notify(recipient=clerk, title="今天的通知", body="")
    # Written later (a higher id) but dated two days back, as the demo year writes its history.
    older = notify(recipient=clerk, title="两天前的通知", body="")
    Message.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert older.pk > today.pk

    login_verified(client, clerk)
    page = lxml.html.fromstring(client.get("/office/").content.decode())
    section = page.xpath('//section[@aria-labelledby="wb-notices"]')[0]
    titles = [li.text.strip() for li in section.xpath(".//li")]  # the title, before its badge and time
    assert titles == ["今天的通知", "两天前的通知"]
