"""The operations desk: A/B/C limits in service hours, escalation, monthly figures,
health checks that open tickets by themselves, and the health/metrics endpoints."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.core.workdays import calendar_seed_from_package
from zhengwu.operations import health
from zhengwu.operations.health import CheckResult, health_sweep
from zhengwu.operations.models import FaultTicket, TicketEvent
from zhengwu.operations.selectors import service_level_month
from zhengwu.operations.service_hours import add_service_hours, parse_service_hours, service_hours_between
from zhengwu.operations.services import (
    heartbeat_beat,
    oncall_add,
    ticket_close,
    ticket_open,
    ticket_resolve,
    ticket_respond,
    tickets_escalate,
)
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=SH)


@pytest.fixture
def calendar(db):
    calendar_seed_from_package(actor=None, years=[2026])


# --- service hours ---------------------------------------------------------------------


def test_service_hours_skip_nights_weekends_and_holidays(calendar):
    five_by_eight = parse_service_hours("09:00-17:00")
    # Friday 18 September 16:30 + 2 h: half an hour on Friday, the rest on Sunday the 20th,
    # a make-up working day (调休) of the 2026 National Day arrangement.
    assert add_service_hours(at(2026, 9, 18, 16, 30), 2, five_by_eight) == at(2026, 9, 20, 10, 30)
    # Reported on a Saturday evening: the clock starts at the next opening.
    assert add_service_hours(at(2026, 9, 19, 20), 0.5, five_by_eight) == at(2026, 9, 20, 9, 30)
    # 中秋 (25-27 September) and National Day (1-7 October) rest.
    assert add_service_hours(at(2026, 9, 24, 16), 2, five_by_eight) == at(2026, 9, 28, 10)
    assert add_service_hours(at(2026, 9, 30, 16), 4, five_by_eight) == at(2026, 10, 8, 12)
    assert service_hours_between(at(2026, 9, 18, 16, 30), at(2026, 9, 20, 10, 30), five_by_eight) == 2.0


def test_round_the_clock_contract_counts_plain_hours(calendar):
    assert add_service_hours(at(2026, 10, 1, 23), 4, parse_service_hours("24x7")) == at(2026, 10, 2, 3)


@pytest.mark.parametrize("bad", ["9-5", "17:00-09:00", "always"])
def test_bad_service_hours_setting_is_refused_in_chinese(bad):
    with pytest.raises(ValueError, match="ZHENGWU_OPS_SERVICE_HOURS"):
        parse_service_hours(bad)


# --- tickets ---------------------------------------------------------------------------


def test_grade_sets_limits_and_the_lifecycle_is_recorded(calendar):
    clerk = StaffFactory()
    # Thursday 24 September 16:30; 25-27 September are the 中秋 holiday.
    ticket = ticket_open(actor=clerk, grade="A", title="网上办事无法提交", at=at(2026, 9, 24, 16, 30))
    assert ticket.number.startswith("YW20260924")
    assert ticket.response_due_at == at(2026, 9, 24, 17)  # A: 0.5 service hours
    assert ticket.repair_due_at == at(2026, 9, 28, 12, 30)  # A: 4 service hours
    ticket_respond(actor=clerk, ticket=ticket, at=at(2026, 9, 24, 16, 40))
    with pytest.raises(ValidationFailed, match="请说明故障原因和处理办法"):
        ticket_resolve(actor=clerk, ticket=ticket, note=" ")
    ticket_resolve(actor=clerk, ticket=ticket, note="数据库连接池耗尽,已扩容", at=at(2026, 9, 28, 9, 30))
    ticket = ticket_close(actor=clerk, ticket=ticket, note="窗口确认恢复")
    assert ticket.state == FaultTicket.State.CLOSED and ticket.assignee == clerk
    assert list(ticket.events.values_list("kind", flat=True)) == ["open", "respond", "resolve", "close"]
    assert AuditEvent.objects.filter(action__startswith="operations.ticket.").count() == 4
    with pytest.raises(Conflict, match="已关闭"):
        ticket_respond(actor=clerk, ticket=ticket)


@pytest.mark.parametrize("grade,title,message", [
    ("D", "标题", "故障等级只能是 A、B 或 C"),
    ("B", "  ", "请填写故障标题"),
    ("B", "长" * 121, "标题最多 120 个字"),
])
def test_bad_ticket_input_is_refused_and_nothing_is_written(calendar, grade, title, message):
    with pytest.raises(ValidationFailed, match=message):
        ticket_open(actor=None, grade=grade, title=title)
    assert not FaultTicket.objects.exists()


def test_late_tickets_escalate_once_per_missed_limit_and_name_the_on_call(calendar):
    duty = StaffFactory(real_name="值班员甲")
    oncall_add(actor=None, person=duty, starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 30))
    ticket = ticket_open(actor=None, grade="B", title="短信通知发不出", at=at(2026, 9, 24, 9))
    assert tickets_escalate(now=at(2026, 9, 24, 10)) == []  # B responds within 2 h
    assert [t.pk for t in tickets_escalate(now=at(2026, 9, 24, 11, 30))] == [ticket.pk]
    assert tickets_escalate(now=at(2026, 9, 24, 12)) == []  # not twice for the same limit
    assert [t.escalation_level for t in tickets_escalate(now=at(2026, 9, 25, 10))] == [2]  # repair (8 h) missed
    notes = list(TicketEvent.objects.filter(ticket=ticket, kind="escalate").values_list("note", flat=True))
    assert notes[0].startswith("超过响应时限仍未响应") and "值班员甲" in notes[0]


def test_monthly_service_level_figures(calendar):
    fast = ticket_open(actor=None, grade="C", title="个别页面错位", at=at(2026, 9, 7, 9))
    ticket_respond(actor=None, ticket=fast, at=at(2026, 9, 7, 10))
    ticket_resolve(actor=None, ticket=fast, note="样式修复", at=at(2026, 9, 7, 15))
    slow = ticket_open(actor=None, grade="C", title="导出报表超时", at=at(2026, 9, 8, 9))
    ticket_respond(actor=None, ticket=slow, at=at(2026, 9, 9, 13))  # 12 service hours > 8
    ticket_open(actor=None, grade="A", title="十月的工单", at=at(2026, 10, 8, 9))
    figures = {f.grade: f for f in service_level_month(year=2026, month=9)}
    c = figures["C"]
    assert (c.reported, c.responded, c.responded_on_time, c.resolved, c.resolved_on_time) == (2, 2, 1, 1, 1)
    assert c.response_rate == 50.0
    assert c.mean_response_hours == pytest.approx((1 + 12) / 2)
    assert c.mean_repair_hours == pytest.approx(6)
    assert figures["A"].reported == 0


# --- health checks ---------------------------------------------------------------------


def test_failing_checks_open_one_ticket_each_and_not_twice(calendar):
    failing = [
        CheckResult("disk_space", "磁盘空间", False, "剩余 2%", "A"),
        CheckResult("backup", "备份", False, "30 小时前", "B"),
        CheckResult("database", "数据库", True, "可访问"),
    ]
    opened = health_sweep(checks=failing)
    assert sorted((t.check_key, t.grade, t.source) for t in opened) == [
        ("backup", "B", "health"), ("disk_space", "A", "health"),
    ]
    again = health_sweep(checks=failing)
    assert {t.pk for t in again} == {t.pk for t in opened}
    assert FaultTicket.objects.count() == 2
    # Once repaired, the same fault later is a new ticket.
    ticket_resolve(actor=None, ticket=opened[0], note="已处理")
    assert len({t.pk for t in health_sweep(checks=failing)} - {t.pk for t in opened}) == 1


def test_a_silent_task_consumer_is_a_failing_check(calendar, settings):
    assert not health.check_consumer().ok
    heartbeat_beat(at=at(2026, 9, 24, 10))
    assert health.check_consumer(now=at(2026, 9, 24, 10, 3)).ok
    stale = health.check_consumer(now=at(2026, 9, 24, 10, 20))
    assert not stale.ok and "20 分钟没有心跳" in stale.detail


def test_next_years_calendar_missing_in_december_is_a_c_ticket(calendar):
    result = health.check_calendar(today=date(2026, 12, 1))
    assert (result.ok, result.grade) == (False, "C") and "2027 年国务院节假日安排尚未导入" in result.detail
    assert health.check_calendar(today=date(2026, 11, 30)).ok


def test_a_full_disk_is_critical(monkeypatch, settings, tmp_path):
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(health.shutil, "disk_usage", lambda path: usage(100 * 2**30, 98 * 2**30, 2 * 2**30))
    result = health.check_disk()
    assert (result.ok, result.grade, result.critical) == (False, "A", True)


# --- endpoints -------------------------------------------------------------------------


def test_healthz_and_readyz(client, monkeypatch):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ok"
    monkeypatch.setattr("zhengwu.operations.views.check_disk", lambda: CheckResult(
        "disk_space", "磁盘空间", False, "数据目录所在磁盘剩余 1.0%,即将写满", "A", True))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["message"] == "数据目录所在磁盘剩余 1.0%,即将写满"


def test_metrics_for_the_local_scraper_only_and_not_by_header(client, settings):
    heartbeat_beat()
    client.get("/healthz")
    body = client.get("/metrics").content.decode()
    assert "zhengwu_http_requests_total" in body
    assert 'zhengwu_fault_tickets_open{grade="A"} 0.0' in body
    # A remote client cannot name its way in with a forwarded-address header.
    remote = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_REAL_IP="127.0.0.1",
                        HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert remote.status_code == 404
    # Through the local nginx the peer is 127.0.0.1, but the client is somebody else.
    assert client.get("/metrics", HTTP_X_REAL_IP="203.0.113.9").status_code == 404
    settings.ZHENGWU_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_desk_is_for_operators_and_reports_form_errors_in_chinese(client, verified_login, calendar):
    operator = grant_post(StaffFactory(), Role.OPERATOR)
    verified_login(operator)
    page = client.get(reverse("operations:desk"))
    assert page.status_code == 200 and "运维服务台" in page.content.decode()
    bad = client.post(reverse("operations:desk"), {"grade": "B", "title": "", "description": "首页打不开"})
    assert bad.status_code == 400 and "请填写故障标题" in bad.content.decode()
    assert "首页打不开" in bad.content.decode()  # what was typed is kept
    good = client.post(reverse("operations:desk"), {"grade": "B", "title": "首页打不开", "description": ""})
    ticket = FaultTicket.objects.get()
    assert good["Location"] == reverse("operations:ticket", kwargs={"number": ticket.number})
    client.post(reverse("operations:ticket", kwargs={"number": ticket.number}), {"action": "respond"})
    assert FaultTicket.objects.get().state == "responded"

    other = grant_post(StaffFactory(), Role.HANDLER)
    verified_login(other)
    assert client.get(reverse("operations:desk")).status_code == 403
    client.force_login(CitizenFactory())
    assert client.get(reverse("operations:desk")).status_code in (302, 403)


def test_oncall_form_refuses_bad_dates(client, verified_login, calendar):
    operator = grant_post(StaffFactory(), Role.OPERATOR)
    verified_login(operator)
    response = client.post(reverse("operations:oncall_add"), {"username": operator.username, "starts_on": "2026-13-01",
                                                             "ends_on": "2026-12-31"}, follow=True)
    assert "请填写有效的开始和结束日期" in response.content.decode()
    with pytest.raises(ValidationFailed, match="结束日期不能早于开始日期"):
        oncall_add(actor=None, person=operator, starts_on=date(2026, 9, 2), ends_on=date(2026, 9, 1))
