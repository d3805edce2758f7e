"""Building solicitations and questionnaires the way production does: through the services."""

from datetime import timedelta

from zhengwu.participation import services
from zhengwu.participation.models import Question, Questionnaire

DRAFT_TEXT = """关于规范城区停车的规定(征求意见稿)
第一章 总则
第一条 为了规范停车秩序,制定本规定。
第二条 本规定适用于城区道路。
第二章 收费
第三条 临时泊位首30分钟免费。
超过部分按小时计费。
第四条 本规定自发布之日起施行。"""


def published_solicitation(*, editor, publisher, dept, today, days=15, is_major=False, title="停车管理规定(征求意见稿)"):
    s = services.solicitation_create(actor=editor, department=dept, title=title, body=DRAFT_TEXT, opens_on=today,
                                     closes_on=today + timedelta(days=days - 1), is_major=is_major)
    return services.solicitation_publish(actor=publisher, solicitation=s)


def published_questionnaire(*, editor, publisher, dept, today, identity_mode=Questionnaire.IdentityMode.REAL_NAME,
                            results_mode=Questionnaire.ResultsMode.LIVE, kind=Questionnaire.Kind.SURVEY, days=10):
    """A questionnaire with one question of each kind: single, multiple (1–2 of 4), rating, text."""
    q = services.questionnaire_create(actor=editor, department=dept, title="城区公交满意度调查", opens_on=today,
                                      closes_on=today + timedelta(days=days - 1), kind=kind,
                                      identity_mode=identity_mode, results_mode=results_mode)
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.SINGLE, text="您多久乘坐一次公交",
                          choices=["每天", "每周", "很少"])
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.MULTIPLE, text="最需要改进的方面",
                          choices=["班次", "准点", "车况", "票价"], min_choices=1, max_choices=2)
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.RATING, text="总体评分")
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.TEXT, text="其他建议", required=False)
    return services.questionnaire_publish(actor=publisher, questionnaire=q)


def answer_ids(q):
    """(single, multiple, rating, text) questions and their choices, in order."""
    single, multiple, rating, text = list(q.questions.order_by("position"))
    return single, list(single.choices.all()), multiple, list(multiple.choices.all()), rating, text
