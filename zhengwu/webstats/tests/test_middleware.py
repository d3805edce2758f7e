"""What the page-view middleware counts, and what it never keeps."""

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.webstats import services
from zhengwu.webstats.buffer import HitBuffer
from zhengwu.webstats.models import PageKind, PageViewDaily, ReferrerDaily
from zhengwu.webstats.pages import IP_REFERRER, classify
from zhengwu.webstats.services import webstats_flush

from .conftest import BROWSER

pytestmark = pytest.mark.django_db


def browser(**extra):
    return Client(HTTP_USER_AGENT=BROWSER, **extra)


def views_of(url_name, key="") -> int:
    return sum(PageViewDaily.objects.filter(url_name=url_name, object_key=key).values_list("views", flat=True))


def test_a_public_page_view_is_counted_and_counts_add_up_across_flushes():
    client = browser()
    client.get(reverse("portal:home"))
    webstats_flush()
    client.get(reverse("portal:home"))  # served from the page cache: still a view
    client.get(reverse("portal:home"))
    webstats_flush()

    row = PageViewDaily.objects.get(url_name="portal:home")
    assert (row.day, row.kind, row.object_key, row.views) == (timezone.localdate(), PageKind.COLUMN, "", 3)


def test_an_item_page_is_counted_under_its_code():
    from zhengwu.catalog.services import catalog_load

    catalog_load(actor=None)
    browser().get(reverse("portal:item", kwargs={"code": "QL017"}))
    browser().get(reverse("portal:item", kwargs={"code": "NO-SUCH"}))  # 404: not counted
    webstats_flush()

    assert list(PageViewDaily.objects.values_list("kind", "url_name", "object_key", "views")) == [
        (PageKind.ITEM, "portal:item", "QL017", 1),
    ]


@pytest.mark.parametrize("user_agent", [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Googlebot/2.1)",
    "Sogou web spider/4.0",
    "SomeCrawler/1.0",
    "curl/8.5.0",
    "python-requests/2.31",
    "",
])
def test_robots_and_scripts_are_not_counted(user_agent):
    Client(HTTP_USER_AGENT=user_agent).get(reverse("portal:home"))
    webstats_flush()
    assert not PageViewDaily.objects.exists()


def test_staff_api_admin_static_404_and_non_get_requests_are_not_counted():
    staff = StaffFactory(username="ws_staff")
    client = browser()
    login_verified(client, staff)

    assert client.get(reverse("portal:office")).status_code == 200  # staff page
    assert client.get("/api/v1/catalog/work-areas").status_code == 200  # API
    client.get("/admin/")
    client.get("/static/portal/portal.css")
    assert browser().get("/no-such-page/").status_code == 404
    browser().post(reverse("portal:home"))
    browser().head(reverse("portal:home"))
    browser().get(reverse("accounts:login"))
    webstats_flush()

    assert not PageViewDaily.objects.exists()


def test_a_logged_in_visitor_of_a_public_page_is_counted_without_being_identified():
    staff = StaffFactory(username="ws_reader")
    client = browser()
    login_verified(client, staff)

    client.get(reverse("portal:disclosure"), HTTP_REFERER="https://www.baidu.com/s?wd=%E8%BA%AB%E4%BB%BD&uid=42")
    webstats_flush()

    assert views_of("portal:disclosure") == 1
    assert list(ReferrerDaily.objects.values_list("domain", "views")) == [("www.baidu.com", 1)]


@pytest.mark.parametrize("referer, stored", [
    ("https://www.baidu.com/s?wd=%E8%BA%AB%E4%BB%BD", "www.baidu.com"),
    ("http://WWW.Zj.GOV.cn:8080/path/page.html#frag", "www.zj.gov.cn"),
    ("https://政府.中国/首页", "政府.中国"),
    ("http://10.1.2.3/intranet/", IP_REFERRER),
    ("http://[2001:db8::1]/x", IP_REFERRER),
    ("http://testserver/catalog/", None),  # our own site: an internal link, not a source
    ("javascript:alert(1)", None),
    ("not a url", None),
    ("http://localhost/x", None),
    ("http://a b.com/", None),
    ("https://" + "a" * 300 + ".com/", None),
])
def test_the_referrer_is_reduced_to_an_external_host_name(referer, stored):
    browser().get(reverse("portal:home"), HTTP_REFERER=referer)
    webstats_flush()

    assert list(ReferrerDaily.objects.values_list("domain", flat=True)) == ([stored] if stored else [])
    assert views_of("portal:home") == 1


def test_configured_own_domains_are_not_sources(settings, fresh_buffer):
    settings.ZHENGWU_WEBSTATS_INTERNAL_DOMAINS = ["www.county.gov.cn"]
    fresh_buffer.clear()  # settings are read at each flush
    browser().get(reverse("portal:home"), HTTP_REFERER="https://www.county.gov.cn/x")
    webstats_flush()
    assert not ReferrerDaily.objects.exists()


