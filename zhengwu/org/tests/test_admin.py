import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.models import AuditEvent
from zhengwu.org import services
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role


@pytest.fixture
def county(db):
    return services.unit_create(actor=None, code="C", name="示例县", kind=Unit.Kind.COUNTY)


@pytest.fixture
def system_admin(county):
    admin = StaffFactory(username="xitong")
    services.assignment_grant(actor=None, user=admin, unit=county, role=Role.SYSTEM_ADMIN)
    admin.refresh_from_db()
    return admin


def _unit_form(**overrides):
    return {"code": "C-9", "name": "县环境保护局", "kind": "department", "parent": "", "responsibilities": "",
            "address": "", "phone": "", "sort_order": 0, "is_active": "on"} | overrides


def test_system_admin_adds_a_unit_through_the_service(client, county, system_admin):
    login_verified(client, system_admin)
    response = client.post("/admin/org/unit/add/", _unit_form(parent=county.pk))
    assert response.status_code == 302
    unit = Unit.objects.get(code="C-9")
    assert unit.parent == county
    assert AuditEvent.objects.filter(action="org.unit.create", actor=system_admin, object_id=str(unit.pk)).exists()


def test_admin_shows_tree_rule_as_chinese_form_error(client, county, system_admin):
    login_verified(client, system_admin)
    response = client.post("/admin/org/unit/add/", _unit_form(kind="section", parent=county.pk))
    assert response.status_code == 200
    assert "科室的上级只能是部门" in response.content.decode()
    assert not Unit.objects.filter(code="C-9").exists()


def test_admin_edit_is_audited_with_the_change(client, county, system_admin):
    dept = services.unit_create(actor=None, code="C-1", name="县教育局", kind="department", parent=county)
    login_verified(client, system_admin)
    response = client.post(f"/admin/org/unit/{dept.pk}/change/", _unit_form(
        code="C-1", name="县教育局", parent=county.pk, responsibilities="负责全县教育。"))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="org.unit.update")
    assert event.details["changes"]["responsibilities"] == ["", "负责全县教育。"]


def test_security_admin_cannot_grant_a_citizen_a_post_in_admin(client, county):
    security = StaffFactory()
    services.assignment_grant(actor=None, user=security, unit=county, role=Role.SECURITY_ADMIN)
    security.refresh_from_db()
    citizen = CitizenFactory()
    login_verified(client, security)
    response = client.post("/admin/org/assignment/add/", {"user": citizen.pk, "unit": county.pk, "role": "handler"})
    assert response.status_code == 200
    assert "只有工作人员可以任职" in response.content.decode()
    assert not Assignment.objects.filter(user=citizen).exists()


def test_citizen_cannot_open_the_admin(client, db):
    client.force_login(CitizenFactory())
    # Logged in but not staff: a Chinese 403, not the admin's own login form.
    assert client.get("/admin/org/unit/").status_code == 403
