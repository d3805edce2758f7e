"""/office/audit/: the audit administrator's reading of the trail."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.audit import audit_record
from zhengwu.core.models import AuditEvent
from zhengwu.core.selectors import AUDIT_PAGE_SIZE, audit_event_list
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

pytestmark = pytest.mark.django_db

URL = "/office/audit/"


@pytest.fixture
def auditor():
    return grant_post(StaffFactory(username="shenji", real_name="审计员"), Role.AUDIT_ADMIN)


@pytest.fixture
def auditor_client(client, auditor):
    login_verified(client, auditor)
    return client


def _record(action, *, actor=None, result=AuditEvent.Result.SUCCESS):
    with transaction.atomic():
        return audit_record(actor=actor, action=action, result=result)


def _ids(response) -> list[int]:
    return [e.pk for e in response.context["rows"]]


def test_the_url_is_the_office_audit_page():
    assert reverse("portal:office_audit") == URL


def test_audit_admin_sees_recent_rows_newest_first_and_the_chain_is_intact(auditor_client):
    first = _record("demo.first")
    second = _record("demo.second")

    response = auditor_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert _ids(response)[:2] == [second.pk, first.pk]
    assert "demo.second" in html and "demo.first" in html
    assert 'data-chain="ok"' in html and "审计链完整" in html


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.HANDLER])
def test_other_staff_are_refused(client, role):
    login_verified(client, grant_post(StaffFactory(), role))

    response = client.get(URL)

    assert response.status_code == 403
    assert "您没有担任可以访问此页面的岗位" in response.content.decode()


def test_citizens_are_refused_and_anonymous_sent_to_login(client):
    assert client.get(URL).status_code == 302
    client.force_login(CitizenFactory())
    assert client.get(URL).status_code == 403


def test_filters_by_action_prefix_actor_and_result(auditor_client, auditor):
    clerk = StaffFactory(real_name="张三")
    wanted = _record("org.assignment.grant", actor=clerk, result=AuditEvent.Result.DENIED)
    _record("org.assignment.grant", actor=clerk)
    _record("org.unit.create", actor=clerk, result=AuditEvent.Result.DENIED)
    _record("org.assignment.revoke", result=AuditEvent.Result.DENIED)

    response = auditor_client.get(URL, {"action": "org.assignment", "actor": "张三", "result": "denied"})

    assert _ids(response) == [wanted.pk]


def test_filters_by_beijing_date_range(auditor_client):
    event = _record("demo.dated")
    today = timezone.localdate()

    inside = auditor_client.get(URL, {"action": "demo.", "date_from": today.isoformat(), "date_to": today.isoformat()})
    before = auditor_client.get(URL, {"action": "demo.", "date_to": (today - dt.timedelta(days=1)).isoformat()})

    assert _ids(inside) == [event.pk]
    assert _ids(before) == []


def test_pages_by_key_with_id_below_the_last_shown(auditor_client):
    events = [_record("demo.page") for _ in range(AUDIT_PAGE_SIZE + 3)]

    first = auditor_client.get(URL, {"action": "demo.page"})
    next_query = first.context["next_query"]
    second = auditor_client.get(f"{URL}?{next_query}")

    assert _ids(first) == [e.pk for e in reversed(events)][:AUDIT_PAGE_SIZE]
    assert f"before={events[3].pk}" in next_query
    assert _ids(second) == [e.pk for e in reversed(events[:3])]
    assert second.context["next_query"] is None
    assert second.context["chain"] is None  # the chain walk runs on the first page only


@pytest.mark.parametrize("params,message", [
    ({"date_from": "2026-02-30"}, "开始日期不是有效日期"),
    ({"date_to": "tomorrow"}, "结束日期不是有效日期"),
    ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "开始日期不能晚于结束日期"),
    ({"result": "maybe"}, "结果筛选取值无效"),
    ({"before": "abc"}, "翻页参数无效"),
    ({"before": "-5"}, "翻页参数无效"),
])
def test_bad_filters_give_a_chinese_400(auditor_client, params, message):
    response = auditor_client.get(URL, params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_broken_chain_is_reported(auditor_client):
    from zhengwu.core.audit import audit_seal

    _record("demo.one")
    tampered = _record("demo.two")
    audit_seal()  # as the task worker's sealer does within a second
    # Bypass the append-only model on purpose, as an attacker with database access would.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["demo.forged", tampered.pk])

    response = auditor_client.get(URL)

    html = response.content.decode()
    assert 'data-chain="broken"' in html
    assert f"#{tampered.pk}" in html


def test_office_links_the_audit_page_for_the_audit_admin_only(client, auditor_client):
    assert URL in auditor_client.get(reverse("portal:office")).content.decode()

    other = client.__class__()
    login_verified(other, grant_post(StaffFactory(), Role.HANDLER))
    assert URL not in other.get(reverse("portal:office")).content.decode()


def test_audit_list_query_count_is_constant(django_assert_max_num_queries):
    for _ in range(30):
        _record("demo.count")

    with django_assert_max_num_queries(1):
        rows = audit_event_list(action="demo.", limit=20)

    assert len(rows) == 20
