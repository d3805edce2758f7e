"""三员分立: three exclusive admin posts, grants by the security administrator only, the
audit trail for the audit administrator only, and no superuser path."""

import itertools

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.urls import reverse

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.errors import Conflict, PermissionDenied
from zhengwu.core.models import AuditEvent
from zhengwu.org import services
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import SEPARATED_ADMIN_ROLES, Role
from zhengwu.org.selectors import user_holds_any_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return services.unit_create(actor=None, code="S", name="示例县", kind=Unit.Kind.COUNTY)


@pytest.fixture
def department(county):
    return services.unit_create(actor=None, code="S-1", name="县民政局", kind=Unit.Kind.DEPARTMENT, parent=county)


def _holder(county, role):
    user = StaffFactory()
    services.assignment_grant(actor=None, user=user, unit=county, role=role)
    user.refresh_from_db()
    return user


@pytest.fixture
def security(county):
    return _holder(county, Role.SECURITY_ADMIN)


@pytest.fixture
def system(county):
    return _holder(county, Role.SYSTEM_ADMIN)


@pytest.fixture
def auditor(county):
    return _holder(county, Role.AUDIT_ADMIN)


@pytest.fixture
def superuser(db):
    return StaffFactory(is_superuser=True, is_staff=True)


# ------------------------------------------------------------------ exclusive posts


@pytest.mark.parametrize("first,second", list(itertools.permutations(sorted(SEPARATED_ADMIN_ROLES), 2)))
def test_each_pair_of_separated_admin_posts_is_refused(county, security, first, second):
    user = StaffFactory()
    services.assignment_grant(actor=security, user=user, unit=county, role=first)

    with pytest.raises(Conflict) as info:
        services.assignment_grant(actor=security, user=user, unit=county, role=second)

    assert info.value.code == "separated_admin_conflict"
    assert list(Assignment.objects.filter(user=user).values_list("role", flat=True)) == [first]


def test_the_second_admin_post_is_refused_in_another_unit_too(county, department, security):
    user = StaffFactory()
    services.assignment_grant(actor=security, user=user, unit=county, role=Role.SYSTEM_ADMIN)

    with pytest.raises(Conflict):
        services.assignment_grant(actor=security, user=user, unit=department, role=Role.AUDIT_ADMIN)


# ------------------------------------------------------------------ who grants


@pytest.mark.parametrize("who", ["system", "auditor", "superuser"])
def test_only_the_security_admin_grants(request, department, who):
    actor = request.getfixturevalue(who)
    target = StaffFactory()

    with pytest.raises(PermissionDenied):
        services.assignment_grant(actor=actor, user=target, unit=department, role=Role.HANDLER)

    assert not Assignment.objects.filter(user=target).exists()


@pytest.mark.parametrize("who", ["system", "auditor", "superuser"])
def test_only_the_security_admin_revokes(request, department, security, who):
    actor = request.getfixturevalue(who)
    assignment = services.assignment_grant(actor=security, user=StaffFactory(), unit=department, role=Role.HANDLER)

    with pytest.raises(PermissionDenied):
        services.assignment_revoke(actor=actor, assignment=assignment)

    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_grant_and_revoke_each_write_exactly_one_audit_row(department, security):
    target = StaffFactory()

    assignment = services.assignment_grant(actor=security, user=target, unit=department, role=Role.REVIEWER)
    services.assignment_revoke(actor=security, assignment=assignment)

    [grant] = AuditEvent.objects.filter(action="org.assignment.grant", details__user_id=target.pk)
    [revoke] = AuditEvent.objects.filter(action="org.assignment.revoke", details__user_id=target.pk)
    for event in (grant, revoke):
        assert event.actor_id == security.pk
        assert event.details["role"] == Role.REVIEWER and event.details["unit"] == "S-1"


def test_a_refused_grant_leaves_no_assignment_and_no_success_row(department, system):
    target = StaffFactory()

    with pytest.raises(PermissionDenied):
        services.assignment_grant(actor=system, user=target, unit=department, role=Role.HANDLER)

    assert not AuditEvent.objects.filter(
        action="org.assignment.grant", details__user_id=target.pk, result=AuditEvent.Result.SUCCESS
    ).exists()


