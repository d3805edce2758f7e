"""Letters that name no item and no department's keywords still reach the right department.

The search app's synonym dictionary (the same one citizens' searches use) adds the
formal words behind everyday ones (工钱 -> 劳动报酬, 房子被淹 -> 自然灾害救助, 被偷 ->
盗窃); a substantive letter with no evidence at all still gets a suggestion: the general
office, with a low score and a note saying why.
"""

import json
from pathlib import Path

import pytest

from zhengwu.routing.services import FALLBACK_SCORE, routing_suggest, everyday_terms

DATA = Path(__file__).parent / "data"
LETTERS = json.loads((DATA / "everyday_words_letters.json").read_text(encoding="utf-8"))["letters"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("row", LETTERS, ids=[row["text"][:12] for row in LETTERS])
def test_everyday_letter_reaches_the_right_department_first(demo_county, row):
    suggestions = routing_suggest(text=row["text"])
    assert suggestions, "a substantive letter never gets an empty list"
    assert suggestions[0].department_code in row["expected"], [
        (s.department_name, s.score) for s in suggestions]
    assert suggestions[0].basis == "match"


def test_dictionary_words_add_their_formal_equivalents():
    assert "劳动报酬" in everyday_terms("工头不给工钱") or {"劳动", "报酬"} <= set(everyday_terms("工头不给工钱"))
    assert everyday_terms("今天天气很好") == []


def test_a_staff_synonym_changes_routing(demo_county):
    from zhengwu.search.services import synonym_create

    text = "小区门口那个铁皮箱子天天嗡嗡响"
    before = routing_suggest(text=text)
    assert before[0].basis == "fallback"
    synonym_create(actor=None, canonical="变压器噪声", variants="铁皮箱子 嗡嗡响")
    after = routing_suggest(text=text)
    assert after[0].basis == "match"
    assert after[0].department_code == "SLX-09"  # 环境保护: 噪声


def test_a_letter_with_no_evidence_gets_the_general_office_honestly_labelled(demo_county):
    suggestions = routing_suggest(text="我有一个想法想当面跟领导谈谈,希望给个机会")
    assert [s.department_code for s in suggestions] == ["SLX-31"]
    only = suggestions[0]
    assert only.basis == "fallback" and only.score == FALLBACK_SCORE
    assert "统筹分办" in only.note and "兜底" in only.note


def test_fallback_score_is_below_any_matched_suggestion(demo_county):
    matched = routing_suggest(text="钱包被偷了")
    assert matched[-1].score > FALLBACK_SCORE
