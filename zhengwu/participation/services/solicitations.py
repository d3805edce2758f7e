"""Writes of 意见征集: draft, articles, publish, comments, adoption decisions and the summary.

A solicitation is drafted by a department's 信息员 or 审核员 and published by its 审核员.
Comment periods count calendar days, both ends included. Major administrative decisions
(重大行政决策) default to and may not go below 30 days (《重大行政决策程序暂行条例》第十四条:
征求意见期限一般不少于30日); other drafts default to 15 and may not go below 7 (both configurable).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from zhengwu.core.access import is_applicant
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.registries.search import search_index_later

from ..articles import articles_split
from ..models import AdoptionGroup, Article, Comment, Decision, Phase, Solicitation
from ..personal_data import personal_data_mask
from ..plain_text import clean_line, clean_plain_text
from .common import (
    DRAFT_ROLES,
    PUBLISH_ROLES,
    moderation_refuse,
    parse_date,
    rate_limit,
    setting,
    require_department,
    sync_instance,
)

SEARCH_DOC_TYPE = "solicitation"
TITLE_MAX = 200
BACKGROUND_MAX = 20_000
BODY_MAX = 200_000
CONTACT_MAX = 300
ARTICLE_MAX = 20_000
COMMENT_MAX = 2_000
REASON_MAX = 2_000
SUMMARY_MAX = 20_000


def major_default_days() -> int:
    return int(setting("MAJOR_DEFAULT_DAYS", 30))


def major_minimum_days() -> int:
    return int(setting("MAJOR_MIN_DAYS", 30))


def ordinary_default_days() -> int:
    return int(setting("DEFAULT_DAYS", 15))


def ordinary_minimum_days() -> int:
    return int(setting("MIN_DAYS", 7))


def comment_period_default(*, is_major: bool, opens_on: date) -> date:
    """The default closing date: 30 days for a major decision, else 15, counting the opening day."""
    days = major_default_days() if is_major else ordinary_default_days()
    return opens_on + timedelta(days=days - 1)


def _period_check(*, is_major: bool, opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise ValidationFailed("截止日期不能早于开始日期", code="period_reversed")
    days = (closes_on - opens_on).days + 1
    minimum = major_minimum_days() if is_major else ordinary_minimum_days()
    if days < minimum:
        kind = "重大行政决策" if is_major else "征求意见稿"
        raise ValidationFailed(
            f"{kind}的征求意见期限不得少于 {minimum} 天(现为 {days} 天)", code="period_too_short",
            details={"minimum_days": minimum, "days": days},
        )
    if days > 366:
        raise ValidationFailed("征求意见期限不能超过一年", code="period_too_long")


def _fields(*, title, background, body, contact) -> dict:
    return {
        "title": clean_line(title, label="标题", max_length=TITLE_MAX, code="title"),
        "background": clean_plain_text(background, label="起草说明", max_length=BACKGROUND_MAX, required=False,
                                       code="background"),
        "body": clean_plain_text(body, label="征求意见稿全文", max_length=BODY_MAX, code="body"),
        "contact": clean_line(contact, label="联系方式", max_length=CONTACT_MAX, required=False, code="contact"),
    }


def _articles_replace(solicitation: Solicitation, drafts) -> int:
    solicitation.articles.all().delete()
    Article.objects.bulk_create([
        Article(solicitation=solicitation, position=i, label=d.label, heading=d.heading, text=d.text)
        for i, d in enumerate(drafts, start=1)
    ])
    return len(drafts)


@transaction.atomic
def solicitation_create(*, actor, department, title, body, background: str = "", is_major: bool = False,
                        opens_on=None, closes_on=None, contact: str = "") -> Solicitation:
    """Create a draft and split its text into articles; the period defaults by the 重大行政决策 flag."""
    require_department(actor, department, DRAFT_ROLES, "信息员或审核员")
    fields = _fields(title=title, background=background, body=body, contact=contact)
    opens = parse_date(opens_on, label="开始日期") if opens_on else timezone.localdate()
    closes = parse_date(closes_on, label="截止日期") if closes_on else comment_period_default(is_major=bool(is_major),
                                                                                            opens_on=opens)
    _period_check(is_major=bool(is_major), opens_on=opens, closes_on=closes)
    solicitation = Solicitation.objects.create(
        department=department, is_major=bool(is_major), opens_on=opens, closes_on=closes, created_by=actor, **fields,
    )
    count = _articles_replace(solicitation, articles_split(fields["body"]))
    audit_record(actor=actor, action="participation.solicitation.create", obj=solicitation,
                 details={"title": solicitation.title, "articles": count, "is_major": solicitation.is_major})
    return solicitation


def _locked_draft(solicitation: Solicitation) -> Solicitation:
    locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    if locked.status != Solicitation.Status.DRAFT:
        raise Conflict("征求意见稿已发布,不能再修改", code="solicitation_published")
    return locked


@transaction.atomic
def solicitation_update(*, actor, solicitation: Solicitation, title, body, background: str = "",
                        is_major: bool = False, opens_on=None, closes_on=None, contact: str = "",
                        resplit: bool = False) -> Solicitation:
    """Edit a draft; a changed text (or ``resplit``) splits the articles again, discarding their edits."""
    require_department(actor, solicitation.department, DRAFT_ROLES, "信息员或审核员")
    locked = _locked_draft(solicitation)
    fields = _fields(title=title, background=background, body=body, contact=contact)
    opens = parse_date(opens_on, label="开始日期") if opens_on else locked.opens_on
    closes = parse_date(closes_on, label="截止日期") if closes_on else comment_period_default(
        is_major=bool(is_major), opens_on=opens)
    _period_check(is_major=bool(is_major), opens_on=opens, closes_on=closes)
    body_changed = fields["body"] != locked.body
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.is_major, locked.opens_on, locked.closes_on = bool(is_major), opens, closes
    locked.save()
    count = None
    if body_changed or resplit:
        count = _articles_replace(locked, articles_split(locked.body))
    audit_record(actor=actor, action="participation.solicitation.update", obj=locked,
                 details={"title": locked.title, "resplit_articles": count})
    sync_instance(solicitation, locked)
    return locked


@transaction.atomic
def solicitation_articles_update(*, actor, solicitation: Solicitation, articles: list[dict]) -> int:
    """Replace the draft's articles by the edited list (label, text, heading); empty texts are dropped."""
    require_department(actor, solicitation.department, DRAFT_ROLES, "信息员或审核员")
    locked = _locked_draft(solicitation)
    if not isinstance(articles, list) or len(articles) > 500:
        raise ValidationFailed("条文格式不正确", code="articles_invalid")
    from ..articles import ArticleDraft

    drafts = []
    for i, row in enumerate(articles, start=1):
        if not isinstance(row, dict):
            raise ValidationFailed("条文格式不正确", code="articles_invalid")
        text = clean_plain_text(row.get("text", ""), label=f"第 {i} 项条文", max_length=ARTICLE_MAX,
                                required=False, code="article")
        if not text:
            continue
        label = clean_line(row.get("label", ""), label=f"第 {i} 项的条号", max_length=40, code="article_label")
        heading = clean_line(row.get("heading", ""), label=f"第 {i} 项的章节", max_length=200, required=False,
                             code="article_heading")
        drafts.append(ArticleDraft(label=label, text=text, heading=heading))
    count = _articles_replace(locked, drafts)
    audit_record(actor=actor, action="participation.solicitation.articles_update", obj=locked,
                 details={"articles": count})
    return count


