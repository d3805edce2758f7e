"""Public and staff pages: what a visitor sees, the forms, the refusals, the 404 for other departments."""

from datetime import timedelta

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.accounts.tests.timetravel import at
from zhengwu.participation import services
from zhengwu.participation.models import (
    Comment,
    Decision,
    Questionnaire,
    Response,
    Solicitation,
)
from zhengwu.participation.poll_cookie import POLL_COOKIE

from .conftest import moment
from .factories import (
    DRAFT_TEXT,
    answer_ids,
    published_questionnaire,
    published_solicitation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def solicitation(editor, publisher, dept, on_today):
    return published_solicitation(editor=editor, publisher=publisher, dept=dept, today=on_today)


def _detail(s):
    return reverse("participation:solicitation_detail", args=[s.pk])


def test_the_public_list_and_detail_show_the_draft_its_articles_and_the_login_prompt(client, solicitation):
    listing = client.get(reverse("participation:solicitation_list") + "?phase=open").content.decode()
    page = client.get(_detail(solicitation)).content.decode()

    assert solicitation.title in listing and "进行中" in listing
    assert "第三条" in page and "临时泊位首30分钟免费" in page
    assert "请先" in page and "登录" in page and "<textarea" not in page


def test_a_draft_is_a_404_on_the_public_site(client, editor, dept, on_today):
    s = services.solicitation_create(actor=editor, department=dept, title="草稿", body=DRAFT_TEXT, opens_on=on_today)

    assert client.get(_detail(s)).status_code == 404


def test_a_citizen_comments_through_the_page(client, solicitation, citizen):
    client.force_login(citizen)
    article = solicitation.articles.get(label="第二条")

    response = client.post(reverse("participation:comment_submit", args=[solicitation.pk]),
                           {"text": "建议<script>x</script>扩大范围", "article": str(article.pk)})

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.text == "建议扩大范围" and comment.article == article
    assert "您的意见已提交" in client.get(_detail(solicitation)).content.decode()


def test_an_oversize_comment_shows_the_chinese_error_and_keeps_the_text(client, solicitation, citizen):
    client.force_login(citizen)

    response = client.post(reverse("participation:comment_submit", args=[solicitation.pk]), {"text": "长" * 2001})

    assert response.status_code == 400
    assert "意见内容不能超过 2000 个字" in response.content.decode()
    assert not Comment.objects.exists()


def test_after_closing_the_page_says_so_and_a_post_is_refused(client, solicitation, citizen):
    with at(moment(solicitation.closes_on + timedelta(days=1))):
        client.force_login(citizen)  # inside: the session timeout runs on the moved clock
        page = client.get(_detail(solicitation)).content.decode()
        response = client.post(reverse("participation:comment_submit", args=[solicitation.pk]), {"text": "晚了"})

    assert "不再接受意见" in page and "<textarea" not in page
    assert response.status_code == 400 and "截止,不再接受意见" in response.content.decode()


def test_the_published_summary_shows_counts_and_reasons(client, solicitation, citizen, editor, publisher):
    a = services.comment_submit(actor=citizen, solicitation=solicitation, text="意见甲")
    b = services.comment_submit(actor=citizen, solicitation=solicitation, text="意见乙")
    services.comment_publish(actor=publisher, comment=a)
    with at(moment(solicitation.closes_on + timedelta(days=1))):
        services.comment_decide(actor=editor, comment=a, decision=Decision.ADOPTED, reason="已修改第三条")
        services.comment_decide(actor=editor, comment=b, decision=Decision.NOT_ADOPTED, reason="超出本规定范围")
        services.adoption_summary_publish(actor=publisher, solicitation=solicitation, summary="共收到两条意见。")
        page = client.get(_detail(solicitation)).content.decode()

    assert "意见采纳情况" in page and "共收到两条意见。" in page
    assert 'class="count-adopted">1<' in page and 'class="count-partly">0<' in page and 'class="count-not">1<' in page
    assert "超出本规定范围" in page and "已修改第三条" in page


# ------------------------------------------------------------------ staff


def test_the_editor_drafts_through_the_form_and_sees_the_articles(client, editor, dept, on_today):
    login_verified(client, editor)

    response = client.post(reverse("participation:office_solicitation_new"), {
        "department": str(dept.pk), "title": "养犬管理办法", "body": DRAFT_TEXT, "is_major": "on",
        "opens_on": on_today.isoformat(), "closes_on": "", "contact": "电话 12345",
    })

    s = Solicitation.objects.get()
    assert response.status_code == 302 and s.is_major and s.period_days == 30
    page = client.get(reverse("participation:office_solicitation", args=[s.pk])).content.decode()
    assert "第四条" in page and "草稿由本部门审核员审核发布" in page


def test_a_too_short_major_period_is_shown_on_the_form(client, editor, dept, on_today):
    login_verified(client, editor)

    response = client.post(reverse("participation:office_solicitation_new"), {
        "department": str(dept.pk), "title": "t", "body": DRAFT_TEXT, "is_major": "on",
        "opens_on": on_today.isoformat(), "closes_on": (on_today + timedelta(days=9)).isoformat(),
    })

    assert response.status_code == 400 and "不得少于 30 天" in response.content.decode()


def test_staff_of_another_department_get_404(client, solicitation, outsider, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)
    login_verified(client, outsider)

    assert client.get(reverse("participation:office_solicitation", args=[solicitation.pk])).status_code == 404
    assert client.post(reverse("participation:office_solicitation_publish", args=[solicitation.pk])).status_code == 404
    assert client.get(reverse("participation:office_questionnaire_export", args=[q.pk])).status_code == 404
    assert solicitation.title not in client.get(reverse("participation:office")).content.decode()


def test_the_export_downloads_an_xlsx(client, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)
    login_verified(client, editor)

    response = client.get(reverse("participation:office_questionnaire_export", args=[q.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_staff_build_and_publish_a_questionnaire_through_the_forms(client, editor, publisher, dept, on_today):
    login_verified(client, editor)
    client.post(reverse("participation:office_questionnaire_new"), {
        "department": str(dept.pk), "title": "评选", "kind": "vote", "identity_mode": "browser",
        "results_mode": "live", "opens_on": on_today.isoformat(), "closes_on": (on_today + timedelta(days=7)).isoformat(),
    })
    q = Questionnaire.objects.get()
    client.post(reverse("participation:office_question_add", args=[q.pk]),
                {"kind": "multiple", "text": "选出窗口", "required": "on", "choices": "甲\n乙\n丙", "max_choices": "2"})
    login_verified(client, publisher)
    client.post(reverse("participation:office_questionnaire_publish", args=[q.pk]))

    q.refresh_from_db()
    assert q.status == Questionnaire.Status.PUBLISHED and q.kind == "vote"
    question = q.questions.get()
    assert question.max_choices == 2 and question.choices.count() == 3


# ------------------------------------------------------------------ questionnaires in the browser's shoes


def _post_answers(client, q, **override):
    s, s_choices, m, m_choices, r, _ = answer_ids(q)
    data = {f"q{s.pk}": str(s_choices[0].pk), f"q{m.pk}": [str(m_choices[0].pk)], f"q{r.pk}": "4"}
    data.update(override)
    return client.post(reverse("participation:questionnaire_detail", args=[q.pk]), data)


def test_an_anonymous_poll_sets_a_signed_cookie_and_refuses_the_second_vote(client, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today,
                                identity_mode=Questionnaire.IdentityMode.BROWSER, kind=Questionnaire.Kind.VOTE)

    first = client.get(reverse("participation:questionnaire_detail", args=[q.pk]))
    assert POLL_COOKIE in first.cookies
    assert _post_answers(client, q).status_code == 302
    again = _post_answers(client, q)

    assert again.status_code == 409 and "您已经投过票了,每人只能投票一次" in again.content.decode()
    assert Response.objects.count() == 1
    assert "您已经投过票了" in client.get(reverse("participation:questionnaire_detail", args=[q.pk])).content.decode()


def test_a_forged_poll_cookie_is_not_a_token(client, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today,
                                identity_mode=Questionnaire.IdentityMode.BROWSER)
    client.cookies[POLL_COOKIE] = "my-own-token"

    response = _post_answers(client, q)

    assert response.status_code == 400 and "Cookie" in response.content.decode()
    assert not Response.objects.exists()


def test_a_real_name_survey_sends_anonymous_visitors_to_login(client, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)

    page = client.get(reverse("participation:questionnaire_detail", args=[q.pk])).content.decode()
    response = _post_answers(client, q)

    assert "实名参与" in page and "<form method=\"post\" class=\"questionnaire-form\"" not in page
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_too_many_selections_on_the_page_is_a_chinese_400(client, citizen, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)
    _, _, m, m_choices, _, _ = answer_ids(q)
    client.force_login(citizen)

    response = _post_answers(client, q, **{f"q{m.pk}": [str(c.pk) for c in m_choices[:3]]})

    assert response.status_code == 400 and "第 2 题最多选择 2 项" in response.content.decode()


def test_results_after_close_are_hidden_until_the_closing_day_passes(client, citizen, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today,
                                results_mode=Questionnaire.ResultsMode.AFTER_CLOSE)
    client.force_login(citizen)
    _post_answers(client, q)
    url = reverse("participation:questionnaire_results", args=[q.pk])

    hidden = client.get(url).content.decode()
    with at(moment(q.closes_on + timedelta(days=1))):
        client.force_login(citizen)
        shown = client.get(url).content.decode()

    assert "结束后公布" in hidden and "participation-results" not in hidden
    assert 'id="total-responses">1<' in shown and "participation-results" in shown and "results.js" in shown
