import pytest

from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent, ContentVersion
from zhengwu.sitegroup import selectors, services
from zhengwu.sitegroup.fetch import FetchResult
from zhengwu.sitegroup.models import FeedEntry, FeedSource
from zhengwu.sitegroup.parse import ParsedEntry, parse_feed, plain_text

from .feed_server import ATOM, RSS

pytestmark = pytest.mark.django_db


def _store(source, body):
    return services.feed_entries_store(
        actor=None, source=source, result=FetchResult(not_modified=False, body=body, final_url=source.url),
        entries=parse_feed(body, base_url=source.url),
    )


def test_an_editor_registers_a_feed_and_the_public_pages_are_refreshed(editor, department):
    before = ContentVersion.objects.filter(scope="public").values_list("version", flat=True).first() or 0

    source = services.feed_source_register(
        actor=editor, name=" 示例市政府 ", url="https://www.example.gov.cn/rss.xml", department=department,
    )

    assert source.name == "示例市政府" and source.enabled and source.created_by == editor
    event = AuditEvent.objects.get(action="search.sitegroup.source.register")
    assert event.object_id == str(source.pk) and event.actor == editor
    assert ContentVersion.objects.get(scope="public").version == before + 1


def test_a_handler_may_not_register_a_feed(handler):
    with pytest.raises(PermissionDenied):
        services.feed_source_register(actor=handler, name="x", url="https://www.example.gov.cn/rss.xml")
    assert not FeedSource.objects.exists()


@pytest.mark.parametrize("name, url, code", [
    ("", "https://a.gov.cn/rss", "sitegroup_required"),
    ("名" * 101, "https://a.gov.cn/rss", "sitegroup_too_long"),
    ("x", "", "sitegroup_required"),
    ("x", "ftp://a.gov.cn/rss", "sitegroup_url_invalid"),
    ("x", "javascript:alert(1)", "sitegroup_url_invalid"),
    ("x", "file:///etc/passwd", "sitegroup_url_invalid"),
    ("x", "http:///nohost", "sitegroup_url_invalid"),
    ("x", "http://user:pw@a.gov.cn/rss", "sitegroup_url_invalid"),
    ("x", "http://a.gov.cn:99999/rss", "sitegroup_url_invalid"),
    ("x", "http://a.gov.cn/" + "a" * 500, "sitegroup_too_long"),
    ("x", "http://a.gov.cn/a b", "sitegroup_url_invalid"),
    ("x", ["http://a.gov.cn/"], "sitegroup_invalid_text"),
])
def test_bad_registrations_are_refused_in_chinese(editor, name, url, code):
    with pytest.raises(ValidationFailed) as exc:
        services.feed_source_register(actor=editor, name=name, url=url)
    assert exc.value.code == code
    assert any("\u4e00" <= c <= "\u9fff" for c in exc.value.message)


def test_control_characters_are_removed_from_the_name(editor):
    source = services.feed_source_register(actor=editor, name="示例\x00市\x1b政府", url="https://a.gov.cn/rss")
    assert source.name == "示例市政府"


def test_the_same_url_cannot_be_registered_twice(editor):
    services.feed_source_register(actor=editor, name="a", url="https://a.gov.cn/rss")
    with pytest.raises(Conflict):
        services.feed_source_register(actor=editor, name="b", url="https://a.gov.cn/rss")


def test_disabling_hides_entries_and_shows_the_other_sources_copy(editor, monkeypatch):
    queued = []
    monkeypatch.setattr(services, "search_index_later", lambda t, i: queued.append(int(i)))
    city = services.feed_source_register(actor=editor, name="市", url="http://city.example.gov.cn/rss")
    province = services.feed_source_register(actor=editor, name="省", url="http://province.example.gov.cn/atom")
    _store(city, RSS)
    _store(province, ATOM)
    joint_copy = FeedEntry.objects.get(source=province, guid="urn:province:2")
    queued.clear()

    services.feed_source_disable(actor=editor, source=city)

    assert not any(e.source_id == city.pk for e in selectors.latest_entries(limit=50))
    assert selectors.search_document_get(str(joint_copy.pk)).url == "http://shared.example.gov.cn/joint.html"
    # the city's entries (to drop) and the province's copy of the shared link (to add)
    assert set(queued) == set(FeedEntry.objects.filter(source=city).values_list("id", flat=True)) | {joint_copy.pk}
    assert AuditEvent.objects.filter(action="search.sitegroup.source.disable").count() == 1
    with pytest.raises(Conflict):
        services.feed_source_disable(actor=editor, source=city)

    services.feed_source_enable(actor=editor, source=city)
    assert selectors.search_document_get(str(joint_copy.pk)) is None


def test_a_disabled_source_cannot_be_pulled_on_request(editor):
    source = services.feed_source_register(actor=editor, name="a", url="https://a.gov.cn/rss")
    services.feed_source_disable(actor=editor, source=source)
    with pytest.raises(ValidationFailed):
        services.feed_source_pull_request(actor=editor, source=source)


def test_the_search_document_links_out_and_names_the_department(editor, department):
    source = services.feed_source_register(actor=editor, name="市", url="http://city.example.gov.cn/rss", department=department)
    _store(source, RSS)
    entry = FeedEntry.objects.get(guid="city-1")

    doc = selectors.search_document_get(str(entry.pk))

    assert doc.doc_type == "feed" and doc.url == "http://city.example.gov.cn/a/1.html"
    assert doc.title == "示例市召开常务会议" and doc.department_code == "SG-ZF"
    assert [d.doc_id for d in selectors.search_documents_all()] == [
        str(i) for i in FeedEntry.objects.order_by("id").values_list("id", flat=True)
    ]
    assert selectors.search_document_get("abc") is None and selectors.search_document_get("999999") is None


def test_the_feed_search_source_is_registered():
    from zhengwu.core.registries.search import search_sources

    source = search_sources()["feed"]
    assert source.label == "网站群"


@pytest.mark.parametrize("raw, text", [
    ("<p>一<b>二</b></p>", "一二"),
    ("<script>alert(1)</script>正文", "正文"),
    ("a &amp; b &lt;c&gt;", "a & b <c>"),  # decoded to text; the template escapes it again
    ("多\n\n行\t空白\x00控制", "多 行 空白控制"),
    (None, ""),
])
def test_plain_text(raw, text):
    assert plain_text(raw, 100) == text


def test_plain_text_is_truncated():
    assert plain_text("字" * 400, 300) == "字" * 299 + "…"


def test_a_future_date_is_clamped_to_now():
    from django.utils import timezone

    body = RSS.replace(b"Mon, 05 Jan 2026", b"Mon, 05 Jan 2099")
    [first, *_] = parse_feed(body, base_url="http://x.gov.cn/")
    assert isinstance(first, ParsedEntry) and first.published_at <= timezone.now()


def test_the_demo_loader_is_idempotent_and_shows_the_shared_article_once():
    from zhengwu.sitegroup.demo import demo_sitegroup_load

    first = demo_sitegroup_load()
    second = demo_sitegroup_load()

    assert "新登记 2 个" in first and "新增 7 条" in first
    assert "新登记 0 个" in second and "新增 0 条" in second
    shown = selectors.latest_entries(limit=50)
    assert len(shown) == 6 and len({e.link for e in shown}) == 6
