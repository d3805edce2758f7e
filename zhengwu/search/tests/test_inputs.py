"""What users can send: never a 500, Chinese messages, no query syntax."""

import pytest
from django.urls import reverse

from zhengwu.core.errors import ValidationFailed
from zhengwu.search.selectors import search
from zhengwu.search.text import query_parse

from .conftest import note

pytestmark = pytest.mark.django_db
API = "/api/v1/search"


@pytest.fixture
def indexed(engine, notes):
    docs = [note(1, "社会保障卡补办", "到窗口办理 AND 补办"), note(2, "户口迁移登记", "户口 (迁移) 登记 NEAR 办理")]
    notes.put(*docs)
    engine.upsert(docs)


def test_syntax_is_stripped_not_parsed():
    parsed = query_parse('社保* AND (户口) OR "" NEAR: title:x ^2 ~ [a TO b] \x00\x07')
    assert parsed.terms == ["社保", "户口", "title", "x", "2", "a", "to", "b"]
    assert parsed.phrases == []
    assert query_parse("   ").empty
    assert query_parse(None).empty and query_parse(123).empty


def test_stop_words_do_not_block_all_word_matching(indexed):
    assert [r["id"] for r in search("请问如何补办社会保障卡?")["results"]] == ["1"]


@pytest.mark.parametrize("q", [
    "社保*", "(户口", "户口)", "AND", "NEAR", "***", '"', '"""', "\\", "title:户口", "户口^10",
    "<script>alert(1)</script>", "\u202e\u200b户口", "户口\x07", "\U0001f600", "a" * 100, "%", "'; DROP TABLE x; --",
])
def test_odd_queries_answer_normally(indexed, client, q):
    result = search(q)
    assert result["count"] >= 0
    assert client.get(reverse("search:page"), {"q": q}).status_code == 200
    assert client.get(API, {"q": q}).status_code == 200


def test_empty_query_gives_a_hint(indexed, client):
    result = search("")
    assert result["count"] == 0 and result["results"] == []
    assert "请输入" in result["hint"]
    body = client.get(API, {"q": "  "}).json()
    assert body["count"] == 0 and "请输入" in body["hint"]


def test_query_over_100_characters_is_refused(indexed, client):
    with pytest.raises(ValidationFailed) as exc:
        search("户" * 101)
    assert "100" in exc.value.message
    response = client.get(API, {"q": "户" * 101})
    assert response.status_code == 400
    assert response.json()["code"] == "query_too_long"
    page = client.get(reverse("search:page"), {"q": "户" * 101})
    assert page.status_code == 400
    assert "搜索词不能超过100个字" in page.content.decode()
    # 100 characters are fine.
    assert client.get(API, {"q": "户" * 100}).status_code == 200


def test_nul_is_refused_in_chinese(indexed, client):
    response = client.get(API, {"q": "户口\x00"})
    assert response.status_code == 400


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_to": "2026-02-30"}, "date_to"),
    ({"date_from": "2026-03-01", "date_to": "2026-01-01"}, "date_from"),
    ({"sort": "random"}, "sort"),
    ({"page": "abc"}, "page"),
    ({"page": "0"}, "page"),
    ({"page": "101"}, "page"),
    ({"page_size": "51"}, "page_size"),
    ({"page_size": "-1"}, "page_size"),
    ({"type": "nosuchtype"}, "type"),
    ({"department": "<b>"}, "department"),
    ({"department": "x" * 65}, "department"),
])
def test_bad_filters_are_chinese_400(indexed, client, params, field):
    response = client.get(API, {"q": "户口", **params})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["details"]["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    if field != "page_size":  # the page has a fixed page size
        page = client.get(reverse("search:page"), {"q": "户口", **params})
        assert page.status_code == 400
        assert body["message"] in page.content.decode()


def test_unknown_department_is_just_no_result(indexed, client):
    body = client.get(API, {"q": "户口", "department": "NOPE"}).json()
    assert body["count"] == 0


def test_openapi_lists_the_search_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/search" in paths and "get" in paths["/api/v1/search"]
    assert "/api/v1/search/hot-words" in paths


def test_page_renders_results_with_safe_snippets(engine, notes, client):
    docs = [note(1, "户口迁移<i>说明</i>", "户口迁移需要 <img src=x onerror=alert(1)> 材料。")]
    notes.put(*docs)
    engine.upsert(docs)
    html = client.get(reverse("search:page"), {"q": "户口"}).content.decode()
    assert "<em>户口</em>迁移&lt;i&gt;说明&lt;/i&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert 'href="/notes/1/"' in html
    assert "共找到 <strong>1</strong> 条结果" in html


@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_api_dates_beyond_the_declared_range_are_a_400_not_a_server_error(client, field):
    # Schemathesis found date_to=4214-12-09 reaching the index's date range as a 500.
    response = client.get("/api/v1/search", {"q": "办理", field: "4214-12-09"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date" and "2199-12-31" in response.json()["message"]