BUSINESS_ROLES = sorted(set(Role.values) - SEPARATED_ADMIN_ROLES)


@pytest.mark.parametrize("admin_role", sorted(SEPARATED_ADMIN_ROLES))
@pytest.mark.parametrize("business_role", BUSINESS_ROLES)
def test_an_administrator_can_hold_no_business_post(county, department, security, admin_role, business_role):
    user = StaffFactory()
    services.assignment_grant(actor=security, user=user, unit=county, role=admin_role)

    with pytest.raises(Conflict) as info:
        services.assignment_grant(actor=security, user=user, unit=department, role=business_role)

    assert info.value.code == "separated_admin_business_post"
    assert list(Assignment.objects.filter(user=user).values_list("role", flat=True)) == [admin_role]


@pytest.mark.parametrize("admin_role", sorted(SEPARATED_ADMIN_ROLES))
def test_a_business_post_holder_cannot_become_an_administrator(county, department, security, admin_role):
    user = StaffFactory()
    services.assignment_grant(actor=security, user=user, unit=department, role=Role.WINDOW_CLERK)

    with pytest.raises(Conflict) as info:
        services.assignment_grant(actor=security, user=user, unit=county, role=admin_role)

    assert info.value.code == "separated_admin_conflict"
    assert not Assignment.objects.filter(user=user, role=admin_role).exists()


def test_system_set_up_obeys_the_rule_too(county, department):
    # actor=None (management commands, demo loaders) gets no exception from the rule.
    user = StaffFactory()
    services.assignment_grant(actor=None, user=user, unit=county, role=Role.AUDIT_ADMIN)
    with pytest.raises(Conflict):
        services.assignment_grant(actor=None, user=user, unit=department, role=Role.HANDLER)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_nobody_grants_himself_any_post(county, department, security, role):
    unit = county if role in SEPARATED_ADMIN_ROLES else department

    with pytest.raises(PermissionDenied) as info:
        services.assignment_grant(actor=security, user=security, unit=unit, role=role)

    assert info.value.code == "assignment_self_grant"
    assert list(Assignment.objects.filter(user=security).values_list("role", flat=True)) == [Role.SECURITY_ADMIN]


# ------------------------------------------------------------------ the Assignment screen


def test_security_admin_grants_through_the_admin_screen_and_it_is_audited(client, department, security):
    target = StaffFactory()
    login_verified(client, security)

    response = client.post(reverse("admin:org_assignment_add"),
                           {"user": target.pk, "unit": department.pk, "role": Role.HANDLER})

    assert response.status_code == 302
    assert Assignment.objects.filter(user=target, role=Role.HANDLER).exists()
    assert AuditEvent.objects.filter(action="org.assignment.grant", actor=security, details__user_id=target.pk).count() == 1