@transaction.atomic
def solicitation_publish(*, actor, solicitation: Solicitation) -> Solicitation:
    """Publish a draft (审核员 of its department); its period must still be ahead or running."""
    require_department(actor, solicitation.department, PUBLISH_ROLES, "审核员")
    locked = _locked_draft(solicitation)
    today = timezone.localdate()
    if locked.opens_on < today:
        raise ValidationFailed("开始日期已过,请把开始日期改为今天或以后再发布", code="opens_in_past")
    _period_check(is_major=locked.is_major, opens_on=locked.opens_on, closes_on=locked.closes_on)
    if not locked.articles.exists():
        raise ValidationFailed("征求意见稿没有条文,请先拆分或填写条文", code="no_articles")
    locked.status = Solicitation.Status.PUBLISHED
    locked.published_by, locked.published_at = actor, timezone.now()
    locked.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    audit_record(actor=actor, action="participation.solicitation.publish", obj=locked,
                 details={"title": locked.title, "opens_on": locked.opens_on.isoformat(),
                          "closes_on": locked.closes_on.isoformat()})
    search_index_later(SEARCH_DOC_TYPE, locked.pk)
    sync_instance(solicitation, locked)
    return locked


# ------------------------------------------------------------------ comments


def _closed_message(solicitation: Solicitation, phase: str) -> str:
    if phase == Phase.UPCOMING:
        return f"本次意见征集将于 {solicitation.opens_on:%Y年%m月%d日} 开始,届时欢迎提出意见"
    return f"本次意见征集已于 {solicitation.closes_on:%Y年%m月%d日} 截止,不再接受意见"


