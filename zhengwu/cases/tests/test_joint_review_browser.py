"""The joint-review journey in a real browser (Debian's Chromium through Playwright).

An item of 县甲局 whose process has a joint review (联合审查) by 县乙局 after its own
review. The case waits at the joint review: 乙局's reviewer finds it in the inbox, opens
it and passes it; 甲局's other reviewer never sees it (not in the inbox, 404 on the
page); 甲局's reviewer who reviewed earlier opens it but is offered none of the joint
step's actions, and a forged submission is refused with 403.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

pytestmark = pytest.mark.browser


@dataclass
class Login:
    username: str
    device: object  # a TOTPDevice loaded before the browser starts


@dataclass
class JointCase:
    receipt_no: str
    joint_reviewer: Login
    item_reviewer: Login  # reviewed the case at 审查, before the joint review
    other_item_reviewer: Login
    item_approver: Login


@pytest.fixture
def joint_case(transactional_db):
    """Everything made before Playwright starts (Django refuses ORM calls inside its loop)."""
    from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
    from zhengwu.accounts.tests.mfa_helpers import totp_device
    from zhengwu.cases.services import case_act, case_submit, default_steps_for, process_definition_publish
    from zhengwu.catalog.tests.factories import ItemFactory
    from zhengwu.core.workdays import calendar_seed_from_package
    from zhengwu.org import services as org_services
    from zhengwu.org.models import Unit
    from zhengwu.org.roles import Role

    calendar_seed_from_package(actor=None)
    county = org_services.unit_create(actor=None, code="JR", name="示例县", kind=Unit.Kind.COUNTY)
    own = org_services.unit_create(actor=None, code="JR-A", name="县甲局", kind=Unit.Kind.DEPARTMENT, parent=county)
    joint = org_services.unit_create(actor=None, code="JR-B", name="县乙局", kind=Unit.Kind.DEPARTMENT, parent=county)
    hall = org_services.unit_create(actor=None, code="JR-H", name="县政务服务中心", kind=Unit.Kind.DEPARTMENT,
                                    parent=county)

    def person(unit, role, name):
        user = StaffFactory(real_name=name)
        org_services.assignment_grant(actor=None, user=user, unit=unit, role=role)
        return user

    clerk = person(hall, Role.WINDOW_CLERK, "窗口甲")
    item_reviewer = person(own, Role.REVIEWER, "甲局审核一")
    other_item_reviewer = person(own, Role.REVIEWER, "甲局审核二")
    item_approver = person(own, Role.APPROVER, "甲局审批")
    joint_reviewer = person(joint, Role.REVIEWER, "乙局审核")

    item = ItemFactory(name="建设项目联合审查", department=own, promised_limit_days=12, statutory_limit_days=20)
    steps = default_steps_for(item)
    joint_step = {**steps[1], "key": "joint_review", "name": "联合审查", "department": joint.code}
    process_definition_publish(actor=None, item=item, steps=[*steps[:2], joint_step, *steps[2:]])

    applicant = CitizenFactory()
    case = case_submit(actor=applicant, item=item, applicant=applicant, channel="online")
    case = case_act(actor=clerk, case=case, action="accept", expected_version=case.version)
    case = case_act(actor=item_reviewer, case=case, action="review_pass", expected_version=case.version)

    def login(user):
        return Login(user.username, totp_device(user))

    return JointCase(
        receipt_no=case.receipt_no, joint_reviewer=login(joint_reviewer), item_reviewer=login(item_reviewer),
        other_item_reviewer=login(other_item_reviewer), item_approver=login(item_approver),
    )


class Office:
    """One browser context per person; CSP violations and script errors collected."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base = base_url
        self.problems: list[str] = []

    def person(self, login: Login):
        from zhengwu.accounts.tests.factories import PASSWORD
        from zhengwu.core.tests.browser import staff_sign_in

        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.on("console", lambda m: "Content Security Policy" in m.text and self.problems.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: {exc}"))
        staff_sign_in(page, self.base, username=login.username, password=PASSWORD, device=login.device)
        return page

    def inbox_receipts(self, page) -> list[str]:
        page.goto(self.base + "/office/cases/")
        return page.locator("table a").all_inner_texts()


def test_joint_review_is_seen_and_done_by_the_joint_department_only(live_server, joint_case, browser):
    office = Office(browser, live_server.url)
    receipt_no = joint_case.receipt_no
    case_url = f"{live_server.url}/office/cases/{receipt_no}/"

    # 甲局's other reviewer: the case is not in the inbox, and its page is a 404.
    outsider = office.person(joint_case.other_item_reviewer)
    assert receipt_no not in office.inbox_receipts(outsider)
    response = outsider.goto(case_url)
    assert response.status == 404

    # 甲局's reviewer who did the first review opens the case but is offered no joint-review
    # action; a forged one (their own withdraw form, re-labelled) is refused with 403.
    earlier = office.person(joint_case.item_reviewer)
    assert receipt_no not in office.inbox_receipts(earlier)
    earlier.goto(case_url)
    assert "联合审查" in earlier.locator("[data-step]").inner_text()
    assert earlier.locator('form[data-action-form="review_pass"]').count() == 0
    withdraw = earlier.locator('form[data-action-form="withdraw"]')
    assert withdraw.count() == 1
    withdraw.locator("input[name=action]").evaluate("el => el.value = 'review_pass'")
    # 撤回 is destructive: the button asks in a dialog first (core.confirm), then posts.
    withdraw.locator("button[type=submit]").click()
    dialog = earlier.locator("dialog.confirm-dialog")
    assert dialog.is_visible() and "撤回" in dialog.inner_text()
    with earlier.expect_response(lambda r: r.request.method == "POST") as posted:
        dialog.locator("[data-confirm-ok]").click()
    assert posted.value.status == 403
    earlier.wait_for_load_state()
    assert "联合审查" in earlier.locator("[data-step]").inner_text()

    # 乙局's reviewer finds it in the inbox, opens it and passes it.
    reviewer = office.person(joint_case.joint_reviewer)
    assert receipt_no in office.inbox_receipts(reviewer)
    reviewer.get_by_role("link", name=receipt_no).click()
    reviewer.wait_for_url(f"**/office/cases/{receipt_no}/")
    assert "联合审查" in reviewer.locator("[data-step]").inner_text()
    form = reviewer.locator('form[data-action-form="review_pass"]')
    assert form.count() == 1
    form.locator("button[type=submit]").click()
    reviewer.wait_for_load_state()
    assert reviewer.locator(".notice-error").count() == 0, reviewer.locator(".notice-error").all_inner_texts()
    assert "审批" in reviewer.locator("[data-step]").inner_text()

    # The case is back with 甲局, at its approver's step.
    approver = office.person(joint_case.item_approver)
    assert receipt_no in office.inbox_receipts(approver)
    assert office.problems == []
