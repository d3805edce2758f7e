"""Results computed in SQL on constructed responses, and the Excel export."""

import io

import pytest
from openpyxl import load_workbook

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.core.errors import PermissionDenied
from zhengwu.participation import services
from zhengwu.participation.selectors import questionnaire_results

from .factories import answer_ids, published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(editor, publisher, dept, on_today):
    """Four responses with known answers."""
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)
    s, s_choices, m, m_choices, r, t = answer_ids(q)
    plan = [  # single, multiple, rating, text
        (0, [0, 1], 5, "多开夜班车"),
        (0, [1], 4, ""),
        (1, [1, 3], 2, "=HYPERLINK(\"http://x\")"),
        (2, [0], None, ""),
    ]
    for single, multiple, rating, text in plan:
        answers = {str(s.pk): s_choices[single].pk, str(m.pk): [m_choices[i].pk for i in multiple]}
        if rating is not None:
            answers[str(r.pk)] = rating
        if text:
            answers[str(t.pk)] = text
        r.required = False
        r.save()
        services.response_submit(actor=CitizenFactory(), questionnaire=q, answers=answers)
    return q


def test_counts_percentages_and_average_match_the_responses(answered):
    results = questionnaire_results(questionnaire=answered)

    assert results["total"] == 4
    single, multiple, rating, text = results["questions"]
    assert [(c["label"], c["count"], c["percent"]) for c in single["choices"]] == [("每天", 2, 50.0), ("每周", 1, 25.0), ("很少", 1, 25.0)]
    assert [(c["label"], c["count"]) for c in multiple["choices"]] == [("班次", 2), ("准点", 3), ("车况", 0), ("票价", 1)]
    assert multiple["answered"] == 4 and multiple["choices"][1]["percent"] == 75.0
    assert rating["answered"] == 3
    assert [x["count"] for x in rating["ratings"]] == [0, 1, 0, 1, 1]
    assert rating["average"] == pytest.approx(3.67)
    # Free text is not in the public results.
    assert text["answered"] == 2 and text["texts"] is None


def test_staff_results_list_the_text_answers(answered):
    text = questionnaire_results(questionnaire=answered, include_text=True)["questions"][3]

    assert sorted(text["texts"]) == sorted(["多开夜班车", "=HYPERLINK(\"http://x\")"])


def test_results_take_the_same_number_of_queries_for_many_responses(answered, django_assert_max_num_queries):
    # questions + choices prefetch + total + answered + by choice + by rating: no query per response.
    with django_assert_max_num_queries(6):
        questionnaire_results(questionnaire=answered)
    for _ in range(5):
        s, s_choices, m, m_choices, *_ = answer_ids(answered)
        services.response_submit(actor=CitizenFactory(), questionnaire=answered,
                                 answers={str(s.pk): s_choices[0].pk, str(m.pk): [m_choices[0].pk]})
    with django_assert_max_num_queries(6):
        assert questionnaire_results(questionnaire=answered)["total"] == 9


def test_the_excel_export_opens_with_openpyxl_and_holds_every_response(answered, editor):
    content = services.questionnaire_export(actor=editor, questionnaire=answered)

    book = load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["答卷", "统计"]
    rows = list(book["答卷"].iter_rows(values_only=True))
    assert rows[0][:2] == ("答卷编号", "提交时间")
    assert rows[0][2:] == ("1. 您多久乘坐一次公交", "2. 最需要改进的方面", "3. 总体评分", "4. 其他建议")
    assert len(rows) == 5
    assert rows[1][2:] == ("每天", "班次;准点", "5", "多开夜班车")
    assert rows[4][2:] == ("很少", "班次", None, None) or rows[4][2:] == ("很少", "班次", "", "")
    # A formula typed by a respondent is exported as text, never evaluated by Excel.
    assert rows[3][5] == "'=HYPERLINK(\"http://x\")"
    stats = list(book["统计"].iter_rows(values_only=True))
    assert ("答卷总数", 4) == stats[1][:2]
    assert ("2. 最需要改进的方面", "准点", 3, 75.0) in stats


def test_only_the_department_exports(answered, outsider):
    with pytest.raises(PermissionDenied):
        services.questionnaire_export(actor=outsider, questionnaire=answered)
