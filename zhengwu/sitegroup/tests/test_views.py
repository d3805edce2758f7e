import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.sitegroup import services
from zhengwu.sitegroup.fetch import FetchResult
from zhengwu.sitegroup.models import FeedSource
from zhengwu.sitegroup.parse import parse_feed

from .feed_server import RSS

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(editor):
    source = services.feed_source_register(actor=editor, name="示例市政府", url="http://city.example.gov.cn/rss")
    services.feed_entries_store(
        actor=None, source=source, result=FetchResult(not_modified=False, body=RSS, final_url=source.url),
        entries=parse_feed(RSS, base_url=source.url),
    )
    return source


def test_the_public_column_lists_entries_by_source_with_safe_external_links(city):
    response = Client().get(reverse("sitegroup:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "网站群导读" in html and "示例市政府" in html
    assert 'href="http://city.example.gov.cn/a/1.html" rel="noopener noreferrer external"' in html


def test_the_source_page_pages_by_key(city, settings):
    from zhengwu.sitegroup import selectors

    first = selectors.source_entries(source=city, limit=2)
    rest = selectors.source_entries(source=city, before_id=first[-1].pk, limit=2)

    assert [e.guid for e in first] == ["city-3", "city-2"] and [e.guid for e in rest] == ["city-1"]
    response = Client().get(reverse("sitegroup:source", args=[city.pk]), {"before": "x\x00"})
    assert response.status_code in (200, 400)  # junk is ignored or refused, never a 500


def test_a_disabled_source_page_is_404(city, editor):
    services.feed_source_disable(actor=editor, source=city)

    assert Client().get(reverse("sitegroup:source", args=[city.pk])).status_code == 404
    assert "示例市召开常务会议" not in Client().get(reverse("sitegroup:index")).content.decode()


def test_the_panel_shows_on_the_disclosure_section_and_home(city):
    for name in ("portal:disclosure", "portal:home"):
        html = Client().get(reverse(name)).content.decode()
        assert 'id="sitegroup-panel-title"' in html and "示例市召开常务会议" in html, name


def test_the_public_page_cache_is_refreshed_after_a_pull(editor, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "search_index_later", lambda t, i: None)  # the search app is not under test
    source = services.feed_source_register(actor=editor, name="示例市政府", url="http://city.example.gov.cn/rss")
    assert "示例市召开常务会议" not in Client().get(reverse("sitegroup:index")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the commit tells this process the version moved
        services.feed_entries_store(
            actor=None, source=source, result=FetchResult(not_modified=False, body=RSS, final_url=source.url),
            entries=parse_feed(RSS, base_url=source.url),
        )

    assert "示例市召开常务会议" in Client().get(reverse("sitegroup:index")).content.decode()


def test_an_editor_registers_through_the_page(editor, department):
    client = Client()
    login_verified(client, editor)

    response = client.post(reverse("sitegroup:manage"), {
        "name": "示例省政府", "url": "https://www.example-province.gov.cn/rss.xml", "site_name": "", "department": "SG-ZF",
    })

    assert response.status_code == 302
    source = FeedSource.objects.get()
    assert source.department == department
    page = client.get(reverse("sitegroup:manage")).content.decode()
    assert "示例省政府" in page and "尚未抓取" in page


@pytest.mark.parametrize("data, words", [
    ({"name": "x", "url": "javascript:alert(1)"}, "只支持 http:// 或 https://"),
    ({"name": "", "url": "https://a.gov.cn/"}, "请填写名称"),
    ({"name": "x", "url": "https://a.gov.cn/", "department": "NOPE"}, "请选择列表中的部门"),
    ({"name": "x" * 5000, "url": "https://a.gov.cn/"}, "不能超过"),
])
def test_bad_input_on_the_page_is_a_chinese_message(editor, department, data, words):
    client = Client()
    login_verified(client, editor)

    response = client.post(reverse("sitegroup:manage"), data)

    assert response.status_code == 400 and words in response.content.decode()


def test_staff_disable_and_enable_through_the_page(city, editor):
    client = Client()
    login_verified(client, editor)
    url = reverse("sitegroup:source_action", args=[city.pk])

    client.post(url, {"action": "disable", "confirmed": "yes"})
    city.refresh_from_db()
    assert not city.enabled
    response = client.post(url, {"action": "bogus"}, follow=True)
    assert "不支持的操作" in response.content.decode()
    client.post(url, {"action": "enable"})
    city.refresh_from_db()
    assert city.enabled


def test_a_handler_cannot_open_the_staff_page(handler):
    client = Client()
    login_verified(client, handler)

    assert client.get(reverse("sitegroup:manage")).status_code == 403
    assert client.post(reverse("sitegroup:source_action", args=[1]), {"action": "disable"}).status_code == 403
