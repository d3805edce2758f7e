"""意见征集 services: periods, drafting, publishing, comments, adoption and the summary."""

from datetime import timedelta

import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.core.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post
from zhengwu.participation import services
from zhengwu.participation.models import Comment, Decision, Phase, Solicitation
from zhengwu.participation.selectors import adoption_counts

from .conftest import moment
from .factories import DRAFT_TEXT, published_solicitation

pytestmark = pytest.mark.django_db


def _create(editor, dept, **kw):
    kw.setdefault("title", "停车管理规定")
    kw.setdefault("body", DRAFT_TEXT)
    return services.solicitation_create(actor=editor, department=dept, **kw)


# ------------------------------------------------------------------ periods


def test_a_major_decision_defaults_to_a_30_day_period_counting_the_opening_day(editor, dept, on_today):
    s = _create(editor, dept, is_major=True, opens_on=on_today)

    assert s.closes_on == on_today + timedelta(days=29)
    assert s.period_days == 30


def test_an_ordinary_draft_defaults_to_15_days(editor, dept, on_today):
    s = _create(editor, dept, opens_on=on_today)

    assert s.period_days == 15 and s.closes_on == on_today + timedelta(days=14)


def test_a_major_decision_may_not_run_under_30_days(editor, dept, on_today):
    with pytest.raises(ValidationFailed) as exc:
        _create(editor, dept, is_major=True, opens_on=on_today, closes_on=on_today + timedelta(days=28))

    assert exc.value.message == "重大行政决策的征求意见期限不得少于 30 天(现为 29 天)"
    assert not Solicitation.objects.exists()


def test_an_ordinary_draft_may_not_run_under_7_days_but_7_is_enough(editor, dept, on_today):
    with pytest.raises(ValidationFailed, match="不得少于 7 天"):
        _create(editor, dept, opens_on=on_today, closes_on=on_today + timedelta(days=5))

    assert _create(editor, dept, opens_on=on_today, closes_on=on_today + timedelta(days=6)).period_days == 7


def test_the_minimum_follows_settings(editor, dept, on_today, settings):
    settings.ZHENGWU_PARTICIPATION_MAJOR_MIN_DAYS = 45
    settings.ZHENGWU_PARTICIPATION_MAJOR_DEFAULT_DAYS = 45

    assert _create(editor, dept, is_major=True, opens_on=on_today).period_days == 45
    with pytest.raises(ValidationFailed, match="不得少于 45 天"):
        _create(editor, dept, is_major=True, opens_on=on_today, closes_on=on_today + timedelta(days=30))


@pytest.mark.parametrize("value", ["2026-13-01", "明天", "2026/03/05"])
def test_a_malformed_date_is_a_chinese_validation_error(editor, dept, on_today, value):
    with pytest.raises(ValidationFailed, match="不是有效日期"):
        _create(editor, dept, opens_on=value)


def test_the_period_must_not_end_before_it_starts(editor, dept, on_today):
    with pytest.raises(ValidationFailed, match="截止日期不能早于开始日期"):
        _create(editor, dept, opens_on=on_today, closes_on=on_today - timedelta(days=1))


# ------------------------------------------------------------------ drafting and publishing


def test_create_splits_articles_and_audits(editor, dept, on_today):
    s = _create(editor, dept, opens_on=on_today)

    assert [a.label for a in s.articles.all()] == ["第一条", "第二条", "第三条", "第四条"]
    event = AuditEvent.objects.get(action="participation.solicitation.create")
    assert event.object_id == str(s.pk) and event.details["articles"] == 4


def test_staff_of_another_department_cannot_draft_for_it(outsider, dept, on_today):
    with pytest.raises(PermissionDenied):
        _create(outsider, dept, opens_on=on_today)


def test_a_handler_of_the_department_is_not_an_editor(dept, on_today):
    handler = grant_post(StaffFactory(), Role.HANDLER, unit=dept)

    with pytest.raises(PermissionDenied):
        _create(handler, dept, opens_on=on_today)