def comment_submit(*, actor, solicitation: Solicitation, text, article_id=None) -> Comment:
    """Record a real-name citizen's or enterprise's comment on the whole draft or on one article.

    Refused outside the period, over the length limit, with a blocking sensitive word, or
    beyond the per-user rate limit (ZHENGWU_PARTICIPATION_COMMENTS_PER_HOUR, default 10)
    and per-draft cap (COMMENTS_PER_DRAFT, default 30). Markup is removed, not kept.
    """
    if actor is None or not is_applicant(actor):
        raise PermissionDenied("请以实名认证的个人或企业账户登录后提出意见", code="applicant_only")
    phase = solicitation.phase(timezone.localdate())
    if phase == Phase.DRAFT:
        raise NotFound("未找到该意见征集", code="solicitation_not_found")
    if phase != Phase.OPEN:
        raise ValidationFailed(_closed_message(solicitation, phase), code="solicitation_closed")
    body = clean_plain_text(text, label="意见内容", max_length=COMMENT_MAX, code="comment")
    article = None
    if article_id not in (None, ""):
        try:
            article = solicitation.articles.filter(pk=int(article_id)).first()
        except (TypeError, ValueError):
            article = None
        if article is None:
            raise ValidationFailed("所选条文不属于本征求意见稿", code="article_invalid")
    moderation_refuse(text=body, label="意见内容")
    rate_limit(key=f"participation:comment:user:{actor.pk}", limit=int(setting("COMMENTS_PER_HOUR", 10)),
               window_seconds=3600)
    with transaction.atomic():
        cap = int(setting("COMMENTS_PER_DRAFT", 30))
        if Comment.objects.filter(solicitation=solicitation, author=actor).count() >= cap:
            raise ValidationFailed(f"每人对同一征求意见稿最多提出 {cap} 条意见", code="comment_cap")
        comment = Comment.objects.create(solicitation=solicitation, article=article, author=actor, text=body)
        # The public page shows how many comments arrived, hence a "participation." action.
        audit_record(actor=actor, action="participation.comment.create", obj=comment,
                     details={"solicitation_id": solicitation.pk, "article": article.label if article else "全文",
                              "length": len(body)})
    return comment


def _require_comment_staff(actor, comment: Comment, roles, what) -> None:
    require_department(actor, comment.solicitation.department, roles, what)


def comment_mask_suggestion(*, comment: Comment) -> str:
    return personal_data_mask(comment.text, names=[comment.author.real_name])


@transaction.atomic
def comment_publish(*, actor, comment: Comment, published_text=None) -> Comment:
    """Publish a comment under the draft, masked of personal data; staff review the masked text first."""
    _require_comment_staff(actor, comment, PUBLISH_ROLES, "审核员")
    if comment.solicitation.status != Solicitation.Status.PUBLISHED:
        raise Conflict("征求意见稿尚未发布", code="solicitation_draft")
    source = comment_mask_suggestion(comment=comment) if published_text in (None, "") else published_text
    text = clean_plain_text(source, label="公开文本", max_length=COMMENT_MAX, code="published_text")
    # Masked again: an edit by staff must not bring a number back.
    text = personal_data_mask(text, names=[comment.author.real_name])
    comment.published_text, comment.published_at = text, timezone.now()
    comment.save(update_fields=["published_text", "published_at"])
    audit_record(actor=actor, action="participation.comment.publish", obj=comment,
                 details={"solicitation_id": comment.solicitation_id})
    return comment