def test_security_admin_revokes_through_the_admin_screen_and_it_is_audited(client, department, security):
    assignment = services.assignment_grant(actor=security, user=StaffFactory(), unit=department, role=Role.HANDLER)
    login_verified(client, security)

    response = client.post(reverse("admin:org_assignment_delete", args=[assignment.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action="org.assignment.revoke", actor=security, object_id=str(assignment.pk)).count() == 1


def test_the_admin_screen_refuses_a_second_admin_post_with_a_chinese_error(client, county, security, system):
    login_verified(client, security)

    response = client.post(reverse("admin:org_assignment_add"),
                           {"user": system.pk, "unit": county.pk, "role": Role.AUDIT_ADMIN})

    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert not Assignment.objects.filter(user=system, role=Role.AUDIT_ADMIN).exists()


@pytest.mark.parametrize("who", ["system", "auditor"])
def test_the_assignment_screen_is_hidden_from_other_administrators(request, client, who):
    login_verified(client, request.getfixturevalue(who))

    assert client.get(reverse("admin:org_assignment_changelist")).status_code == 403
    assert client.get(reverse("admin:org_assignment_add")).status_code == 403
    assert reverse("admin:org_assignment_changelist") not in client.get(reverse("admin:index")).content.decode()


def test_the_assignment_screen_opens_for_the_security_admin(client, security):
    login_verified(client, security)

    assert client.get(reverse("admin:org_assignment_changelist")).status_code == 200


# ------------------------------------------------------------------ the audit trail


def test_only_the_audit_admin_reads_the_audit_trail_in_the_admin(client, auditor):
    login_verified(client, auditor)

    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200


@pytest.mark.parametrize("who", ["system", "security"])
def test_the_other_administrators_cannot_read_the_audit_trail(request, client, who):
    login_verified(client, request.getfixturevalue(who))

    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403
    event = AuditEvent.objects.first()
    assert client.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code == 403


def test_a_group_permission_alone_does_not_open_the_audit_trail(client, system):
    from django.contrib.auth.models import Permission

    system.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    login_verified(client, system)

    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403


# ------------------------------------------------------------------ no superuser path


def test_superuser_without_posts_cannot_open_the_admin_or_the_audit_trail(client, superuser):
    login_verified(client, superuser)

    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403
    assert client.get(reverse("portal:office_audit")).status_code == 403


def test_superuser_with_the_system_post_gets_only_that_posts_screens(client, county, security):
    boss = StaffFactory(is_superuser=True)
    services.assignment_grant(actor=security, user=boss, unit=county, role=Role.SYSTEM_ADMIN)
    login_verified(client, boss)

    assert client.get(reverse("admin:org_unit_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403
    assert client.get(reverse("admin:org_assignment_changelist")).status_code == 403


def test_the_superuser_flag_is_only_ignored_not_cleared(client, superuser):
    login_verified(client, superuser)

    client.get(reverse("portal:office"))

    superuser.refresh_from_db()
    assert superuser.is_superuser  # ignored in the request, the stored row is untouched


def test_role_checker_ignores_the_superuser_flag(superuser, auditor):
    assert not user_holds_any_role(superuser, {Role.AUDIT_ADMIN})
    assert user_holds_any_role(auditor, {Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN})
    assert not user_holds_any_role(auditor, set())


def test_createsuperuser_is_orgs_command():
    # The first app in INSTALLED_APPS wins a name clash; org is listed before auth.
    assert get_commands()["createsuperuser"] == "zhengwu.org"


def test_createsuperuser_is_refused_in_production(settings):
    settings.ZHENGWU_PRODUCTION = True

    with pytest.raises(CommandError) as info:
        call_command("createsuperuser", interactive=False, username="root", email="root@example.com")

    assert "生产环境不允许创建超级用户" in str(info.value)
    assert not User.objects.filter(is_superuser=True).exists()


def test_createsuperuser_still_works_outside_production(settings, monkeypatch):
    settings.ZHENGWU_PRODUCTION = False
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Zhengwu#root2026")

    call_command("createsuperuser", interactive=False, username="root", email="root@example.com", verbosity=0)

    assert User.objects.get(username="root").is_superuser


def test_the_admin_screen_refuses_a_self_grant_of_the_window_clerk_post(client, department, security):
    # The probe: anquan granted himself 窗口人员, then read everyone's clear ID numbers.
    login_verified(client, security)

    response = client.post(reverse("admin:org_assignment_add"),
                           {"user": security.pk, "unit": department.pk, "role": Role.WINDOW_CLERK})

    assert response.status_code == 200
    assert "不能给自己授予岗位" in response.content.decode()
    assert not Assignment.objects.filter(user=security, role=Role.WINDOW_CLERK).exists()
    assert not security.has_perm("accounts.view_personal_data")


def test_the_admin_screen_refuses_a_business_post_for_another_administrator(client, department, security, auditor):
    login_verified(client, security)

    response = client.post(reverse("admin:org_assignment_add"),
                           {"user": auditor.pk, "unit": department.pk, "role": Role.WINDOW_CLERK})

    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert not Assignment.objects.filter(user=auditor, role=Role.WINDOW_CLERK).exists()
