"""Fixtures for the staff handling tests: a second department, its staff, a supervisor, cases."""

import pytest
from django.test import Client

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.cases.services import case_act, case_submit
from zhengwu.catalog.tests.factories import ItemFactory, ItemMaterialFactory
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post


def submit(item, applicant):
    return case_submit(actor=applicant, item=item, applicant=applicant, channel="online")


def do(case, actor, action, reason="", payload=None):
    case.refresh_from_db()
    return case_act(actor=actor, case=case, action=action, expected_version=case.version, reason=reason, payload=payload)


def at_review(item, applicant, clerk):
    """A case accepted by the window and now at 审查."""
    case = submit(item, applicant)
    return do(case, clerk, "accept")


@pytest.fixture
def materials(item):
    return [ItemMaterialFactory(item=item, seq=1, name="宅基地申请表"), ItemMaterialFactory(item=item, seq=2, name="户口簿")]


@pytest.fixture
def other_dept(db):
    return UnitFactory(code="ZR", name="县自然资源局", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def other_item(other_dept):
    return ItemFactory(name="建设用地规划许可", department=other_dept, promised_limit_days=10, statutory_limit_days=20)


@pytest.fixture
def other_staff(other_dept):
    return {
        "reviewer": grant_post(StaffFactory(), Role.REVIEWER, unit=other_dept),
        "approver": grant_post(StaffFactory(), Role.APPROVER, unit=other_dept),
    }


@pytest.fixture
def joint_item(dept, other_dept):
    """An item of ``dept`` whose process has a joint review (联合审查) by ``other_dept`` after
    its own review: 受理 → 审查 → 联合审查 (other_dept) → 审批 → 办结."""
    from zhengwu.cases.services import default_steps_for, process_definition_publish

    item = ItemFactory(name="建设项目联合审查", department=dept, promised_limit_days=12, statutory_limit_days=20)
    steps = default_steps_for(item)
    joint = {**steps[1], "key": "joint_review", "name": "联合审查", "department": other_dept.code,
             "outcomes": ["review_pass", "return", "transfer"]}
    process_definition_publish(actor=None, item=item, steps=[*steps[:2], joint, *steps[2:]])
    return item


@pytest.fixture
def supervisor(db):
    office = UnitFactory(code="JC", name="县政务服务管理办公室", kind=Unit.Kind.DEPARTMENT)
    return grant_post(StaffFactory(), Role.SUPERVISOR, unit=office)


@pytest.fixture
def applicant(db):
    return CitizenFactory(real_name="张三", phone="13912345678")


def client_for(user):
    """A client logged in as ``user`` with the second factor verified."""
    client = Client()
    login_verified(client, user)
    return client
