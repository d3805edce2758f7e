"""/api/v1/participation/: lists, details, comments, responses and results, with Chinese errors."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from zhengwu.accounts.tests.timetravel import at
from zhengwu.participation.models import Comment, Questionnaire, Response

from .conftest import moment
from .factories import answer_ids, published_questionnaire, published_solicitation

pytestmark = pytest.mark.django_db
BASE = "/api/v1/participation"


@pytest.fixture
def solicitation(editor, publisher, dept, on_today):
    return published_solicitation(editor=editor, publisher=publisher, dept=dept, today=on_today)


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_list_and_detail_are_public(client, solicitation):
    listing = client.get(f"{BASE}/solicitations?phase=open").json()
    detail = client.get(f"{BASE}/solicitations/{solicitation.pk}").json()

    assert [row["id"] for row in listing["items"]] == [solicitation.pk]
    assert listing["items"][0]["phase"] == "open" and listing["has_more"] is False
    assert [a["label"] for a in detail["articles"]] == ["第一条", "第二条", "第三条", "第四条"]
    assert detail["adoption"] is None


def test_an_unknown_phase_is_a_chinese_422(client, solicitation):
    response = client.get(f"{BASE}/solicitations?phase=whenever")

    assert response.status_code == 422 and "取值无效" in response.json()["message"]


def test_a_citizen_comments_through_the_api(client, solicitation, citizen):
    client.force_login(citizen)
    article = solicitation.articles.first()

    response = _post(client, f"{BASE}/solicitations/{solicitation.pk}/comments", {"text": "赞成", "article_id": article.pk})

    assert response.status_code == 201
    assert Comment.objects.get(pk=response.json()["id"]).article == article


def test_comment_refusals_are_chinese_4xx(client, solicitation, citizen):
    anonymous = _post(Client(), f"{BASE}/solicitations/{solicitation.pk}/comments", {"text": "x"})
    client.force_login(citizen)
    too_long = _post(client, f"{BASE}/solicitations/{solicitation.pk}/comments", {"text": "长" * 2001})
    wrong_type = _post(client, f"{BASE}/solicitations/{solicitation.pk}/comments", {"text": ["列表"]})
    with at(moment(solicitation.closes_on + timedelta(days=1))):
        client.force_login(citizen)
        closed = _post(client, f"{BASE}/solicitations/{solicitation.pk}/comments", {"text": "晚了"})

    assert anonymous.status_code == 401 and anonymous.json()["message"] == "请先登录"
    assert too_long.status_code == 400 and "不能超过 2000 个字" in too_long.json()["message"]
    assert wrong_type.status_code == 422
    assert closed.status_code == 400 and closed.json()["code"] == "solicitation_closed"
    assert not Comment.objects.exists()


def test_a_second_response_through_the_api_is_a_409_with_the_message(client, citizen, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)
    s, s_choices, m, m_choices, r, _ = answer_ids(q)
    answers = {str(s.pk): s_choices[0].pk, str(m.pk): [m_choices[0].pk], str(r.pk): 5}
    client.force_login(citizen)

    first = _post(client, f"{BASE}/questionnaires/{q.pk}/responses", {"answers": answers})
    second = _post(client, f"{BASE}/questionnaires/{q.pk}/responses", {"answers": answers})

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json() == {"code": "already_responded", "message": "您已经提交过本问卷,每人只能提交一次", "details": {}}


def test_invalid_answers_through_the_api_are_a_chinese_400(client, citizen, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)
    s, _, m, m_choices, r, _ = answer_ids(q)
    client.force_login(citizen)

    response = _post(client, f"{BASE}/questionnaires/{q.pk}/responses",
                     {"answers": {str(s.pk): 999999, str(m.pk): [m_choices[0].pk], str(r.pk): 5}})

    assert response.status_code == 400 and response.json()["message"] == "第 1 题的所选选项不存在"
    assert not Response.objects.exists()


def test_a_real_name_questionnaire_needs_a_login_through_the_api(editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)

    response = _post(Client(), f"{BASE}/questionnaires/{q.pk}/responses", {"answers": {}})

    assert response.status_code == 403 and "登录" in response.json()["message"]


def test_a_real_name_response_through_the_api_needs_the_csrf_token(citizen, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today)
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)

    response = _post(client, f"{BASE}/questionnaires/{q.pk}/responses", {"answers": {}})

    assert response.status_code == 403 and "CSRF" in response.json()["message"]


def test_an_anonymous_poll_through_the_api_counts_by_the_cookie_from_the_detail_call(editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today,
                                identity_mode=Questionnaire.IdentityMode.BROWSER)
    s, s_choices, m, m_choices, r, _ = answer_ids(q)
    answers = {str(s.pk): s_choices[1].pk, str(m.pk): [m_choices[0].pk, m_choices[2].pk], str(r.pk): 3}
    client = Client()

    no_cookie = _post(client, f"{BASE}/questionnaires/{q.pk}/responses", {"answers": answers})
    client.get(f"{BASE}/questionnaires/{q.pk}")
    first = _post(client, f"{BASE}/questionnaires/{q.pk}/responses", {"answers": answers})
    again = _post(client, f"{BASE}/questionnaires/{q.pk}/responses", {"answers": answers})

    assert no_cookie.status_code == 400 and "Cookie" in no_cookie.json()["message"]
    assert first.status_code == 201 and again.status_code == 409
    results = client.get(f"{BASE}/questionnaires/{q.pk}/results").json()
    assert results["total"] == 1
    assert [c["count"] for c in results["questions"][1]["choices"]] == [1, 0, 1, 0]
    assert "texts" not in results["questions"][3]


def test_results_kept_until_close_are_a_403_before_and_200_after(client, editor, publisher, dept, on_today):
    q = published_questionnaire(editor=editor, publisher=publisher, dept=dept, today=on_today,
                                results_mode=Questionnaire.ResultsMode.AFTER_CLOSE)

    before = client.get(f"{BASE}/questionnaires/{q.pk}/results")
    with at(moment(q.closes_on + timedelta(days=1))):
        after = client.get(f"{BASE}/questionnaires/{q.pk}/results")

    assert before.status_code == 403 and "结束后公布" in before.json()["message"]
    assert after.status_code == 200 and after.json()["total"] == 0


def test_a_draft_questionnaire_is_a_404(client, editor, dept, on_today):
    from zhengwu.participation import services

    q = services.questionnaire_create(actor=editor, department=dept, title="t", closes_on=on_today + timedelta(days=3))

    assert client.get(f"{BASE}/questionnaires/{q.pk}").status_code == 404
    assert client.get(f"{BASE}/questionnaires/{q.pk}/results").status_code == 404
