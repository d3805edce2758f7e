import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.org import services
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role

K = Unit.Kind


@pytest.fixture
def county(db):
    return services.unit_create(actor=None, code="C1", name="示例县", kind=K.COUNTY)


@pytest.fixture
def department(county):
    return services.unit_create(actor=None, code="C1-03", name="县公安局", kind=K.DEPARTMENT, parent=county,
                                responsibilities="负责治安和户籍管理。")


@pytest.fixture
def township(county):
    return services.unit_create(actor=None, code="C1-T1", name="城关镇", kind=K.TOWNSHIP, parent=county)


def test_unit_create_builds_county_department_section_and_audits(department):
    # when a section is added under a department
    section = services.unit_create(actor=None, code="C1-03-01", name="户政科", kind=K.SECTION, parent=department)
    # then it hangs there and the change is on the audit trail
    assert section.parent == department
    assert department.parent.kind == K.COUNTY
    assert AuditEvent.objects.filter(action="org.unit.create", object_id=str(section.pk)).count() == 1


@pytest.mark.parametrize(
    "kind,parent_name,message",
    [
        (K.SECTION, "county", "科室的上级只能是部门"),
        (K.VILLAGE, "department", "村的上级只能是"),
        (K.SERVICE_POINT, "county", "代办点的上级只能是"),
        (K.DEPARTMENT, "township", "部门的上级只能是县(区)"),
        (K.COUNTY, "county", "县(区)是机构树的根"),
    ],
)
def test_unit_create_refuses_wrong_parent_kind(county, department, township, kind, parent_name, message):
    parents = {"county": county, "department": department, "township": township}
    before = Unit.objects.count()
    with pytest.raises(ValidationFailed) as info:
        services.unit_create(actor=None, code="X1", name="某机构", kind=kind, parent=parents[parent_name])
    assert message in info.value.message
    assert Unit.objects.count() == before


def test_unit_create_requires_parent_below_county(db):
    with pytest.raises(ValidationFailed) as info:
        services.unit_create(actor=None, code="D1", name="县教育局", kind=K.DEPARTMENT)
    assert "必须设置上级机构" in info.value.message


def test_village_community_and_service_point_fit_under_a_township(township):
    for code, kind in (("V1", K.VILLAGE), ("V2", K.COMMUNITY), ("V3", K.SERVICE_POINT)):
        assert services.unit_create(actor=None, code=code, name=f"单位{code}", kind=kind, parent=township).parent == township


def test_unit_code_must_be_unique(county):
    with pytest.raises(Conflict) as info:
        services.unit_create(actor=None, code="C1", name="另一个县", kind=K.COUNTY)
    assert "已存在" in info.value.message


def test_unit_code_with_spaces_or_chinese_is_refused(db):
    with pytest.raises(ValidationFailed) as info:
        services.unit_create(actor=None, code="县 01", name="示例县", kind=K.COUNTY)
    assert "机构代码" in info.value.message


def test_unit_update_changes_responsibilities_and_audits_only_real_changes(department):
    services.unit_update(actor=None, unit=department, responsibilities="负责全县社会治安。")
    services.unit_update(actor=None, unit=department, responsibilities="负责全县社会治安。")
    department.refresh_from_db()
    assert department.responsibilities == "负责全县社会治安。"
    assert AuditEvent.objects.filter(action="org.unit.update").count() == 1


def test_unit_update_refuses_moving_a_department_under_a_township(department, township):
    with pytest.raises(ValidationFailed):
        services.unit_update(actor=None, unit=department, parent=township)
    department.refresh_from_db()
    assert department.parent.kind == K.COUNTY


def test_unit_update_refuses_kind_change_that_orphans_children(department):
    services.unit_create(actor=None, code="S1", name="户政科", kind=K.SECTION, parent=department)
    with pytest.raises(ValidationFailed) as info:
        services.unit_update(actor=None, unit=department, kind=K.TOWNSHIP)
    assert "户政科" in info.value.message