def test_editing_the_articles_replaces_them_and_drops_empty_ones(editor, dept, on_today):
    s = _create(editor, dept, opens_on=on_today)

    count = services.solicitation_articles_update(actor=editor, solicitation=s, articles=[
        {"label": "第一条", "text": "改写后的第一条<script>x</script>", "heading": "第一章 总则"},
        {"label": "第二条", "text": "   "},
        {"label": "附则", "text": "新增条文"},
    ])

    assert count == 2
    assert [(a.label, a.text) for a in s.articles.all()] == [("第一条", "改写后的第一条"), ("附则", "新增条文")]


def test_changing_the_body_splits_again(editor, dept, on_today):
    s = _create(editor, dept, opens_on=on_today)

    services.solicitation_update(actor=editor, solicitation=s, title="新标题", body="第一条 唯一一条。",
                                 opens_on=on_today.isoformat(), closes_on="")

    s.refresh_from_db()
    assert s.title == "新标题" and s.period_days == 15
    assert [a.label for a in s.articles.all()] == ["第一条"]


def test_the_editor_cannot_publish_the_publisher_can(editor, publisher, dept, on_today):
    s = _create(editor, dept, opens_on=on_today)

    with pytest.raises(PermissionDenied, match="审核员"):
        services.solicitation_publish(actor=editor, solicitation=s)
    services.solicitation_publish(actor=publisher, solicitation=s)

    s.refresh_from_db()
    assert s.status == Solicitation.Status.PUBLISHED and s.phase(on_today) == Phase.OPEN
    with pytest.raises(Conflict, match="已发布"):
        services.solicitation_update(actor=editor, solicitation=s, title="x", body="第一条 x。")


def test_a_draft_whose_opening_day_has_passed_cannot_be_published(editor, publisher, dept, on_today):
    s = _create(editor, dept, opens_on=on_today - timedelta(days=1))

    with pytest.raises(ValidationFailed, match="开始日期已过"):
        services.solicitation_publish(actor=publisher, solicitation=s)


# ------------------------------------------------------------------ comments


@pytest.fixture
def open_solicitation(editor, publisher, dept, on_today):
    return published_solicitation(editor=editor, publisher=publisher, dept=dept, today=on_today)


def test_a_citizen_comments_on_the_whole_draft_and_on_one_article(open_solicitation, citizen):
    article = open_solicitation.articles.get(label="第三条")

    whole = services.comment_submit(actor=citizen, solicitation=open_solicitation, text="总体赞成。")
    one = services.comment_submit(actor=citizen, solicitation=open_solicitation, text="建议改为60分钟。",
                                  article_id=str(article.pk))

    assert whole.article is None and one.article == article
    assert whole.published_at is None  # not public by default
    assert AuditEvent.objects.filter(action="participation.comment.create").count() == 2


def test_script_in_a_comment_is_removed(open_solicitation, citizen):
    c = services.comment_submit(actor=citizen, solicitation=open_solicitation,
                                text="<script>document.cookie</script>建议<b>延长</b>")

    assert c.text == "建议延长"


def test_an_oversize_comment_is_refused(open_solicitation, citizen):
    with pytest.raises(ValidationFailed, match="意见内容不能超过 2000 个字"):
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text="长" * 2001)
    assert not Comment.objects.exists()


def test_an_article_of_another_draft_is_refused(open_solicitation, citizen, editor, publisher, dept, on_today):
    other = published_solicitation(editor=editor, publisher=publisher, dept=dept, today=on_today, title="另一稿")

    with pytest.raises(ValidationFailed, match="所选条文不属于本征求意见稿"):
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text="意见",
                                article_id=other.articles.first().pk)
    with pytest.raises(ValidationFailed, match="所选条文不属于本征求意见稿"):
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text="意见", article_id="abc")


def test_staff_cannot_comment(open_solicitation, editor):
    with pytest.raises(PermissionDenied, match="实名认证"):
        services.comment_submit(actor=editor, solicitation=open_solicitation, text="意见")