@transaction.atomic
def comment_unpublish(*, actor, comment: Comment) -> Comment:
    _require_comment_staff(actor, comment, PUBLISH_ROLES, "审核员")
    comment.published_text, comment.published_at = "", None
    comment.save(update_fields=["published_text", "published_at"])
    audit_record(actor=actor, action="participation.comment.unpublish", obj=comment,
                 details={"solicitation_id": comment.solicitation_id})
    return comment


# ------------------------------------------------------------------ adoption (采纳情况)


def _decision(value) -> str:
    if value not in Decision.values:
        raise ValidationFailed("请选择采纳情况(采纳、部分采纳或不予采纳)", code="decision_invalid")
    return value


def _reason(value, decision: str) -> str:
    # "Not adopted" and "partly" owe the writer a reason; "adopted" may say how.
    required = decision != Decision.ADOPTED
    return clean_plain_text(value, label="理由说明", max_length=REASON_MAX, required=required, code="reason")


def _require_closed(solicitation: Solicitation) -> None:
    phase = solicitation.phase(timezone.localdate())
    if phase == Phase.SUMMARY:
        raise Conflict("采纳情况已公布,不能再修改", code="summary_published")
    if phase != Phase.CLOSED:
        raise ValidationFailed("征求意见期结束后才能填写采纳情况", code="solicitation_not_closed")


@transaction.atomic
def comment_decide(*, actor, comment: Comment, decision, reason="") -> Comment:
    """Record the adoption decision for one comment (taking it out of any group)."""
    _require_comment_staff(actor, comment, DRAFT_ROLES, "信息员或审核员")
    _require_closed(comment.solicitation)
    value = _decision(decision)
    comment.decision, comment.reason, comment.group = value, _reason(reason, value), None
    comment.save(update_fields=["decision", "reason", "group"])
    audit_record(actor=actor, action="participation.comment.decide", obj=comment,
                 details={"solicitation_id": comment.solicitation_id, "decision": value})
    return comment


@transaction.atomic
def adoption_group_create(*, actor, solicitation: Solicitation, comment_ids, title, decision, reason="") -> AdoptionGroup:
    """Answer several similar comments together: one summary line, one decision, one reason."""
    require_department(actor, solicitation.department, DRAFT_ROLES, "信息员或审核员")
    _require_closed(solicitation)
    try:
        ids = {int(i) for i in comment_ids or []}
    except (TypeError, ValueError):
        raise ValidationFailed("所选意见不正确", code="group_comments_invalid") from None
    comments = list(Comment.objects.filter(solicitation=solicitation, pk__in=ids))
    if not comments or len(comments) != len(ids):
        raise ValidationFailed("请勾选本征求意见稿中要归类答复的意见", code="group_comments_invalid")
    value = _decision(decision)
    group = AdoptionGroup.objects.create(
        solicitation=solicitation, title=clean_line(title, label="意见归纳", max_length=300, code="group_title"),
        decision=value, reason=_reason(reason, value), created_by=actor,
    )
    Comment.objects.filter(pk__in=ids).update(group=group, decision="", reason="")
    audit_record(actor=actor, action="participation.adoption_group.create", obj=group,
                 details={"solicitation_id": solicitation.pk, "comments": sorted(ids), "decision": value})
    return group


@transaction.atomic
def adoption_summary_publish(*, actor, solicitation: Solicitation, summary) -> Solicitation:
    """Publish 采纳情况 once every comment has a decision; the public page then shows the counts and reasons."""
    from ..selectors import adoption_counts

    require_department(actor, solicitation.department, PUBLISH_ROLES, "审核员")
    locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    _require_closed(locked)
    text = clean_plain_text(summary, label="采纳情况总体说明", max_length=SUMMARY_MAX, code="summary")
    counts = adoption_counts(solicitation=locked)
    if counts["undecided"]:
        raise ValidationFailed(f"还有 {counts['undecided']} 条意见未填写采纳情况", code="comments_undecided",
                               details=counts)
    locked.summary = text
    locked.summary_published_at, locked.summary_published_by = timezone.now(), actor
    locked.save(update_fields=["summary", "summary_published_at", "summary_published_by", "updated_at"])
    audit_record(actor=actor, action="participation.solicitation.summary_publish", obj=locked, details=counts)
    search_index_later(SEARCH_DOC_TYPE, locked.pk)
    sync_instance(solicitation, locked)
    return locked
