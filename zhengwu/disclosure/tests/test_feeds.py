import feedparser
import pytest
from django.urls import reverse

from zhengwu.disclosure import services
from zhengwu.disclosure.models import Column

from .conftest import at, published

pytestmark = pytest.mark.django_db


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("name, kind", [("disclosure:feed_column_rss", "rss20"), ("disclosure:feed_column_atom", "atom10")])
def test_column_feeds_parse_cleanly_and_list_the_columns_records_newest_first(client, dept, name, kind):
    published(dept, title="较早的新闻 <b>&</b>", column=Column.NEWS, when=at(2026, 3, 1), body="正文甲\x00")
    newest = published(dept, title="最新的新闻", column=Column.NEWS, when=at(2026, 3, 2))
    published(dept, title="一则通知", column=Column.NOTICE, when=at(2026, 3, 3))

    _, feed = _parse(client, reverse(name, args=["news"]))

    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == kind
    assert feed.feed.title == "政府信息公开 - 新闻动态"
    assert [e.title for e in feed.entries] == ["最新的新闻", "较早的新闻 <b>&</b>"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/disclosure/{newest.pk}/"
    assert entry.id == "zhengwu:disclosure:TC-31/2026-00002"
    assert entry.published_parsed[:3] == (2026, 3, 2)
    assert feed.entries[1].summary == "正文甲"


@pytest.mark.parametrize("name", ["disclosure:feed_department_rss", "disclosure:feed_department_atom"])
def test_department_feeds_list_only_that_departments_records(client, dept, other_dept, name):
    published(dept, title="政府办信息")
    published(other_dept, title="财政局信息")

    _, feed = _parse(client, reverse(name, args=[other_dept.code]))

    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ["财政局信息"]
    assert "县财政局" in feed.feed.title


@pytest.mark.parametrize("name", ["disclosure:feed_all_rss", "disclosure:feed_all_atom"])
def test_site_wide_feeds_parse_even_when_empty(client, db, name):
    _, feed = _parse(client, reverse(name))
    assert feed.bozo == 0 and feed.entries == []


def test_a_withdrawn_record_leaves_the_feed(client, dept, publisher, django_capture_on_commit_callbacks):
    row = published(dept, title="将撤回")
    url = reverse("disclosure:feed_all_rss")
    assert [e.title for e in _parse(client, url)[1].entries] == ["将撤回"]

    with django_capture_on_commit_callbacks(execute=True):
        services.disclosure_withdraw(actor=publisher, disclosure=row, reason="有误")

    assert _parse(client, url)[1].entries == []


def test_unknown_column_or_department_feed_is_404(client, db):
    assert client.get("/feeds/disclosure/columns/nope/rss.xml").status_code == 404
    assert client.get("/feeds/disclosure/departments/NOPE/atom.xml").status_code == 404