def test_unit_create_by_staff_without_system_admin_post_is_denied(county):
    clerk = StaffFactory()
    with pytest.raises(PermissionDenied) as info:
        services.unit_create(actor=clerk, code="C1-09", name="县环境保护局", kind=K.DEPARTMENT, parent=county)
    assert "系统管理员" in info.value.message


# --- posts ----------------------------------------------------------------------


def test_assignment_grant_gives_a_post_and_audits(department):
    clerk = StaffFactory()
    assignment = services.assignment_grant(actor=None, user=clerk, unit=department, role=Role.HANDLER)
    assert assignment.role == Role.HANDLER
    event = AuditEvent.objects.get(action="org.assignment.grant")
    assert event.details["role"] == Role.HANDLER and event.details["unit"] == "C1-03"


def test_citizen_cannot_hold_a_post(department):
    citizen = CitizenFactory()
    with pytest.raises(ValidationFailed) as info:
        services.assignment_grant(actor=None, user=citizen, unit=department, role=Role.HANDLER)
    assert "只有工作人员可以任职" in info.value.message
    assert not Assignment.objects.exists()


def test_a_person_holds_at_most_one_separated_admin_post(county):
    admin = StaffFactory()
    services.assignment_grant(actor=None, user=admin, unit=county, role=Role.SYSTEM_ADMIN)
    with pytest.raises(Conflict) as info:
        services.assignment_grant(actor=None, user=admin, unit=county, role=Role.AUDIT_ADMIN)
    assert "三员分立" in info.value.message
    assert "系统管理员" in info.value.message and "审计管理员" in info.value.message
    assert list(Assignment.objects.filter(user=admin).values_list("role", flat=True)) == [Role.SYSTEM_ADMIN]


def test_separated_admin_may_not_also_hold_a_business_post(county, department):
    admin = StaffFactory()
    services.assignment_grant(actor=None, user=admin, unit=county, role=Role.SECURITY_ADMIN)
    with pytest.raises(Conflict) as info:
        services.assignment_grant(actor=None, user=admin, unit=department, role=Role.HANDLER)
    assert info.value.code == "separated_admin_business_post"
    assert Assignment.objects.filter(user=admin).count() == 1


def test_granting_the_same_post_twice_is_a_conflict(department):
    clerk = StaffFactory()
    services.assignment_grant(actor=None, user=clerk, unit=department, role=Role.HANDLER)
    with pytest.raises(Conflict):
        services.assignment_grant(actor=None, user=clerk, unit=department, role=Role.HANDLER)


def test_system_admin_post_opens_the_django_admin_and_revoking_closes_it(county):
    admin = StaffFactory()
    assignment = services.assignment_grant(actor=None, user=admin, unit=county, role=Role.SYSTEM_ADMIN)
    admin.refresh_from_db()
    assert admin.is_staff and not admin.is_superuser
    assert admin.has_perm("org.change_unit")
    services.assignment_revoke(actor=None, assignment=assignment)
    admin = type(admin).objects.get(pk=admin.pk)  # fresh permission cache
    assert not admin.is_staff
    assert not admin.has_perm("org.change_unit")
    assert AuditEvent.objects.filter(action="org.assignment.revoke").count() == 1


def test_only_a_security_admin_grants_posts(county, department):
    security = StaffFactory()
    services.assignment_grant(actor=None, user=security, unit=county, role=Role.SECURITY_ADMIN)
    handler = StaffFactory()
    # a plain handler may not grant
    with pytest.raises(PermissionDenied):
        services.assignment_grant(actor=handler, user=StaffFactory(), unit=department, role=Role.REVIEWER)
    # the security admin may
    services.assignment_grant(actor=security, user=handler, unit=department, role=Role.HANDLER)
    assert Assignment.objects.filter(user=handler, role=Role.HANDLER).exists()


def test_nobody_grants_an_admin_post_to_themselves(county):
    security = StaffFactory()
    services.assignment_grant(actor=None, user=security, unit=county, role=Role.SECURITY_ADMIN)
    with pytest.raises(PermissionDenied):
        services.assignment_grant(actor=security, user=security, unit=county, role=Role.SECURITY_ADMIN)
