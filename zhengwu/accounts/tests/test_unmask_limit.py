"""Clear personal data is limited per viewer and day; going over it is refused, audited
and reported to the audit administrators (issue 15, finding 1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zhengwu.accounts import services
from zhengwu.core.errors import RateLimited
from zhengwu.core.models import AuditEvent
from zhengwu.notifications.models import Message
from zhengwu.org import services as org_services
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role

from .factories import CitizenFactory, StaffFactory
from .mfa_helpers import login_verified

pytestmark = pytest.mark.django_db

UNMASK = "accounts.personal_data.unmask"


@pytest.fixture
def county():
    return org_services.unit_create(actor=None, code="C", name="示例县", kind=Unit.Kind.COUNTY)


@pytest.fixture
def clerk(county):
    user = StaffFactory()
    org_services.assignment_grant(actor=None, user=user, unit=county, role=Role.WINDOW_CLERK)
    return user


@pytest.fixture
def auditors(county):
    users = [StaffFactory(), StaffFactory()]
    # Two audit administrators is not a normal county, but both must hear of it.
    for user in users:
        Assignment.objects.create(user=user, unit=county, role=Role.AUDIT_ADMIN)
    return users


def test_the_daily_limit_refuses_the_next_view_with_429_and_alerts_the_audit_admins(client, settings, clerk, auditors):
    settings.ZHENGWU_UNMASK_DAILY_LIMIT = 3
    citizens = [CitizenFactory() for _ in range(5)]
    login_verified(client, clerk)

    answers = [client.post(f"/accounts/users/{c.pk}/unmask/") for c in citizens]

    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert "已达上限" in answers[3].json()["message"]
    assert answers[3].json()["code"] == "personal_data_daily_limit"
    assert citizens[3].id_number not in answers[3].content.decode()
    events = AuditEvent.objects.filter(action=UNMASK, actor=clerk).order_by("id")
    assert [e.result for e in events] == ["success"] * 3 + ["denied"] * 2
    assert events.last().details == {"reason": "daily_limit", "limit": 3}
    # one alert per viewer and day, to every audit administrator, none to the clerk
    for auditor in auditors:
        alerts = Message.objects.filter(recipient=auditor)
        assert alerts.count() == 1
        assert "超限" in alerts.get().title and clerk.real_name in alerts.get().body
    assert not Message.objects.filter(recipient=clerk).exists()


def test_the_limit_is_per_viewer(settings, county, clerk):
    settings.ZHENGWU_UNMASK_DAILY_LIMIT = 1
    other = StaffFactory()
    org_services.assignment_grant(actor=None, user=other, unit=county, role=Role.WINDOW_CLERK)
    citizen = CitizenFactory()

    services.personal_data_unmask(actor=clerk, user=citizen)
    with pytest.raises(RateLimited):
        services.personal_data_unmask(actor=clerk, user=citizen)
    assert services.personal_data_unmask(actor=other, user=citizen)["id_number"] == citizen.id_number


def test_the_limit_starts_again_the_next_day(settings, clerk):
    settings.ZHENGWU_UNMASK_DAILY_LIMIT = 1
    citizen = CitizenFactory()
    services.personal_data_unmask(actor=clerk, user=citizen)
    with pytest.raises(RateLimited):
        services.personal_data_unmask(actor=clerk, user=citizen)

    tomorrow = timezone.localtime() + timedelta(days=1)
    services.personal_data_reveal_check(actor=clerk, obj=citizen, now=tomorrow)  # does not raise


def test_the_default_limit_is_set_and_positive():
    from django.conf import settings

    assert 0 < settings.ZHENGWU_UNMASK_DAILY_LIMIT <= 200


@pytest.mark.parametrize("admin_role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_an_administrator_with_a_leftover_business_post_gets_no_clear_data(client, county, admin_role):
    # A post written before the rule existed (or past the services) opens nothing.
    admin = StaffFactory()
    Assignment.objects.create(user=admin, unit=county, role=admin_role)
    Assignment.objects.create(user=admin, unit=county, role=Role.WINDOW_CLERK)
    citizen = CitizenFactory()
    login_verified(client, admin)

    response = client.post(f"/accounts/users/{citizen.pk}/unmask/")

    assert response.status_code == 403
    assert citizen.id_number not in response.content.decode()
