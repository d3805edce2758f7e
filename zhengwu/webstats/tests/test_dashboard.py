"""The statistics page on constructed counters: most read, trend, sources, period filter."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.webstats import selectors
from zhengwu.webstats.models import PageKind, PageViewDaily, ReferrerDaily
from zhengwu.webstats.services import pageviews_add

pytestmark = pytest.mark.django_db

D1, D2, D3 = dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3)
OUTSIDE = dt.date(2026, 2, 1)


@pytest.fixture
def units():
    county = org_services.unit_create(actor=None, code="WS", name="示例县", kind=Unit.Kind.COUNTY)
    return {
        code: org_services.unit_create(actor=None, code=code, name=name, kind=Unit.Kind.DEPARTMENT, parent=county)
        for code, name in (("WS-GA", "县公安局"), ("WS-CZ", "县财政局"))
    }


@pytest.fixture
def counters(units):
    from collections import Counter

    item, column, dept, disc = PageKind.ITEM, PageKind.COLUMN, PageKind.DEPARTMENT, PageKind.DISCLOSURE
    pageviews_add(pages=Counter({
        (D1, item, "portal:item", "QL017"): 5,
        (D2, item, "disclosure:item", "QL017"): 2,  # the same item on another page adds up
        (D2, item, "portal:item", "GK001"): 6,
        (OUTSIDE, item, "portal:item", "XX999"): 100,  # before the period
        (D1, column, "portal:home", ""): 40,
        (D3, column, "portal:disclosure", ""): 9,
        (D3, column, "disclosure:column", "news"): 3,
        (D1, dept, "disclosure:department", "WS-GA"): 4,
        (D3, dept, "disclosure:department", "WS-CZ"): 7,
        (D2, disc, "disclosure:detail", "42"): 8,
    }), referrers=Counter({
        (D1, "www.baidu.com"): 10, (D2, "www.baidu.com"): 5, (D3, "www.zj.gov.cn"): 12, (OUTSIDE, "spam.example"): 99,
    }))
    # The upsert adds: a second batch for an existing key.
    pageviews_add(pages=Counter({(D1, column, "portal:home", ""): 2}), referrers=Counter())


def test_figures_on_constructed_data(counters):
    period = selectors.Period(D1, D3)

    figures = selectors.dashboard_figures(period=period)

    assert figures["total"] == 5 + 2 + 6 + 42 + 9 + 3 + 4 + 7 + 8
    assert [(r.key, r.views) for r in figures["items"]] == [("QL017", 7), ("GK001", 6)]
    assert [(r.label, r.views) for r in figures["columns"]] == [("首页", 42), ("政务公开", 9), ("政务公开栏目(news)", 3)]
    assert [(r.label, r.views) for r in figures["departments"]] == [("县财政局", 7), ("县公安局", 4)]
    assert [(r.key, r.views) for r in figures["disclosures"]] == [("disclosure:detail|42", 8)]
    assert [(r.label, r.views) for r in figures["referrers"]] == [("www.baidu.com", 15), ("www.zj.gov.cn", 12)]
    assert figures["trend"] == [
        {"day": "2026-03-01", "views": 5 + 42 + 4},
        {"day": "2026-03-02", "views": 2 + 6 + 8},
        {"day": "2026-03-03", "views": 9 + 3 + 7},
    ]


def test_item_names_come_from_the_catalog(counters):
    from zhengwu.catalog.services import catalog_load

    catalog_load(actor=None)
    [first, *_] = selectors.top_objects(kind=PageKind.ITEM, period=selectors.Period(D1, D3))
    assert first.key == "QL017" and first.label != "QL017"


def test_days_without_views_are_zero_in_the_trend(counters):
    trend = selectors.daily_trend(period=selectors.Period(dt.date(2026, 2, 27), D1))
    assert [t["views"] for t in trend] == [0, 0, 51]


@pytest.fixture
def supervisor(units):
    user = StaffFactory(username="ws_supervisor")
    org_services.assignment_grant(actor=None, user=user, unit=units["WS-GA"], role=Role.SUPERVISOR)
    client = Client()
    login_verified(client, user)
    return client


def test_the_page_shows_the_period_with_chart_data(counters, supervisor):
    response = supervisor.get(reverse("webstats:dashboard"), {"from": "2026-03-01", "to": "2026-03-03"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "公开页面共被浏览 <strong>86</strong> 次" in html
    data = json.loads(html.split('<script id="webstats-data" type="application/json">')[1].split("</script>")[0])
    assert [d["views"] for d in data["trend"]] == [51, 16, 19]
    assert data["referrers"][0] == {"key": "www.baidu.com", "label": "www.baidu.com", "views": 15}
    assert "<script>" not in html.replace('<script id="webstats-data"', "")  # no inline script (CSP)


@pytest.mark.parametrize("query, words", [
    ({"from": "2026-13-01"}, "开始日期格式不正确"),
    ({"to": "yesterday"}, "结束日期格式不正确"),
    ({"from": "2026-3-1"}, "开始日期格式不正确"),
    ({"from": "x" * 5000}, "开始日期格式不正确"),
    ({"from": "2026-03-01\x00"}, ""),
    ({"from": "1999-12-31", "to": "2000-01-05"}, "开始日期不能早于"),
    ({"from": "2026-03-05", "to": "2026-03-01"}, "开始日期不能晚于结束日期"),
    ({"from": "2024-01-01", "to": "2026-01-01"}, "统计期间最长"),
    ({"from": "<script>", "to": "2026-01-01"}, "开始日期格式不正确"),
])
def test_a_bad_period_is_a_chinese_message_never_a_500(supervisor, query, words):
    response = supervisor.get(reverse("webstats:dashboard"), query)

    assert response.status_code == 400
    assert words in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main")[1].replace('<script id="webstats-data"', "")


def test_the_default_period_is_the_last_30_days(supervisor):
    today = timezone.localdate()
    PageViewDaily.objects.create(day=today, kind=PageKind.COLUMN, url_name="portal:home", views=3)
    PageViewDaily.objects.create(day=today - dt.timedelta(days=30), kind=PageKind.COLUMN, url_name="portal:home", views=50)
    ReferrerDaily.objects.create(day=today, domain="www.baidu.com", views=1)

    response = supervisor.get(reverse("webstats:dashboard"))

    assert response.status_code == 200
    assert response.context["period"].days == 30 and response.context["figures"]["total"] == 3


def test_only_the_named_posts_may_see_the_page(units):
    handler = StaffFactory(username="ws_handler")
    org_services.assignment_grant(actor=None, user=handler, unit=units["WS-GA"], role=Role.HANDLER)
    editor = StaffFactory(username="ws_editor")
    org_services.assignment_grant(actor=None, user=editor, unit=units["WS-GA"], role=Role.EDITOR)
    h, e = Client(), Client()
    login_verified(h, handler)
    login_verified(e, editor)

    assert h.get(reverse("webstats:dashboard")).status_code == 403
    assert e.get(reverse("webstats:dashboard")).status_code == 200
    assert Client().get(reverse("webstats:dashboard")).status_code == 302  # to login
