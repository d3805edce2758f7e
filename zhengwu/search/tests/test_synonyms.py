"""Everyday words: the synonym dictionary at query time, pinyin and typo fallbacks,
the item guide first when a query names a service."""

import pytest

from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.search import synonyms
from zhengwu.search.models import SearchSynonym
from zhengwu.search.selectors import search
from zhengwu.search.services import synonym_add_variant, synonym_create, synonym_delete, synonym_update

from .conftest import note

pytestmark = pytest.mark.django_db


def ids(result):
    return [r["id"] for r in result["results"]]


@pytest.fixture
def county(engine, notes):
    docs = [
        note("QL039", "城乡居民最低生活保障待遇核定", "申请最低生活保障须提交家庭收入情况。", doc_type="item"),
        note("QL255", "企业登记", "企业设立、变更、注销登记。", doc_type="item"),
        note("QL260", "个体工商户登记", "个体工商户的设立、变更和注销。", doc_type="item"),
        note("BM016", "社会保障卡办理", "社会保障卡的申领、补办。", doc_type="item"),
        note("QL067", "社会保险登记", "用人单位办理社会保险登记。", doc_type="item"),
        note("N1", "关于做好城乡低保工作的通知", "各乡镇要把低保政策落实到户,低保金按月发放,低保对象动态管理。"),
        note("N2", "关于公布最低生活保障标准的通知", "本县最低生活保障标准提高,最低生活保障对象按新标准发放,"
             "最低生活保障资金由财政保障。最低生活保障工作纳入考核。"),
        note("N3", "机动车驾驶证考试安排", "驾驶人考试预约办法。"),
    ]
    notes.put(*docs)
    # The item documents come from the note source here; search labels the type by source.
    engine.upsert(docs)
    return docs


def test_the_seeded_dictionary_is_there(seeded):
    groups = {g[0]: g for g in synonyms.dictionary().groups}
    assert "低保" in groups["最低生活保障"]
    assert "公积金" in groups["住房公积金"]
    assert "驾照" in groups["机动车驾驶证"]
    assert len(groups) >= 40


def test_an_abbreviation_finds_the_full_name_and_the_full_name_finds_the_abbreviation(county):
    assert set(ids(search("低保"))) == {"QL039", "N1", "N2"}
    assert set(ids(search("最低生活保障"))) == {"QL039", "N1", "N2"}


def test_business_licence_finds_the_registration_items(county):
    assert {"QL255", "QL260"} <= set(ids(search("营业执照")))


def test_driving_licence_slang_finds_the_formal_name(county):
    assert ids(search("驾照")) == ["N3"]


def test_the_item_guide_comes_first_when_a_query_names_the_service(county):
    # N2 says 最低生活保障 four times; the guide of the service is still first.
    assert ids(search("低保"))[0] == "QL039"
    assert ids(search("最低生活保障"))[0] == "QL039"


def test_synonym_words_are_highlighted(county):
    row = next(r for r in search("低保")["results"] if r["id"] == "QL039")
    assert "<em>最低生活保障</em>" in row["title_html"] or "<em>最低</em>" in row["title_html"]


def test_pinyin_of_a_dictionary_word_finds_its_documents(county):
    result = search("dibao")
    assert result["suggestions"][:1] == ["低保"]
    assert result["corrected"] == "低保"
    assert set(ids(result)) == {"QL039", "N1", "N2"}
    assert "以下是“低保”的结果" in result["hint"]


def test_the_documented_hints_work_on_the_dictionary(county):
    assert search("shebao")["suggestions"][:1] == ["社保"]
    typo = search("社宝")
    assert typo["did_you_mean"] == "社保" and typo["corrected"] == "社保"
    assert ids(typo) == ["QL067"]  # 社保 = 社会保险
    assert ids(search("社保卡")) == ["BM016"]  # 社保卡 = 社会保障卡


def test_a_new_entry_works_at_once_and_a_disabled_one_stops(county):
    assert search("考驾驶证")["count"] == 1  # 考 + 驾驶证 (via 机动车驾驶证)
    assert search("考本")["count"] == 0
    entry = synonym_create(actor=None, canonical="驾驶人考试", variants="考本 考驾照")
    assert ids(search("考本")) == ["N3"]
    synonym_update(actor=None, synonym_id=entry.pk, canonical="驾驶人考试", variants="考本", is_active=False)
    assert search("考本")["count"] == 0
    synonym_delete(actor=None, synonym_id=entry.pk)
    assert not SearchSynonym.objects.filter(canonical="驾驶人考试").exists()


def test_dictionary_edits_are_audited():
    from zhengwu.core.models import AuditEvent

    entry = synonym_create(actor=None, canonical="测试规范词", variants="测试俗称")
    synonym_add_variant(actor=None, canonical="测试规范词", variant="测试说法")
    assert SearchSynonym.objects.get(pk=entry.pk).variant_list == ["测试俗称", "测试说法"]
    synonym_delete(actor=None, synonym_id=entry.pk)
    actions = list(AuditEvent.objects.filter(action__startswith="search.synonym.").values_list("action", flat=True))
    assert sorted(actions) == ["search.synonym.create", "search.synonym.delete", "search.synonym.update"]


@pytest.mark.parametrize(("canonical", "variants", "field"), [
    ("", "低保", "canonical"),
    ("最低 生活保障", "低保", "canonical"),
    ("新词条", "", "variants"),
    ("新词条", "好<script>", "variants"),
    ("新词条", "新词条", "variants"),  # only itself
    ("新词条", " ".join(f"词{i}" for i in range(21)), "variants"),
])
def test_bad_entries_get_a_chinese_message(canonical, variants, field):
    with pytest.raises(ValidationFailed) as caught:
        synonym_create(actor=None, canonical=canonical, variants=variants)
    assert field in caught.value.details["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


def test_adding_a_variant_to_a_variant_joins_its_entry(seeded):
    entry = synonym_add_variant(actor=None, canonical="低保", variant="吃救济")
    assert entry.canonical == "最低生活保障" and "吃救济" in entry.variant_list


def test_a_duplicate_canonical_word_is_refused(seeded):
    with pytest.raises(Conflict):
        synonym_create(actor=None, canonical="最低生活保障", variants="低保户")


def test_only_dictionary_keepers_may_edit():
    from zhengwu.accounts.tests.factories import StaffFactory
    from zhengwu.org.roles import Role
    from zhengwu.org.tests.factories import grant_post

    handler = grant_post(StaffFactory(), Role.HANDLER)
    with pytest.raises(PermissionDenied):
        synonym_create(actor=handler, canonical="新词条", variants="新说法")
    editor = grant_post(StaffFactory(), Role.EDITOR)
    assert synonym_create(actor=editor, canonical="新词条", variants="新说法").pk


def test_a_run_of_query_words_that_spells_a_dictionary_word_is_expanded(seeded):
    from zhengwu.search.text import query_parse

    parsed = synonyms.expand(query_parse("最低生活保障 申请"))
    assert parsed.clauses[0][0] == parsed.terms[:len(parsed.clauses[0][0])]
    assert ["低保"] in parsed.clauses[0]
    assert parsed.clauses[-1] == [["申请"]]
