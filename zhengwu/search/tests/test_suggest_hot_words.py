"""Pinyin and did-you-mean suggestions; hot words that keep no personal data."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zhengwu.search.models import SearchQueryDay
from zhengwu.search.selectors import hot_words, search
from zhengwu.search.services import search_query_record

from .conftest import note

pytestmark = pytest.mark.django_db


@pytest.fixture
def titles(engine, notes):
    docs = [note(1, "社保卡补办"), note(2, "社保缴费基数调整"), note(3, "医疗保险报销"),
            note(4, "不动产登记指南")]
    notes.put(*docs)
    engine.upsert(docs)


@pytest.mark.parametrize("q", ["shebao", "she bao", "SheBao", "she'bao"])
def test_pinyin_suggests_the_chinese_word(titles, q):
    assert search(q)["suggestions"][:1] == ["社保"]


def test_pinyin_suggestion_on_the_page_and_api(titles, client):
    assert "社保" in client.get("/api/v1/search", {"q": "shebao"}).json()["suggestions"]
    html = client.get(reverse("search:page"), {"q": "shebao"}).content.decode()
    assert "您是不是要找" in html and "?q=%E7%A4%BE%E4%BF%9D" in html


def test_did_you_mean_same_sound_and_one_edit(titles):
    assert search("社宝")["did_you_mean"] == "社保"  # same pinyin
    assert search("不动厂登记")["did_you_mean"] == "不动产登记"
    assert search("社保")["did_you_mean"] is None  # it has results


def test_hot_words_count_queries_with_results_and_show_on_page(titles, client):
    for _ in range(3):
        client.get(reverse("search:page"), {"q": "社保"})
    client.get("/api/v1/search", {"q": "医疗保险"})
    client.get("/api/v1/search", {"q": "医疗保险", "page": "2"})  # paging is not a new search
    client.get("/api/v1/search", {"q": "无此内容"})  # no result: not counted
    assert hot_words() == [{"word": "社保", "count": 3}, {"word": "医疗保险", "count": 1}]
    assert client.get("/api/v1/search/hot-words").json()[0] == {"word": "社保", "count": 3}
    html = client.get(reverse("search:page")).content.decode()
    assert "热门搜索" in html and ">社保</a>" in html


def test_hot_words_keep_only_date_and_normalised_words():
    assert [f.name for f in SearchQueryDay._meta.get_fields()] == ["id", "day", "query", "count"]
    assert search_query_record(query="  ＳＨＥＢＡＯ   社保* ")
    assert SearchQueryDay.objects.get().query == "shebao 社保"
    # numbers that may be an ID card or a phone, e-mail addresses: never kept
    assert not search_query_record(query="11010519491231002X")
    assert not search_query_record(query="13812341234 社保")
    assert not search_query_record(query="a@b.cn")
    assert SearchQueryDay.objects.count() == 1


def test_hot_words_cover_the_last_30_days():
    today = timezone.localdate()
    search_query_record(query="旧闻", day=today - dt.timedelta(days=30))
    search_query_record(query="近闻", day=today - dt.timedelta(days=29))
    assert [h["word"] for h in hot_words()] == ["近闻"]