def test_after_the_closing_day_comments_are_refused_with_the_date(open_solicitation, citizen):
    last_day = open_solicitation.closes_on
    with at(moment(last_day, hour=23)):
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text="最后一天的意见")
    with at(moment(last_day + timedelta(days=1), hour=0)), pytest.raises(ValidationFailed) as exc:
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text="晚了")

    assert exc.value.message == f"本次意见征集已于 {last_day:%Y年%m月%d日} 截止,不再接受意见"
    assert exc.value.code == "solicitation_closed"


def test_before_the_opening_day_comments_are_refused(editor, publisher, dept, on_today, citizen):
    s = services.solicitation_create(actor=editor, department=dept, title="下周开始", body=DRAFT_TEXT,
                                     opens_on=on_today + timedelta(days=7))
    services.solicitation_publish(actor=publisher, solicitation=s)

    with pytest.raises(ValidationFailed, match="将于 .* 开始"):
        services.comment_submit(actor=citizen, solicitation=s, text="提前提")


def test_a_draft_is_not_found_for_commenters(editor, dept, on_today, citizen):
    s = services.solicitation_create(actor=editor, department=dept, title="草稿", body=DRAFT_TEXT, opens_on=on_today)

    with pytest.raises(NotFound):
        services.comment_submit(actor=citizen, solicitation=s, text="意见")


def test_a_blocking_sensitive_word_refuses_the_comment_and_names_it(open_solicitation, citizen):
    from zhengwu.letters.models import SensitiveWord
    from zhengwu.letters.services.config import sensitive_word_add

    clerk = grant_post(StaffFactory(), Role.LETTER_CLERK)
    # The letters office's own list may already hold it (its default list); add it only if missing.
    if not SensitiveWord.objects.filter(word="代开发票").exists():
        sensitive_word_add(actor=clerk, word="代开发票", level=SensitiveWord.Level.BLOCK)
    from zhengwu.letters.moderation import words_forget

    words_forget()

    with pytest.raises(ValidationFailed) as exc:
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text="专业代 开 发票,联系我")

    assert "代开发票" in exc.value.message and exc.value.code == "moderation_blocked"
    assert not Comment.objects.exists()


def test_comments_per_user_are_rate_limited(open_solicitation, citizen, citizen2, settings):
    settings.ZHENGWU_PARTICIPATION_COMMENTS_PER_HOUR = 2
    for i in range(2):
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text=f"意见{i}")

    with pytest.raises(RateLimited) as exc:
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text="第三条意见")

    assert exc.value.code == "rate_limited" and "请稍后再试" in exc.value.message
    # Another person is not affected.
    services.comment_submit(actor=citizen2, solicitation=open_solicitation, text="我的意见")
    assert Comment.objects.count() == 3


def test_comments_per_user_and_draft_are_capped(open_solicitation, citizen, settings):
    settings.ZHENGWU_PARTICIPATION_COMMENTS_PER_DRAFT = 1
    services.comment_submit(actor=citizen, solicitation=open_solicitation, text="一")

    with pytest.raises(ValidationFailed, match="最多提出 1 条意见"):
        services.comment_submit(actor=citizen, solicitation=open_solicitation, text="二")


# ------------------------------------------------------------------ publishing comments (masked)


def test_a_published_comment_is_masked_of_personal_data(open_solicitation, citizen, publisher):
    c = services.comment_submit(actor=citizen, solicitation=open_solicitation,
                                text="我是王小明,电话13912345678,身份证110101199003070011,建议延长免费时间。")

    services.comment_publish(actor=publisher, comment=c)

    c.refresh_from_db()
    assert c.published_at is not None
    for secret in ("王小明", "13912345678", "110101199003070011"):
        assert secret not in c.published_text
    assert "建议延长免费时间" in c.published_text


def test_a_staff_edit_of_the_published_text_is_masked_again(open_solicitation, citizen, publisher):
    c = services.comment_submit(actor=citizen, solicitation=open_solicitation, text="意见")

    services.comment_publish(actor=publisher, comment=c, published_text="联系电话13912345678")

    c.refresh_from_db()
    assert "13912345678" not in c.published_text


def test_only_the_publisher_of_the_department_publishes_comments(open_solicitation, citizen, editor, outsider):
    c = services.comment_submit(actor=citizen, solicitation=open_solicitation, text="意见")

    for actor in (editor, outsider):
        with pytest.raises(PermissionDenied):
            services.comment_publish(actor=actor, comment=c)


