"""Fixtures of the 政务公开 tests: two departments, their 信息员 and 审核员, one catalog item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.catalog.models import Category, Item, WorkArea
from zhengwu.disclosure import services
from zhengwu.disclosure.models import Column
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role


@pytest.fixture
def county(db):
    return org_services.unit_create(actor=None, code="TC", name="测试县", kind=Unit.Kind.COUNTY)


@pytest.fixture
def dept(county):
    return org_services.unit_create(actor=None, code="TC-31", name="县人民政府办公室", kind=Unit.Kind.DEPARTMENT, parent=county)


@pytest.fixture
def other_dept(county):
    return org_services.unit_create(actor=None, code="TC-06", name="县财政局", kind=Unit.Kind.DEPARTMENT, parent=county)


def _staff(username, unit, role):
    user = StaffFactory(username=username)
    org_services.assignment_grant(actor=None, user=user, unit=unit, role=role)
    user.refresh_from_db()
    return user


@pytest.fixture
def editor(dept):
    return _staff("bianji", dept, Role.EDITOR)


@pytest.fixture
def publisher(dept):
    return _staff("fabu", dept, Role.PUBLISHER)


@pytest.fixture
def other_editor(other_dept):
    return _staff("czbianji", other_dept, Role.EDITOR)


@pytest.fixture
def other_publisher(other_dept):
    return _staff("czfabu", other_dept, Role.PUBLISHER)


@pytest.fixture
def gk_item(db):
    area = WorkArea.objects.create(code="gk-1", category=Category.DISCLOSURE, name="政府信息公开条例规定事项", seq=1)
    return Item.objects.create(code="GK001", category=Category.DISCLOSURE, work_area=area, seq=1, name="行政法规、规章和规范性文件")


@pytest.fixture
def upload_root(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.ZHENGWU_UPLOAD_ROOT


def at(year, month, day, hour=9, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def days_ago(n: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=n)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def published(dept, *, title="测试信息", column=Column.NEWS, when=None, body="正文内容", **extra):
    """A published record with an explicit first-publish time (system import)."""
    return services.disclosure_import(
        actor=None, department=dept, column=column, title=title, body_html=body,
        first_published_at=when or days_ago(1), **extra,
    )


def draft_to_published(editor, publisher, dept, *, title="县政府召开常务会议", column=Column.NEWS, body="会议研究了有关事项。", **extra):
    """Write, submit and publish through the normal workflow."""
    row = services.disclosure_create(actor=editor, department=dept, column=column, title=title, body_html=body, **extra)
    services.disclosure_submit(actor=editor, disclosure=row)
    services.disclosure_publish(actor=publisher, disclosure=row)
    return row
