"""Keyword extraction and its storage on the letters hook."""

import datetime as dt

import pytest

from zhengwu.core.models import AuditEvent
from zhengwu.insights.keywords import KEYWORDS_PER_LETTER, keywords_extract
from zhengwu.insights.models import LetterFact, LetterKeyword
from zhengwu.insights.services import keywords_backfill, on_letter_event

from .conftest import make_letter

pytestmark = pytest.mark.django_db


def test_keywords_drop_stop_words_single_characters_and_numbers():
    words = keywords_extract(title="楼下饭店油烟太大", body="我们小区楼下饭店的油烟已经三年了,2025年反映过,希望有关部门尽快解决问题")
    assert words[:2] == ["饭店", "油烟"]  # title words count double, then order of first use
    for noise in ("楼下", "我们", "已经", "希望", "有关部门", "问题", "2025", "年", "的", "三年"):
        assert noise not in words


def test_keywords_are_unique_and_capped():
    body = "苹果 香蕉 橘子 葡萄 西瓜 草莓 菠萝 芒果 荔枝 桃子 李子 杏子 石榴 " + "工资 工资 工资 拖欠 拖欠"
    words = keywords_extract(title="", body=body)
    assert len(words) == len(set(words)) <= KEYWORDS_PER_LETTER
    assert words[:2] == ["工资", "拖欠"]


@pytest.mark.parametrize("text", ["", "   ", "!!!", "\x00\x01", "<script>alert(1)</script>", "a" * 100000])
def test_odd_text_gives_no_error(text):
    assert isinstance(keywords_extract(title=text, body=text), list)


def test_submitted_hook_stores_denormalised_rows(places):
    letter = make_letter(title="工地噪音扰民", body="夜间施工噪音", day=dt.date(2026, 3, 5), category="environment",
                         department=places["env"], township=places["town"], hour=0, store=False)
    on_letter_event(letter=letter, event="submitted")
    rows = LetterKeyword.objects.filter(letter=letter)
    assert set(rows.values_list("word", flat=True)) >= {"工地", "噪音", "扰民", "夜间"}
    row = rows.first()
    # 00:00 Shanghai is the previous day in UTC: the local date is kept.
    assert (row.received_on, row.category, row.department_id, row.township_id) == (
        dt.date(2026, 3, 5), "environment", places["env"].pk, places["town"].pk)
    fact = LetterFact.objects.get(letter=letter)
    assert (fact.received_on, fact.category, fact.department_id, fact.township_id) == (
        dt.date(2026, 3, 5), "environment", places["env"].pk, places["town"].pk)
    assert AuditEvent.objects.filter(action="insights.keywords.store", object_id=str(letter.pk)).exists()


def test_assigned_hook_moves_the_keywords_to_the_new_department(places):
    letter = make_letter(title="学校乱收费", day=dt.date(2026, 3, 5), department=places["env"])
    letter.department = places["edu"]
    letter.save(update_fields=["department"])
    on_letter_event(letter=letter, event="assigned")
    assert set(LetterKeyword.objects.filter(letter=letter).values_list("department_id", flat=True)) == {places["edu"].pk}
    assert LetterFact.objects.get(letter=letter).department_id == places["edu"].pk


def test_real_submission_runs_the_hook(places, django_capture_on_commit_callbacks):
    from zhengwu.accounts.tests.factories import CitizenFactory
    from zhengwu.letters.services import letter_submit

    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_submit(actor=CitizenFactory(), channel="complaint", category="environment",
                               title="河道垃圾堆积", body="村口河道垃圾堆积发臭,无人清理", township=places["town"])
    assert "河道" in set(LetterKeyword.objects.filter(letter=letter).values_list("word", flat=True))


def test_backfill_fills_only_letters_without_keywords_then_rebuilds(places):
    done = make_letter(title="路灯不亮", day=dt.date(2026, 3, 1))
    missing = [make_letter(title=f"井盖丢失{i}", body="人行道井盖丢失", day=dt.date(2026, 3, 2), store=False)
               for i in range(3)]
    assert keywords_backfill(actor=None, batch_size=2) == 3
    assert all(LetterKeyword.objects.filter(letter=m, word="井盖").exists() for m in missing)
    assert LetterFact.objects.count() == 4
    assert keywords_backfill(actor=None) == 0
    assert keywords_backfill(actor=None, rebuild=True) == 4
    assert LetterKeyword.objects.filter(letter=done, word="路灯").count() == 1


def test_keywords_drop_filler_words_and_the_countys_place_and_unit_names():
    from zhengwu.insights.keywords import place_words_forget
    from zhengwu.org.models import Unit
    from zhengwu.org.tests.factories import UnitFactory

    county = UnitFactory(code="SLX", name="示例县", kind=Unit.Kind.COUNTY)
    town = UnitFactory(code="SLX-T01", name="城关镇", kind=Unit.Kind.TOWNSHIP, parent=county)
    UnitFactory(code="SLX-T01-V01", name="柳树村", kind=Unit.Kind.VILLAGE, parent=town)
    UnitFactory(code="SLX-09", name="县生态环境局", kind=Unit.Kind.DEPARTMENT, parent=county)
    place_words_forget()
    words = keywords_extract(
        title="城关镇柳树村一家养猪场臭味很大",
        body="城关镇柳树村只有一家养猪场,臭味很大,粪水直排,县生态环境局来过一次。示例县城关的养猪场很多。",
    )
    assert "养猪场" in words and "臭味" in words
    for noise in ("一家", "只有", "很大", "城关镇", "城关", "柳树", "柳树村", "县生态环境局", "生态环境局", "示例县"):
        assert noise not in words, noise
