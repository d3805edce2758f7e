import datetime as dt

import pytest

from zhengwu.disclosure import selectors, services
from zhengwu.disclosure.models import Column, DocumentKind, Validity

from .conftest import at, published

pytestmark = pytest.mark.django_db


def test_proactive_disclosure_counts_for_the_yearly_report(dept, editor, publisher):
    # 2025: a rule made, still current at the end of 2025, repealed in 2026.
    rule = published(dept, title="规章", column=Column.POLICY, document_kind=DocumentKind.RULE, when=at(2025, 5, 1))
    # 2026: two normative documents made, one repealed in the same year; one news item.
    published(dept, title="规范性文件一", column=Column.POLICY, document_kind=DocumentKind.NORMATIVE, when=at(2026, 2, 1))
    repealed = published(dept, title="规范性文件二", column=Column.POLICY, document_kind=DocumentKind.NORMATIVE, when=at(2026, 3, 1))
    published(dept, title="新闻", column=Column.NEWS, when=at(2026, 4, 1))
    published(dept, title="去年新闻", column=Column.NEWS, when=at(2025, 12, 31, 23, 59))
    # A withdrawn 2026 record was still disclosed in 2026; a draft was not.
    withdrawn = published(dept, title="撤回的通知", column=Column.NOTICE, when=at(2026, 5, 1))
    services.disclosure_withdraw(actor=publisher, disclosure=withdrawn, reason="错误")
    services.disclosure_create(actor=editor, department=dept, column=Column.POLICY, title="草稿", document_kind=DocumentKind.RULE)
    services.disclosure_validity_change(actor=publisher, disclosure=rule, validity=Validity.REPEALED, changed_on=dt.date(2026, 1, 10))
    services.disclosure_validity_change(actor=publisher, disclosure=repealed, validity=Validity.REPEALED, changed_on=dt.date(2026, 6, 1))

    counts_2025 = selectors.proactive_disclosure_counts(year=2025)
    assert counts_2025["total"] == 2
    assert counts_2025["by_column"]["政策文件"] == 1 and counts_2025["by_column"]["新闻动态"] == 1
    assert counts_2025["rules"] == {"made": 1, "repealed": 0, "current": 1}
    assert counts_2025["normative"] == {"made": 0, "repealed": 0, "current": 0}

    counts = selectors.proactive_disclosure_counts(year=2026)
    assert counts["total"] == 4
    assert counts["by_column"] == {
        "新闻动态": 1, "通知公告": 1, "政策文件": 2, "政策解读": 0, "人事信息": 0, "规划计划": 0, "财政预决算": 0, "其他": 0,
    }
    assert counts["rules"] == {"made": 0, "repealed": 1, "current": 0}
    assert counts["normative"] == {"made": 2, "repealed": 1, "current": 1}


def test_catalog_tree_counts_published_records_per_item_and_column(dept, gk_item, editor):
    published(dept, title="一", column=Column.POLICY, catalog_item=gk_item)
    published(dept, title="二", column=Column.NEWS)
    services.disclosure_create(actor=editor, department=dept, column=Column.POLICY, title="草稿", catalog_item=gk_item)

    tree = selectors.disclosure_catalog_tree()

    assert tree["total"] == 2
    [group] = tree["groups"]
    assert group.items == [(gk_item, 1)] and group.total == 1
    assert {c.value: n for c, n in tree["columns"]}["news"] == 1
    assert tree["departments"] == [(dept, 2)]


def test_public_list_takes_one_query_whatever_its_length(dept, django_assert_num_queries):
    for i in range(15):
        published(dept, title=f"信息{i}")
    with django_assert_num_queries(1):
        rows = list(selectors.disclosure_list_public(department=dept)[:20])
        assert len(rows) == 15 and {r.department.name for r in rows} == {dept.name}


def test_search_source_returns_only_published_records(dept, editor, publisher):
    row = published(dept, title="公开的信息", body="正文关键词", document_number="示政发〔2026〕1号")
    draft = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="草稿")

    doc = selectors.search_document_get(str(row.pk))
    assert doc.title == "公开的信息" and "正文关键词" in doc.body and "示政发〔2026〕1号" in doc.body
    assert doc.url == f"/disclosure/{row.pk}/" and doc.department_code == dept.code
    assert selectors.search_document_get(str(draft.pk)) is None
    assert selectors.search_document_get("abc") is None and selectors.search_document_get("9" * 40) is None
    assert [d.doc_id for d in selectors.search_documents_all()] == [str(row.pk)]

    services.disclosure_withdraw(actor=publisher, disclosure=row, reason="撤回")
    assert selectors.search_document_get(str(row.pk)) is None