# ------------------------------------------------------------------ adoption


def _closed(s):
    return at(moment(s.closes_on + timedelta(days=1)))


def test_decisions_wait_for_the_end_of_the_period(open_solicitation, citizen, editor):
    c = services.comment_submit(actor=citizen, solicitation=open_solicitation, text="意见")

    with pytest.raises(ValidationFailed, match="征求意见期结束后"):
        services.comment_decide(actor=editor, comment=c, decision=Decision.ADOPTED)


def test_not_adopted_and_partly_need_a_reason_adopted_does_not(open_solicitation, citizen, editor):
    c = services.comment_submit(actor=citizen, solicitation=open_solicitation, text="意见")

    with _closed(open_solicitation):
        with pytest.raises(ValidationFailed, match="请填写理由说明"):
            services.comment_decide(actor=editor, comment=c, decision=Decision.NOT_ADOPTED, reason=" ")
        with pytest.raises(ValidationFailed, match="请选择采纳情况"):
            services.comment_decide(actor=editor, comment=c, decision="maybe")
        services.comment_decide(actor=editor, comment=c, decision=Decision.ADOPTED)

    c.refresh_from_db()
    assert c.decision == Decision.ADOPTED


def test_the_summary_counts_grouped_and_single_decisions_and_waits_for_every_comment(
    open_solicitation, citizen, citizen2, editor, publisher,
):
    s = open_solicitation
    comments = [services.comment_submit(actor=(citizen, citizen2)[i % 2], solicitation=s, text=f"意见{i}")
                for i in range(6)]

    with _closed(s):
        services.adoption_group_create(actor=editor, solicitation=s, comment_ids=[comments[0].pk, comments[1].pk, comments[2].pk],
                                       title="建议延长免费时长", decision=Decision.PARTLY, reason="医院周边延长")
        services.comment_decide(actor=editor, comment=comments[3], decision=Decision.ADOPTED, reason="已修改")
        services.comment_decide(actor=editor, comment=comments[4], decision=Decision.NOT_ADOPTED, reason="与上位法不符")
        with pytest.raises(ValidationFailed, match="还有 1 条意见未填写采纳情况"):
            services.adoption_summary_publish(actor=publisher, solicitation=s, summary="总体说明")
        services.comment_decide(actor=editor, comment=comments[5], decision=Decision.NOT_ADOPTED, reason="不可行")
        with pytest.raises(PermissionDenied):
            services.adoption_summary_publish(actor=editor, solicitation=s, summary="总体说明")
        services.adoption_summary_publish(actor=publisher, solicitation=s, summary="共收到意见 6 条。")

        s.refresh_from_db()
        assert s.phase(s.closes_on + timedelta(days=1)) == Phase.SUMMARY
        assert adoption_counts(solicitation=s) == {"total": 6, "adopted": 1, "partly": 3, "not_adopted": 2, "undecided": 0}
        with pytest.raises(Conflict, match="采纳情况已公布"):
            services.comment_decide(actor=editor, comment=comments[5], decision=Decision.ADOPTED)


def test_a_group_takes_only_comments_of_its_own_draft(open_solicitation, citizen, editor, publisher, dept, on_today):
    other = published_solicitation(editor=editor, publisher=publisher, dept=dept, today=on_today, title="另一稿")
    mine = services.comment_submit(actor=citizen, solicitation=open_solicitation, text="一")
    theirs = services.comment_submit(actor=citizen, solicitation=other, text="二")

    with _closed(open_solicitation):
        with pytest.raises(ValidationFailed, match="请勾选"):
            services.adoption_group_create(actor=editor, solicitation=open_solicitation, comment_ids=[mine.pk, theirs.pk],
                                           title="归纳", decision=Decision.ADOPTED)
        with pytest.raises(ValidationFailed, match="所选意见不正确"):
            services.adoption_group_create(actor=editor, solicitation=open_solicitation, comment_ids=["x"],
                                           title="归纳", decision=Decision.ADOPTED)
