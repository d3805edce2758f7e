"""The demo content, the portal panel, the office link and the search source."""

import pytest
from django.urls import reverse

from zhengwu.catalog.services import catalog_load
from zhengwu.demo.services import demo_county_load
from zhengwu.participation.demo import (
    CLOSED_TITLE,
    OPEN_SURVEY_TITLE,
    OPEN_TITLE,
    VOTE_TITLE,
    participation_demo_load,
)
from zhengwu.participation.models import Comment, Phase, Questionnaire, Solicitation
from zhengwu.participation.registrations import search_get_one
from zhengwu.participation.selectors import adoption_counts, questionnaire_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    catalog_load(actor=None)
    demo_county_load()
    return participation_demo_load()


def test_the_demo_loads_the_four_examples_once(demo):
    from django.utils import timezone

    today = timezone.localdate()
    open_s, closed_s = Solicitation.objects.get(title=OPEN_TITLE), Solicitation.objects.get(title=CLOSED_TITLE)
    survey, vote = Questionnaire.objects.get(title=OPEN_SURVEY_TITLE), Questionnaire.objects.get(title=VOTE_TITLE)

    assert open_s.phase(today) == Phase.OPEN and open_s.articles.count() == 9 and open_s.comments.count() == 3
    assert closed_s.phase(today) == Phase.SUMMARY
    assert adoption_counts(solicitation=closed_s) == {"total": 6, "adopted": 2, "partly": 2, "not_adopted": 2, "undecided": 0}
    assert survey.phase(today) == Phase.OPEN and survey.questions.count() == 4
    assert vote.phase(today) == Phase.CLOSED and vote.results_public(today)
    assert questionnaire_results(questionnaire=vote)["total"] == 60
    assert participation_demo_load() == "公众参与演示数据:已存在,未改动"
    assert Comment.objects.count() == 9


def test_the_participation_section_and_home_show_what_is_open(client, demo):
    section = client.get(reverse("portal:participation")).content.decode()
    home = client.get(reverse("portal:home")).content.decode()

    for page in (section, home):
        assert OPEN_TITLE in page and OPEN_SURVEY_TITLE in page
        assert CLOSED_TITLE not in page  # closed ones are in the full list, not the panel


def test_the_office_link_shows_for_editors_only(demo):
    from zhengwu.accounts.models import User
    from zhengwu.core.registries.portal import office_links
    from zhengwu.org.responsibility import posts_for

    editor, handler = User.objects.get(username="zfb_bianji"), User.objects.get(username="gaj_banli")

    assert "意见征集与网上调查" in [link.label for link in office_links(editor, posts_for(editor))]
    assert "意见征集与网上调查" not in [link.label for link in office_links(handler, posts_for(handler))]


def test_the_search_source_returns_published_drafts_with_their_summary(demo, editor, dept, on_today):
    from zhengwu.participation import services

    closed = Solicitation.objects.get(title=CLOSED_TITLE)
    draft = services.solicitation_create(actor=editor, department=dept, title="草稿", body="第一条 x。")

    doc = search_get_one(str(closed.pk))
    assert doc.title == f"【意见征集】{CLOSED_TITLE}" and "意见采纳情况" in doc.body
    assert doc.url == reverse("participation:solicitation_detail", args=[closed.pk])
    assert search_get_one(str(draft.pk)) is None and search_get_one("abc") is None
