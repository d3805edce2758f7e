"""The one results contract, over real indexed documents, for every engine."""

import pytest

from zhengwu.search.selectors import search

from .conftest import note


@pytest.fixture
def corpus(engine, notes):
    docs = [
        note(1, "社会保障卡补办指南", "携带居民身份证到县政务服务中心办理社会保障卡补办。",
             day=(2026, 1, 10), dept="RSJ", dept_name="县人力资源和社会保障局"),
        note(2, "城乡居民养老保险缴费通知", "参保人员可在城关镇便民服务中心缴纳养老保险,社会保障卡可用于缴费。",
             day=(2026, 2, 10), dept="RSJ", dept_name="县人力资源和社会保障局"),
        note(3, "不动产登记办事指南", "办理不动产登记需要提交身份证明和权属来源证明。",
             day=(2025, 12, 1), dept="ZRZY", dept_name="县自然资源局"),
        note(4, "营业执照办理流程", "企业开办可在网上申请营业执照,<script>alert(1)</script> 一次办结。",
             day=(2026, 3, 5), dept="SCJ", dept_name="县市场监督管理局"),
        note(5, "关于登记不动产的说明", "不动产权属和登记机构说明。", day=(2024, 6, 1), dept="ZRZY",
             dept_name="县自然资源局"),
    ]
    notes.put(*docs)
    engine.upsert(docs)
    return docs


def ids(result):
    return [r["id"] for r in result["results"]]


def test_result_shape(corpus):
    result = search("营业执照")
    assert result["count"] == 1
    row = result["results"][0]
    assert set(row) >= {"type", "id", "title", "snippet", "url", "published_at", "department"}
    assert (row["type"], row["id"], row["url"], row["department"]) == ("note", "4", "/notes/4/", "县市场监督管理局")
    assert row["type_label"] == "测试公告"
    assert row["published_at"].date().isoformat() == "2026-03-05"
    assert isinstance(result["took_ms"], float)


def test_title_hit_ranks_above_body_hit(corpus):
    # "社会保障卡" is the title of 1 and only in the body of 2.
    assert ids(search("社会保障卡"))[:2] == ["1", "2"]


def test_all_words_must_match_then_any(corpus):
    assert ids(search("不动产 身份证明")) == ["3"]
    fallback = search("不动产 营业执照")
    assert fallback["match"] == "any"
    assert set(ids(fallback)) == {"3", "4", "5"}
    assert "部分词语" in fallback["hint"]


def test_sub_words_are_found_inside_longer_words(corpus):
    # "保障" is only ever part of "社会保障" in the texts.
    assert set(ids(search("保障"))) == {"1", "2"}


def test_quoted_text_is_a_phrase(corpus):
    assert set(ids(search("不动产 登记"))) == {"3", "5"}
    assert ids(search('"不动产登记"')) == ["3"]


def test_filters_type_department_and_dates(corpus, notes):
    assert set(ids(search("不动产", department="ZRZY"))) == {"3", "5"}
    assert ids(search("不动产", department="RSJ")) == []
    assert ids(search("不动产", date_from="2025-01-01")) == ["3"]
    assert ids(search("不动产", date_to="2024-06-01")) == ["5"]  # the end day is included
    assert ids(search("不动产", date_from="2025-12-01", date_to="2025-12-01")) == ["3"]
    assert set(ids(search("不动产", type="note"))) == {"3", "5"}


def test_date_sort_newest_first(corpus):
    assert ids(search("社会保障", sort="date")) == ["2", "1"]
    assert ids(search("登记 OR 社会保障 OR 营业执照 OR 养老保险", sort="date"))[:1] == ["4"]


def test_snippet_highlights_and_escapes_html(corpus):
    row = search("营业执照")["results"][0]
    assert "<em>营业执照</em>" in row["snippet"]
    assert "<script>" not in row["snippet"]
    assert "&lt;script&gt;" in row["snippet"]
    assert row["title_html"] == "<em>营业执照</em>办理流程"


def test_paging(engine, notes):
    docs = [note(i, f"河道清理公告第{i}号", "河道清理工作安排。", day=(2026, 1, 1 + i)) for i in range(1, 26)]
    notes.put(*docs)
    engine.upsert(docs)
    first = search("河道", page=1, page_size=10, sort="date")
    second = search("河道", page=2, page_size=10, sort="date")
    third = search("河道", page=3, page_size=10, sort="date")
    assert first["count"] == second["count"] == 25
    assert ids(first) == [str(i) for i in range(25, 15, -1)]
    assert ids(second) == [str(i) for i in range(15, 5, -1)]
    assert len(ids(third)) == 5
    assert search("河道", page=4, page_size=10)["results"] == []


def test_upsert_replaces_and_delete_removes(corpus, engine):
    engine.upsert([note(4, "户外广告设置", "新内容")])
    assert ids(search("营业执照")) == []
    assert ids(search("户外广告")) == ["4"]
    engine.delete("note", "4")
    assert ids(search("户外广告")) == []
    assert engine.count() == 4
