"""Index maintenance: after commit through the task, never on rollback; rebuild; busy writer."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from zhengwu.catalog.services import (
    item_reinstate,
    item_retire,
    item_update,
    material_set,
)
from zhengwu.catalog.tests.factories import ItemFactory, UnitFactory
from zhengwu.core.models import AuditEvent
from zhengwu.search.backends import SearchIndexBusy, search_backend
from zhengwu.search.selectors import search
from zhengwu.search.services import search_index_apply
from zhengwu.core.registries.search import search_index_later

from .conftest import note

pytestmark = pytest.mark.django_db


def ids(q, **kw):
    return [r["id"] for r in search(q, **kw)["results"]]


def test_catalog_change_is_indexed_after_commit(django_capture_on_commit_callbacks):
    dept = UnitFactory(code="GAJ", name="县公安局")
    item = ItemFactory(name="居民身份证申领", department=dept)
    with django_capture_on_commit_callbacks(execute=True):
        item_update(actor=None, item=item, content="首次申领居民身份证,需本人到场采集指纹。")
    result = search("指纹")
    assert [r["id"] for r in result["results"]] == [item.code]
    row = result["results"][0]
    assert (row["type"], row["title"], row["department"], row["department_code"]) == (
        "item", "居民身份证申领", "县公安局", "GAJ")
    assert row["url"] == f"/catalog/items/{item.code}/"
    assert ids("指纹", department="GAJ", type="item") == [item.code]


def test_materials_are_searchable(django_capture_on_commit_callbacks):
    item = ItemFactory(name="结婚登记")
    with django_capture_on_commit_callbacks(execute=True):
        material_set(actor=None, item=item, materials=[{"name": "户口簿原件"}, {"name": "无配偶声明书"}])
    assert ids("配偶") == [item.code]


def test_nothing_is_indexed_before_commit_or_after_rollback(django_capture_on_commit_callbacks):
    item = ItemFactory(name="渔业捕捞许可")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                item_update(actor=None, item=item, content="内陆渔业捕捞许可证核发。")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []  # the rolled-back write queued nothing
    assert ids("捕捞") == []
    item.refresh_from_db()
    # and a committed change is only searchable once its callback ran
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item_update(actor=None, item=item, content="内陆渔业捕捞许可证核发。")
    assert ids("捕捞") == []
    for callback in callbacks:
        callback()
    assert ids("捕捞") == [item.code]


def test_retired_item_leaves_the_index_and_comes_back(django_capture_on_commit_callbacks):
    item = ItemFactory(name="林木采伐许可证核发")
    with django_capture_on_commit_callbacks(execute=True):
        item_update(actor=None, item=item, content="林木采伐")
    assert ids("采伐") == [item.code]
    with django_capture_on_commit_callbacks(execute=True):
        item_retire(actor=None, item=item, reason="职权调整")
    assert ids("采伐") == []
    with django_capture_on_commit_callbacks(execute=True):
        item_reinstate(actor=None, item=item)
    assert ids("采伐") == [item.code]


def test_unknown_type_is_ignored(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        search_index_later("no-such-type", "1")
    assert search_index_apply("no-such-type", "1") == "unknown-type"


def test_apply_upserts_or_deletes_from_the_source(notes):
    notes.put(note(7, "防汛抗旱应急预案"))
    assert search_index_apply("note", "7") == "indexed"
    assert ids("防汛") == ["7"]
    notes.docs.clear()
    assert search_index_apply("note", "7") == "deleted"
    assert ids("防汛") == []


def test_rebuild_command_indexes_every_source_and_reports(notes):
    ItemFactory(name="渔船登记")
    notes.put(note(1, "渔业资源保护公告"), note(2, "禁渔期通告"))
    search_backend().upsert([note(9, "已经撤下的渔业公告")])  # stale: not in the source any more
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    text = out.getvalue()
    assert "note: 2 篇" in text and "item: 1 篇" in text and "篇/秒" in text
    assert sorted(ids("渔业")) == ["1"]
    assert len(ids("渔船")) == 1
    assert AuditEvent.objects.filter(action="search.index.rebuild").count() == 1


def test_rebuild_one_type_keeps_the_others(notes):
    item = ItemFactory(name="渔船登记")
    call_command("search_rebuild", stdout=StringIO())
    notes.put(note(1, "渔船检验公告"))
    call_command("search_rebuild", "--type", "note", stdout=StringIO())
    assert sorted(ids("渔船")) == sorted(["1", item.code])


def test_rebuild_unknown_type_is_a_command_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未知的内容类型"):
        call_command("search_rebuild", "--type", "nope", stdout=StringIO())


def test_busy_writer_waits_then_raises_for_a_retry(notes):
    backend = search_backend()
    if backend.name != "tantivy":
        pytest.skip("only the embedded engine has a single writer")
    backend.writer_wait = 0.3
    holder = backend.index().writer(15_000_000, 1)  # as the rebuild command would
    try:
        with pytest.raises(SearchIndexBusy):
            backend.upsert([note(1, "公告")])
    finally:
        del holder
    backend.upsert([note(1, "公告")])
    assert ids("公告") == ["1"]


def test_title_and_body_segmented_together_give_the_words_of_each_alone():
    from zhengwu.search.text import document_terms, index_terms

    cases = [("社会保障卡补换", "办理社会保障卡，需携带居民身份证。ＡＢＣ１２３ no.5"), ("", "最低生活保障"),
             ("营业执照", ""), ("", ""), ("，，", "（）"), ("line\nbreak", "tab\there\r\n社保")]
    for title, body in cases:
        title_words, title_sub, body_words, body_sub = document_terms(title, body)
        expected_title, expected_title_sub = index_terms(title)
        expected_body, expected_body_sub = index_terms(body)
        assert (title_words, body_words) == (expected_title, expected_body)
        assert sorted(title_sub.split()) == sorted(expected_title_sub.split())
        assert sorted(body_sub.split()) == sorted(expected_body_sub.split())
    assert document_terms("社会保障卡", "")[1].split() == ["社会", "保障"]


def test_documents_stored_as_json_by_an_older_build_are_still_shown(notes):
    import json

    from zhengwu.search.backends.tantivy_backend import TantivyBackend, to_tantivy_document

    backend = search_backend()
    if not isinstance(backend, TantivyBackend):
        pytest.skip("only the embedded engine stores display data itself")
    fresh = to_tantivy_document(note(1, "防汛抗旱应急预案", "汛期值班安排。", dept="SLJ", dept_name="县水利局"))
    old = fresh.to_dict()
    old["doc"] = [json.dumps(["note", "1", "防汛抗旱应急预案", "汛期值班安排。", "/notes/1/",
                              "2026-03-01T09:00:00+08:00", "SLJ", "县水利局"], ensure_ascii=False).encode()]
    backend._write(lambda writer: writer.add_document(type(fresh).from_dict(old, backend.schema)))
    row = search("防汛")["results"][0]
    assert (row["id"], row["title"], row["url"], row["department"]) == ("1", "防汛抗旱应急预案", "/notes/1/", "县水利局")
    assert row["published_at"].isoformat() == "2026-03-01T09:00:00+08:00"
