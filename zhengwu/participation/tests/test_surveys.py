"""网上调查/评选 services: questions, periods, one response per person or browser, answer validation."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.core.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from zhengwu.participation import services
from zhengwu.participation.models import Answer, Question, Questionnaire, Response

from .conftest import moment
from .factories import answer_ids, published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(editor, publisher, dept, on_today):
    return published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)


@pytest.fixture
def poll(editor, publisher, dept, on_today):
    return published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today,
                                   identity_mode=Questionnaire.IdentityMode.BROWSER, kind=Questionnaire.Kind.VOTE)


def _answers(q, *, single=0, multiple=(0,), rating=4, text=""):
    s, s_choices, m, m_choices, r, t = answer_ids(q)
    out = {str(s.pk): s_choices[single].pk, str(m.pk): [m_choices[i].pk for i in multiple], str(r.pk): rating}
    if text:
        out[str(t.pk)] = text
    return out


# ------------------------------------------------------------------ building


def test_a_choice_question_needs_two_distinct_options(editor, dept, on_today):
    q = services.questionnaire_create(actor=editor, department=dept, title="t", closes_on=on_today + timedelta(days=5))

    with pytest.raises(ValidationFailed, match="至少需要两个不同的选项"):
        services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.SINGLE, text="题", choices="甲\n甲\n ")


def test_multiple_choice_limits_must_fit_the_options(editor, dept, on_today):
    q = services.questionnaire_create(actor=editor, department=dept, title="t", closes_on=on_today + timedelta(days=5))

    with pytest.raises(ValidationFailed, match="最少、最多选择项数"):
        services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.MULTIPLE, text="题",
                              choices=["甲", "乙"], min_choices=1, max_choices=3)
    with pytest.raises(ValidationFailed, match="必须是整数"):
        services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.MULTIPLE, text="题",
                              choices=["甲", "乙"], max_choices="两个")
    question = services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.MULTIPLE, text="题",
                                     choices=["甲", "乙", "丙"])
    assert (question.min_choices, question.max_choices) == (1, 3)


def test_deleting_a_question_renumbers_the_rest(editor, dept, on_today):
    q = services.questionnaire_create(actor=editor, department=dept, title="t", closes_on=on_today + timedelta(days=5))
    _, second, _ = (services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.RATING, text=t)
                    for t in ("一", "二", "三"))

    services.question_delete(actor=editor, question=second)

    assert list(q.questions.values_list("text", "position")) == [("一", 1), ("三", 2)]


def test_publishing_needs_a_question_and_a_publisher(editor, publisher, dept, on_today):
    q = services.questionnaire_create(actor=editor, department=dept, title="t", closes_on=on_today + timedelta(days=5))

    with pytest.raises(ValidationFailed, match="还没有题目"):
        services.questionnaire_publish(actor=publisher, questionnaire=q)
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.RATING, text="评分")
    with pytest.raises(PermissionDenied):
        services.questionnaire_publish(actor=editor, questionnaire=q)
    services.questionnaire_publish(actor=publisher, questionnaire=q)
    with pytest.raises(Conflict, match="问卷已发布"):
        services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.RATING, text="再加")


@pytest.mark.parametrize("field,value", [("kind", "poll"), ("identity_mode", "ip"), ("results_mode", "never")])
def test_unknown_settings_are_refused_in_chinese(editor, dept, on_today, field, value):
    with pytest.raises(ValidationFailed, match="取值无效"):
        services.questionnaire_create(actor=editor, department=dept, title="t", closes_on=on_today, **{field: value})


# ------------------------------------------------------------------ one response per person


def test_a_citizen_responds_once_and_a_second_response_is_refused_with_a_clear_message(survey, citizen):
    services.response_submit(actor=citizen, questionnaire=survey, answers=_answers(survey, text="多开夜班车"))

    with pytest.raises(Conflict) as exc:
        services.response_submit(actor=citizen, questionnaire=survey, answers=_answers(survey, single=1))

    assert exc.value.message == "您已经提交过本问卷,每人只能提交一次"
    assert exc.value.code == "already_responded" and exc.value.status == 409
    assert Response.objects.count() == 1
    assert Answer.objects.filter(response__respondent=citizen).count() == 4


def test_a_vote_says_vote_in_its_refusal(poll):
    token = "browser-token-1"
    services.response_submit(actor=None, questionnaire=poll, answers=_answers(poll), browser_token=token)

    with pytest.raises(Conflict, match="您已经投过票了,每人只能投票一次"):
        services.response_submit(actor=None, questionnaire=poll, answers=_answers(poll), browser_token=token)
    services.response_submit(actor=None, questionnaire=poll, answers=_answers(poll), browser_token="another-browser")
    assert Response.objects.count() == 2


def test_the_database_itself_refuses_a_second_response_of_the_same_person(survey, citizen):
    # The rule holds even for two submits that both passed the early check at the same moment.
    Response.objects.create(questionnaire=survey, respondent=citizen)

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(questionnaire=survey, respondent=citizen)


def test_the_database_itself_refuses_a_second_response_of_the_same_browser(poll):
    Response.objects.create(questionnaire=poll, browser_token="t1")

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(questionnaire=poll, browser_token="t1")


def test_a_real_name_questionnaire_refuses_anonymous_and_staff(survey, editor):
    for actor in (None, editor):
        with pytest.raises(PermissionDenied, match="实名认证"):
            services.response_submit(actor=actor, questionnaire=survey, answers=_answers(survey))


def test_an_anonymous_poll_without_a_browser_token_is_refused(poll):
    with pytest.raises(ValidationFailed, match="Cookie"):
        services.response_submit(actor=None, questionnaire=poll, answers=_answers(poll), browser_token=None)


def test_an_anonymous_poll_limits_responses_per_ip(poll, settings):
    settings.ZHENGWU_PARTICIPATION_POLL_PER_IP_HOUR = 2
    for n in range(2):
        services.response_submit(actor=None, questionnaire=poll, answers=_answers(poll), browser_token=f"b{n}",
                                 ip="10.1.2.3")

    with pytest.raises(RateLimited) as exc:
        services.response_submit(actor=None, questionnaire=poll, answers=_answers(poll), browser_token="b9",
                                 ip="10.1.2.3")

    assert exc.value.code == "rate_limited"
    services.response_submit(actor=None, questionnaire=poll, answers=_answers(poll), browser_token="b9", ip="10.9.9.9")
    # The IP is not stored, only a keyed digest.
    assert not Response.objects.filter(ip_digest__contains="10.1.2.3").exists()
    assert Response.objects.exclude(ip_digest="").count() == 3


def test_responses_are_refused_after_the_closing_day_and_before_the_opening_day(survey, citizen, editor, publisher, dept, on_today):
    with at(moment(survey.closes_on + timedelta(days=1))), pytest.raises(ValidationFailed) as exc:
        services.response_submit(actor=citizen, questionnaire=survey, answers=_answers(survey))
    assert exc.value.message == f"本次调查已于 {survey.closes_on:%Y年%m月%d日} 结束,不再接受提交"

    later = services.questionnaire_create(actor=editor, department=dept, title="下月", opens_on=on_today + timedelta(days=30),
                                          closes_on=on_today + timedelta(days=40))
    services.question_add(actor=editor, questionnaire=later, kind=Question.Kind.RATING, text="评分")
    services.questionnaire_publish(actor=publisher, questionnaire=later)
    with pytest.raises(ValidationFailed, match="将于"):
        services.response_submit(actor=citizen, questionnaire=later, answers={})


def test_a_draft_questionnaire_is_not_found(editor, dept, on_today, citizen):
    q = services.questionnaire_create(actor=editor, department=dept, title="t", closes_on=on_today + timedelta(days=5))

    with pytest.raises(NotFound):
        services.response_submit(actor=citizen, questionnaire=q, answers={})


# ------------------------------------------------------------------ answer validation


def _refusal(q, actor, answers) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as exc:
        services.response_submit(actor=actor, questionnaire=q, answers=answers)
    assert not Response.objects.exists()
    return exc.value


def test_too_many_selections_are_refused(survey, citizen):
    exc = _refusal(survey, citizen, _answers(survey, multiple=(0, 1, 2)))

    assert exc.message == "第 2 题最多选择 2 项" and exc.code == "too_many_choices"


def test_a_required_multiple_choice_needs_a_selection(survey, citizen):
    assert _refusal(survey, citizen, _answers(survey, multiple=())).message == "第 2 题为必答题,请选择"


def test_an_option_of_another_question_is_refused(survey, citizen):
    single, _, _, m_choices, _, _ = answer_ids(survey)
    answers = _answers(survey)
    answers[str(single.pk)] = m_choices[0].pk

    assert _refusal(survey, citizen, answers).message == "第 1 题的所选选项不存在"


def test_two_options_on_a_single_choice_are_refused(survey, citizen):
    single, s_choices, *_ = answer_ids(survey)
    answers = _answers(survey)
    answers[str(single.pk)] = [s_choices[0].pk, s_choices[1].pk]

    assert _refusal(survey, citizen, answers).message == "第 1 题是单选题,只能选择一项"


def test_duplicate_options_are_refused(survey, citizen):
    _, _, multiple, m_choices, _, _ = answer_ids(survey)
    answers = _answers(survey)
    answers[str(multiple.pk)] = [m_choices[0].pk, m_choices[0].pk]

    assert _refusal(survey, citizen, answers).code == "choice_duplicate"


@pytest.mark.parametrize("value", [0, 6, "五", 3.5, True])
def test_a_rating_outside_1_to_5_is_refused(survey, citizen, value):
    assert _refusal(survey, citizen, _answers(survey, rating=value)).message == "第 3 题的评分应为 1 到 5 分"


@pytest.mark.parametrize("value", ["abc", {"x": 1}, None, 1.5, True])
def test_a_non_numeric_option_is_refused(survey, citizen, value):
    single, *_ = answer_ids(survey)
    answers = _answers(survey)
    answers[str(single.pk)] = value

    exc = _refusal(survey, citizen, answers)
    assert exc.message in ("第 1 题的所选选项不存在", "第 1 题为必答题,请选择")


def test_a_question_of_another_questionnaire_is_refused(survey, citizen):
    answers = _answers(survey)
    answers["999999"] = 1

    assert _refusal(survey, citizen, answers).message == "答卷中有不属于本问卷的题目"


def test_a_text_answer_is_sanitised_and_bounded(survey, citizen):
    with pytest.raises(ValidationFailed, match="第 4 题的回答不能超过 1000 个字"):
        services.response_submit(actor=citizen, questionnaire=survey, answers=_answers(survey, text="字" * 1001))

    services.response_submit(actor=citizen, questionnaire=survey,
                             answers=_answers(survey, text="<script>alert(1)</script>增加班次\x00"))
    assert Answer.objects.get(question__kind=Question.Kind.TEXT).text == "增加班次"


def test_a_non_dict_answer_set_is_refused(survey, citizen):
    assert _refusal(survey, citizen, ["a"]).code == "answers_invalid"


def test_many_citizens_each_respond_once(survey):
    for _ in range(5):
        services.response_submit(actor=CitizenFactory(), questionnaire=survey, answers=_answers(survey))

    assert Response.objects.filter(questionnaire=survey).count() == 5


def test_every_unanswered_required_question_is_named_at_once(survey, citizen):
    required = [q for q in survey.questions.order_by("position") if q.required]
    assert len(required) >= 2

    with pytest.raises(ValidationFailed) as exc:
        services.response_submit(actor=citizen, questionnaire=survey, answers={})

    named = exc.value.details["errors"]
    assert set(named) == {f"q{q.pk}" for q in required}
    assert all(f"第 {q.position} 题为必答题" in exc.value.message for q in required)
    assert not Response.objects.exists()
