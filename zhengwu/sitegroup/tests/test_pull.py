"""Pulling feeds from a real local HTTP server: good, slow, huge, hostile and broken ones."""

import time

import pytest

from zhengwu.core.models import AuditEvent
from zhengwu.sitegroup import selectors
from zhengwu.sitegroup.models import FeedEntry, FeedSource
from zhengwu.sitegroup.services import feed_source_pull, feed_source_register
from zhengwu.sitegroup.tasks import sitegroup_pull_round_task

pytestmark = pytest.mark.django_db


def _source(server, path, name=None):
    return feed_source_register(actor=None, name=name or path, url=server.url(path))


def _pull(source):
    outcome = feed_source_pull(source_id=source.pk)
    source.refresh_from_db()
    return outcome


def test_good_rss_is_stored_as_plain_text_entries(feed_server):
    source = _source(feed_server, "/rss.xml")

    outcome = _pull(source)

    assert outcome.new_entries == 3
    assert source.last_status == FeedSource.Status.OK and source.last_error == ""
    first = FeedEntry.objects.get(source=source, guid="city-1")
    assert first.title == "示例市召开常务会议"
    assert first.link == "http://city.example.gov.cn/a/1.html"
    assert first.summary == "会议研究了营商环境工作。"  # tags gone, text kept
    assert first.published_at.isoformat() == "2026-01-05T01:00:00+00:00"
    assert source.etag == '"v1"'


def test_pulling_twice_stores_nothing_twice_and_uses_a_conditional_get(feed_server):
    source = _source(feed_server, "/rss.xml")
    _pull(source)

    second = _pull(source)

    assert FeedEntry.objects.filter(source=source).count() == 3
    assert second.new_entries == 0
    assert source.last_status == FeedSource.Status.NOT_MODIFIED  # the server answered 304 to If-None-Match


def test_pulling_twice_without_validators_still_stores_nothing_twice(feed_server):
    source = _source(feed_server, "/atom.xml")
    assert _pull(source).new_entries == 2

    again = _pull(source)

    assert again.new_entries == 0 and source.last_status == FeedSource.Status.OK
    assert FeedEntry.objects.filter(source=source).count() == 2


def test_good_atom_is_stored(feed_server):
    source = _source(feed_server, "/atom.xml")

    _pull(source)

    titles = set(FeedEntry.objects.filter(source=source).values_list("title", flat=True))
    assert titles == {"示例省数字政府建设方案", "省市联合发布的通知"}


def test_a_redirect_is_followed(feed_server):
    source = _source(feed_server, "/moved")

    assert _pull(source).new_entries == 3


@pytest.mark.parametrize("path, words", [
    ("/slow.xml", "抓取超时"),
    ("/drip.xml", "抓取超时"),
    ("/huge.xml", "内容过大"),
    ("/huge-declared.xml", "内容过大"),
    ("/gzip-bomb.xml", "内容过大"),
    ("/garbage", "不是有效的 RSS/Atom"),
    ("/page.html", "不是 RSS/Atom 订阅源"),
    ("/missing.xml", "HTTP 404"),
    ("/error", "HTTP 500"),
    ("/loop-a", "重定向"),
    ("/to-ftp", "只允许 http/https"),
])
def test_a_bad_feed_records_a_chinese_error_within_the_time_limit(feed_server, path, words):
    source = _source(feed_server, path)

    started = time.monotonic()
    outcome = _pull(source)
    elapsed = time.monotonic() - started

    assert outcome.status == FeedSource.Status.ERROR
    assert words in source.last_error, source.last_error
    assert source.last_status == FeedSource.Status.ERROR and source.failure_count == 1
    assert not FeedEntry.objects.filter(source=source).exists()
    assert elapsed < 2.5  # timeout is 1 s in these tests; nothing waits for the slow server


def test_a_refused_connection_is_an_error(feed_server):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    source = feed_source_register(actor=None, name="dead", url=f"http://127.0.0.1:{port}/rss.xml")

    _pull(source)

    assert source.last_error == "订阅源网站拒绝连接"


