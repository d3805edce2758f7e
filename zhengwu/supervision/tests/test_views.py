"""Dashboards, alert pages and the API: numbers from a small fixture, access, query counts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.models import Case
from zhengwu.cases.services import case_act, case_submit
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.core.models import Clock
from zhengwu.org.models import Unit
from zhengwu.org.tests.factories import UnitFactory
from zhengwu.supervision.models import SupervisionOrder
from zhengwu.supervision.selectors import county_trend, department_statistics
from zhengwu.supervision.services import supervision_order_issue, supervision_sweep

from .conftest import moment

pytestmark = pytest.mark.django_db


def _run(case, staff, on):
    for who, action in (("clerk", "accept"), ("reviewer", "review_pass"), ("approver", "approve"), ("handler", "conclude")):
        with at(moment(*on)):
            case_act(actor=staff[who], case=case, action=action, expected_version=case.version)


@pytest.fixture
def fixture_cases(item, citizen, staff, calendar_2026):
    """Three cases of the 10-day item submitted Thu 24 Sep 2026 (due Mon 12 Oct):
    one concluded the same day, one concluded Fri 16 Oct (late), one still open."""
    cases = []
    for _ in range(3):
        with at(moment(2026, 9, 24)):
            cases.append(case_submit(actor=citizen, item=item, applicant=citizen, channel="online"))
    _run(cases[0], staff, (2026, 9, 24))
    _run(cases[1], staff, (2026, 10, 16))
    return cases


def test_department_statistics_from_the_calendar(fixture_cases, dept):
    supervision_sweep(today=date(2026, 10, 20))  # the figures are the sweep's
    [row] = department_statistics(today=date(2026, 10, 20), period="year")
    # Working days after 24 Sep up to 16 Oct: 28,29,30 Sep, 8,9,10,12-16 Oct = 11.
    assert (row["unit_id"], row["concluded"], row["on_time"], row["on_time_rate"]) == (dept.pk, 2, 1, 50.0)
    assert row["avg_days"] == 5.5
    assert row["overdue_open"] == 1
    # This month (the default) holds only the late one, concluded on 16 October.
    [october] = department_statistics(today=date(2026, 10, 20))
    assert (october["concluded"], october["on_time"], october["avg_days"]) == (1, 0, 11.0)
    [september] = department_statistics(today=date(2026, 10, 20), period="last_month")
    assert (september["concluded"], september["on_time"], september["avg_days"]) == (1, 1, 0.0)


def test_department_statistics_before_any_sweep_are_empty(fixture_cases):
    assert department_statistics(today=date(2026, 10, 20), period="year") == []


def test_department_statistics_query_count_is_constant(fixture_cases, item, citizen, django_assert_max_num_queries):
    other = ItemFactory(department=UnitFactory(kind=Unit.Kind.DEPARTMENT), promised_limit_days=5)
    with at(moment(2026, 9, 24)):
        case_submit(actor=citizen, item=other, applicant=citizen, channel="online")
    supervision_sweep(today=date(2026, 10, 20))
    with django_assert_max_num_queries(3):
        rows = department_statistics(today=date(2026, 10, 20), period="year")
    assert len(rows) == 2


def test_county_trend_counts_per_month(fixture_cases):
    trend = {t["month"]: t for t in county_trend(today=date(2026, 10, 20), months=2)}
    assert trend["2026-09"] == {"month": "2026-09", "submitted": 3, "concluded": 1, "on_time": 1}
    assert trend["2026-10"] == {"month": "2026-10", "submitted": 0, "concluded": 1, "on_time": 0}


def test_county_trend_buckets_by_beijing_month_across_a_year_end(item, citizen, calendar_2026):
    """Months are Beijing months: 00:00 on 1 Nov in Beijing is still 31 Oct in UTC."""
    def case(submitted, concluded=None, stopped_on=None, due_on=None):
        with at(moment(2026, 9, 24)):
            made = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
        Case.objects.filter(pk=made.pk).update(
            submitted_at=submitted, concluded_at=concluded,
            status=Case.Status.CONCLUDED if concluded else Case.Status.RUNNING,
        )
        if concluded:
            Clock.objects.filter(pk=made.clock_id).update(state=Clock.State.STOPPED, stopped_on=stopped_on, due_on=due_on)

    bj = lambda *a: datetime(*a, tzinfo=ZoneInfo("Asia/Shanghai"))
    case(bj(2026, 10, 31, 23, 59, 59))  # October: before the window
    case(bj(2026, 11, 1, 0, 0, 0))  # November (31 Oct 16:00 UTC)
    case(bj(2026, 12, 31, 23, 30), concluded=bj(2027, 1, 1, 0, 10), stopped_on=date(2027, 1, 1), due_on=date(2027, 1, 4))
    case(bj(2026, 9, 10), concluded=bj(2026, 12, 1, 8, 0), stopped_on=date(2026, 12, 1), due_on=date(2026, 11, 30))
    case(bj(2027, 1, 5, 9, 0))

    trend = county_trend(today=date(2027, 1, 5), months=3)

    assert trend == [
        {"month": "2026-11", "submitted": 1, "concluded": 0, "on_time": 0},
        {"month": "2026-12", "submitted": 1, "concluded": 1, "on_time": 0},
        {"month": "2027-01", "submitted": 1, "concluded": 1, "on_time": 1},
    ]


def test_dashboard_shows_the_numbers_and_feeds_the_chart_as_json(client, supervisor, fixture_cases):
    supervision_sweep(today=date(2026, 10, 20))
    login_verified(client, supervisor)
    with at(moment(2026, 10, 20)):
        response = client.get(reverse("supervision:dashboard"), {"period": "year"})
        this_month = client.get(reverse("supervision:dashboard")).content.decode()
        bad = client.get(reverse("supervision:dashboard"), {"period": "<script>"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="supervision-data" type="application/json"' in body
    assert "50.0%" in body and "县农业农村局" in body
    assert 'data-period="year"' in body and "2026年1月1日 至 2026年12月31日" in body
    assert "vendor/echarts-5.6.0/echarts.min.js" in body
    # By default this month only: the October case was late.
    assert 'data-period="month"' in this_month and "0.0%" in this_month and "50.0%" not in this_month
    assert bad.status_code == 200 and 'data-period="month"' in bad.content.decode()


def test_api_department_stats_take_a_period(client, supervisor, fixture_cases):
    supervision_sweep(today=date(2026, 10, 20))
    login_verified(client, supervisor)
    with at(moment(2026, 10, 20)):
        year = client.get("/api/v1/supervision/departments/stats", {"period": "year"})
        month = client.get("/api/v1/supervision/departments/stats")
        bad = client.get("/api/v1/supervision/departments/stats", {"period": "forever"})
    assert [r["concluded"] for r in year.json()] == [2]
    assert [r["concluded"] for r in month.json()] == [1]
    assert 400 <= bad.status_code < 500 and bad.status_code != 404


def test_non_supervisor_staff_is_refused_the_dashboard_and_the_api(client, staff):
    login_verified(client, staff["approver"])
    assert client.get(reverse("supervision:dashboard")).status_code == 403
    assert client.get("/api/v1/supervision/alerts").status_code == 403
    assert client.get("/api/v1/supervision/departments/stats").status_code == 403


def test_alert_api_lists_new_alerts_for_supervisors(client, supervisor, fixture_cases, django_assert_max_num_queries):
    supervision_sweep(today=date(2026, 10, 20))
    login_verified(client, supervisor)
    with django_assert_max_num_queries(12):
        data = client.get("/api/v1/supervision/alerts", {"level": "red"}).json()
    # The open case: its case clock and its acceptance-step clock are overdue.
    assert {(a["owner_type"], a["level"]) for a in data["items"]} == {("cases.case", "red"), ("cases.step", "red")}
    receipt = Case.objects.get(pk=int(data["items"][0]["owner_id"].split("/")[0])).receipt_no
    assert {a["subject"] for a in data["items"]} == {f"办件总时限 {receipt}", f"办件环节 {receipt} 第1环节"}
    assert data["next_before"] is None


def test_department_head_sees_the_department_alerts_others_do_not(client, staff, fixture_cases):
    supervision_sweep(today=date(2026, 10, 20))
    login_verified(client, staff["approver"])
    page = client.get(reverse("supervision:alerts")).content.decode()
    assert f"办件总时限 {fixture_cases[2].receipt_no}" in page
    assert "cases.case#" not in page  # internal owner ids are not shown
    client.logout()
    login_verified(client, StaffFactory())
    assert "办件总时限" not in client.get(reverse("supervision:alerts")).content.decode()


def test_supervisor_issues_an_order_from_the_page(client, supervisor, fixture_cases):
    login_verified(client, supervisor)
    response = client.post(reverse("supervision:orders"), {"receipt_no": fixture_cases[2].receipt_no, "text": "请尽快办理", "days": "3"})
    assert response.status_code == 302
    assert SupervisionOrder.objects.get().case == fixture_cases[2]


def test_unknown_receipt_number_is_a_chinese_400(client, supervisor, fixture_cases):
    login_verified(client, supervisor)
    response = client.post(reverse("supervision:orders"), {"receipt_no": "ZW0000", "text": "请尽快办理", "days": "3"})
    assert response.status_code == 400 and "未找到该受理编号的办件" in response.content.decode()
    assert not SupervisionOrder.objects.exists()


def test_department_staff_respond_from_their_page(client, supervisor, staff, fixture_cases):
    order = supervision_order_issue(actor=supervisor, case=fixture_cases[2], text="请尽快办理", days=3)
    login_verified(client, staff["reviewer"])
    assert "请尽快办理" in client.get(reverse("supervision:my_orders")).content.decode()
    client.post(reverse("supervision:order_respond", args=[order.pk]), {"text": "已加快办理"})
    order.refresh_from_db()
    assert order.response == "已加快办理"


def test_department_statistics_count_the_department_alerts_only(fixture_cases, dept):
    from zhengwu.core.clock import clock_start

    # An alert on a clock that names no unit belongs to no department row.
    clock_start(actor=None, owner_type="test.thing", owner_id="1", limit_days=1, warn_days=0, start_on=date(2026, 9, 24))
    result = supervision_sweep(today=date(2026, 10, 20))
    [row] = department_statistics(today=date(2026, 10, 20))
    assert (row["unit_id"], row["red_alerts"], row["yellow_alerts"]) == (dept.pk, 2, 0)
    assert result.new_red == 3
    # Counted in the month they were raised: next month's view starts from none.
    [november] = department_statistics(today=date(2026, 11, 2))
    assert (november["red_alerts"], november["yellow_alerts"]) == (0, 0)
    [row] = department_statistics(today=date(2026, 11, 2), period="last12")
    assert row["red_alerts"] == 2


def test_alerts_of_other_owners_are_named_in_words():
    from zhengwu.supervision.models import Alert
    from zhengwu.supervision.selectors import _alert_subjects

    rows = [Alert(owner_type="letters.hop", owner_id="letter/30"),
            Alert(owner_type="disclosure_requests.request", owner_id="YSQ202611270004"),
            Alert(owner_type="ratings.rectification", owner_id="rating/7"),
            Alert(owner_type="cases.step", owner_id="999999/2"),  # no such case: the key stays
            Alert(owner_type="someone.else", owner_id="x")]
    _alert_subjects(rows)
    assert [a.subject for a in rows] == [
        "信件办理 #30", "依申请公开 YSQ202611270004", "差评整改 #7", "办件环节 999999 第3环节", "其他时限 x"]