def test_the_tables_hold_no_personal_data():
    browser(HTTP_X_REAL_IP="203.0.113.9").get(
        reverse("portal:home") + "?name=张三&id=110101199003070011", HTTP_REFERER="https://www.baidu.com/s?wd=张三",
    )
    webstats_flush()

    assert {f.name for f in PageViewDaily._meta.get_fields()} == {"id", "day", "kind", "url_name", "object_key", "views"}
    assert {f.name for f in ReferrerDaily._meta.get_fields()} == {"id", "day", "domain", "views"}
    stored = [str(v) for row in PageViewDaily.objects.values_list() for v in row]
    stored += [str(v) for row in ReferrerDaily.objects.values_list() for v in row]
    for secret in ("张三", "110101199003070011", "203.0.113.9", "127.0.0.1", "Mozilla", "wd="):
        assert not any(secret in v for v in stored), secret


def test_the_buffer_flushes_itself_after_enough_views(settings, fresh_buffer):
    settings.ZHENGWU_WEBSTATS_FLUSH_HITS = 3
    fresh_buffer.clear()
    client = browser()

    client.get(reverse("portal:home"))
    client.get(reverse("portal:home"))
    assert not PageViewDaily.objects.exists()  # still buffered
    client.get(reverse("portal:home"))

    assert views_of("portal:home") == 3


def test_the_buffer_flushes_itself_when_its_time_is_up(settings, fresh_buffer):
    settings.ZHENGWU_WEBSTATS_FLUSH_SECONDS = 0
    fresh_buffer.clear()

    browser().get(reverse("portal:services"))

    assert views_of("portal:services") == 1


def test_the_day_rolls_over_at_local_midnight(fresh_buffer, monkeypatch):
    import datetime as dt
    import time as time_module

    from zhengwu.webstats import buffer as buffer_module

    day = fresh_buffer.today()
    assert day == timezone.localdate()
    tomorrow = time_module.time() + 86400
    monkeypatch.setattr(buffer_module.time, "time", lambda: tomorrow)
    real_localtime = timezone.localtime
    monkeypatch.setattr(buffer_module.timezone, "localtime", lambda: real_localtime() + dt.timedelta(days=1))
    assert fresh_buffer.today() == day + dt.timedelta(days=1)


def test_counts_survive_a_failed_flush(monkeypatch):
    buffer = HitBuffer()
    day = timezone.localdate()
    buffer.add(day, PageKind.COLUMN, "portal:home", "", "www.baidu.com")
    buffer.add(day, PageKind.COLUMN, "portal:home", "", None)

    def refuse(**kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(services, "pageviews_add", refuse)
    assert webstats_flush(buffer=buffer) == 0
    monkeypatch.undo()
    assert webstats_flush(buffer=buffer) == 2

    assert views_of("portal:home") == 2
    assert ReferrerDaily.objects.get().views == 1


def test_a_failure_while_counting_never_breaks_the_page(monkeypatch):
    from zhengwu.webstats import middleware

    def boom(request, response):
        raise RuntimeError("bug")

    monkeypatch.setattr(middleware, "counted_page", boom)

    assert browser().get(reverse("portal:home")).status_code == 200


@pytest.mark.parametrize("url_name, namespace, kwargs, expected", [
    ("portal:home", "portal", {}, (PageKind.COLUMN, "")),
    ("portal:item", "portal", {"code": "QL017"}, (PageKind.ITEM, "QL017")),
    ("disclosure:department", "disclosure", {"code": "ZFB"}, (PageKind.DEPARTMENT, "ZFB")),
    ("disclosure:item", "disclosure", {"code": "GK001"}, (PageKind.ITEM, "GK001")),
    ("disclosure:detail", "disclosure", {"pk": 42}, (PageKind.DISCLOSURE, "42")),
    ("disclosure:column", "disclosure", {"column": "news"}, (PageKind.COLUMN, "news")),
    ("disclosure:attachment", "disclosure", {"file_id": "x"}, None),
    # Pages no one declared: the kwarg names decide.
    ("other:unit", "other", {"department_code": "ZFB"}, (PageKind.DEPARTMENT, "ZFB")),
    ("other:thing", "disclosure", {"slug": "abc"}, (PageKind.DISCLOSURE, "abc")),
    ("other:section", "other", {"channel": "news"}, (PageKind.COLUMN, "news")),
    ("other:item", "other", {"item_code": "QL1"}, (PageKind.ITEM, "QL1")),
    ("letters:reply", "letters", {"public_id": "X" * 300}, (PageKind.PAGE, "X" * 100)),
    ("portal:elderly", "portal", {}, None),
])
def test_pages_are_classified_by_url_name_and_kwargs(url_name, namespace, kwargs, expected):
    page = classify(url_name, namespace, kwargs)
    assert (page.kind, page.object_key) == expected if expected else page is None