def test_a_billion_laughs_feed_does_not_expand(feed_server):
    source = _source(feed_server, "/bomb.xml")

    started = time.monotonic()
    _pull(source)

    assert time.monotonic() - started < 2
    # Either refused or parsed without expanding the entities: never a giant title.
    for entry in FeedEntry.objects.filter(source=source):
        assert len(entry.title) <= 300 and "lollollol" not in entry.title + entry.summary


def test_hostile_entries_are_sanitised_and_limited(feed_server):
    source = _source(feed_server, "/hostile.xml")

    _pull(source)

    entries = list(FeedEntry.objects.filter(source=source))
    assert len(entries) == 50  # ZHENGWU_SITEGROUP_MAX_ENTRIES in these tests
    assert all("<" not in e.title and "<" not in e.summary for e in entries)
    assert all(e.link.startswith("http://hostile.example.gov.cn/") for e in entries)  # javascript: dropped
    relative = next(e for e in entries if e.link.endswith("/relative/page.html"))
    assert relative.title == "带图片的标题"
    assert relative.summary == "摘要链接"  # script content removed, not shown as text


def test_a_repeated_failure_is_audited_once(feed_server):
    source = _source(feed_server, "/missing.xml")

    _pull(source)
    _pull(source)

    assert source.failure_count == 2
    assert AuditEvent.objects.filter(action="sitegroup.source.pull_failed", object_id=str(source.pk)).count() == 1


def test_one_dead_feed_does_not_stop_the_round(feed_server):
    bad = _source(feed_server, "/slow.xml", name="慢")
    good = _source(feed_server, "/rss.xml", name="好")
    off = _source(feed_server, "/atom.xml", name="停用")
    FeedSource.objects.filter(pk=off.pk).update(enabled=False)

    count = sitegroup_pull_round_task.call_local()

    assert count == 2
    bad.refresh_from_db()
    assert bad.last_status == FeedSource.Status.ERROR
    assert FeedEntry.objects.filter(source=good).count() == 3
    assert not FeedEntry.objects.filter(source=off).exists()


def test_new_entries_are_sent_to_search_and_bump_the_public_pages(feed_server, monkeypatch):
    from zhengwu.core.models import ContentVersion
    from zhengwu.sitegroup import services

    queued = []
    monkeypatch.setattr(services, "search_index_later", lambda doc_type, doc_id: queued.append((doc_type, doc_id)))
    source = _source(feed_server, "/rss.xml")
    version = ContentVersion.objects.filter(scope="public").values_list("version", flat=True).first() or 0

    _pull(source)
    _pull(source)  # nothing new the second time

    ids = set(FeedEntry.objects.filter(source=source).values_list("id", flat=True))
    assert sorted(queued) == sorted(("feed", i) for i in ids)
    assert ContentVersion.objects.get(scope="public").version > version
    assert AuditEvent.objects.filter(action="search.sitegroup.entries.store").count() == 1


def test_the_same_link_from_two_sources_is_shown_once(feed_server):
    city = _source(feed_server, "/rss.xml", name="市")
    province = _source(feed_server, "/atom.xml", name="省")
    _pull(city)
    _pull(province)

    shown = selectors.latest_entries(limit=50)
    joint = [e for e in shown if e.link == "http://shared.example.gov.cn/joint.html"]
    groups = dict(selectors.entries_by_source())

    assert len(joint) == 1 and joint[0].source_id == city.pk  # the first stored copy wins
    assert len(shown) == 4
    assert [e.title for e in groups[province]] == ["示例省数字政府建设方案"]
    assert selectors.search_document_get(str(FeedEntry.objects.get(source=province, guid="urn:province:2").pk)) is None


def test_the_pull_command_reports_each_source(feed_server):
    from io import StringIO

    from django.core.management import call_command

    _source(feed_server, "/rss.xml", name="好")
    _source(feed_server, "/missing.xml", name="坏")
    out = StringIO()

    call_command("sitegroup_pull", stdout=out)

    text = out.getvalue()
    assert "好:新增 3 条" in text
    assert "坏:失败:订阅源不存在(HTTP 404)" in text
