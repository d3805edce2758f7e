"""Reads of 公众参与: public lists and details, adoption counts, survey results (grouped in SQL)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Prefetch, Q, Value
from django.db.models.functions import Coalesce, NullIf

from zhengwu.org import responsibility

from .models import (
    AdoptionGroup,
    Answer,
    Article,
    Comment,
    Decision,
    Phase,
    Question,
    Questionnaire,
    Response,
    Solicitation,
)
from .services.common import DRAFT_ROLES

PAGE_SIZE = 20
TEXT_ANSWERS_LIMIT = 200


def _phase_filter(phase: str | None, today: date) -> Q:
    """The Q for a public phase (open / closed / summary / upcoming); anything else means all public."""
    if phase == Phase.OPEN:
        return Q(opens_on__lte=today, closes_on__gte=today)
    if phase == Phase.UPCOMING:
        return Q(opens_on__gt=today)
    if phase == Phase.CLOSED:
        return Q(closes_on__lt=today)
    return Q()


# ------------------------------------------------------------------ 意见征集


def solicitation_list_public(*, today: date, phase: str | None = None, page: int = 1) -> tuple[list[Solicitation], bool]:
    """Published solicitations of one phase, newest first, with their comment counts; (rows, has_more)."""
    qs = Solicitation.objects.filter(status=Solicitation.Status.PUBLISHED).select_related("department")
    if phase == Phase.SUMMARY:
        qs = qs.filter(summary_published_at__isnull=False)
    else:
        qs = qs.filter(_phase_filter(phase, today))
        if phase == Phase.CLOSED:
            qs = qs.filter(summary_published_at__isnull=True)
    qs = qs.annotate(comment_count=Count("comments")).order_by("-opens_on", "-id")
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(qs[start:start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def solicitation_get_public(*, solicitation_id) -> Solicitation | None:
    return (
        Solicitation.objects.filter(pk=solicitation_id, status=Solicitation.Status.PUBLISHED)
        .select_related("department")
        .prefetch_related(Prefetch("articles", queryset=Article.objects.order_by("position")))
        .first()
    )


def comments_published(*, solicitation: Solicitation) -> list[Comment]:
    return list(
        Comment.objects.filter(solicitation=solicitation, published_at__isnull=False)
        .select_related("article").order_by("published_at", "id")
    )


def _effective_decision():
    # A grouped comment takes its group's decision; "" (undecided) counts as NULL.
    return Coalesce(F("group__decision"), NullIf(F("decision"), Value("")))


def adoption_counts(*, solicitation: Solicitation) -> dict:
    """Comments by effective decision in one aggregate query: adopted, partly, not_adopted, undecided, total."""
    row = (
        Comment.objects.filter(solicitation=solicitation)
        .annotate(effective=_effective_decision())
        .aggregate(
            total=Count("id"),
            adopted=Count("id", filter=Q(effective=Decision.ADOPTED)),
            partly=Count("id", filter=Q(effective=Decision.PARTLY)),
            not_adopted=Count("id", filter=Q(effective=Decision.NOT_ADOPTED)),
        )
    )
    row["undecided"] = row["total"] - row["adopted"] - row["partly"] - row["not_adopted"]
    return row


def adoption_reasons(*, solicitation: Solicitation) -> list[dict]:
    """The public reasons: each group (with how many comments it answers) and each individually decided comment."""
    out = []
    groups = AdoptionGroup.objects.filter(solicitation=solicitation).annotate(n=Count("comments")).order_by("id")
    for g in groups:
        if g.n:
            out.append({"title": g.title, "decision": g.decision, "decision_label": g.get_decision_display(),
                        "reason": g.reason, "count": g.n, "article": ""})
    singles = (
        Comment.objects.filter(solicitation=solicitation, group__isnull=True).exclude(decision="")
        .select_related("article").order_by("created_at", "id")
    )
    for c in singles:
        out.append({
            "title": c.published_text if c.published_at else "",
            "decision": c.decision, "decision_label": c.get_decision_display(), "reason": c.reason, "count": 1,
            "article": c.article.label if c.article_id else "全文",
        })
    return out


def solicitation_list_for_staff(*, user) -> list[Solicitation]:
    return list(
        Solicitation.objects.filter(responsibility.acts_for_q(user, "department_id", DRAFT_ROLES)).select_related("department")
        .annotate(comment_count=Count("comments")).order_by("-created_at", "-id")[:200]
    )


def solicitation_get_for_staff(*, user, solicitation_id) -> Solicitation | None:
    """The solicitation if it belongs to one of the user's departments; otherwise None (the view's 404)."""
    try:
        pk = int(solicitation_id)
    except (TypeError, ValueError):
        return None
    return (
        Solicitation.objects.filter(responsibility.acts_for_q(user, "department_id", DRAFT_ROLES), pk=pk)
        .select_related("department", "created_by", "published_by")
        .prefetch_related(Prefetch("articles", queryset=Article.objects.order_by("position")))
        .first()
    )


def comments_for_staff(*, solicitation: Solicitation) -> list[Comment]:
    return list(
        Comment.objects.filter(solicitation=solicitation)
        .select_related("article", "author", "group").order_by("created_at", "id")
    )


# ------------------------------------------------------------------ 网上调查 / 评选


def questionnaire_list_public(*, today: date, phase: str | None = None, kind: str | None = None) -> list[Questionnaire]:
    qs = (
        Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).filter(_phase_filter(phase, today))
        .select_related("department").annotate(response_count=Count("responses"))
    )
    if kind in Questionnaire.Kind.values:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("-opens_on", "-id")[:100])


def questionnaire_get_public(*, questionnaire_id) -> Questionnaire | None:
    try:
        pk = int(questionnaire_id)
    except (TypeError, ValueError):
        return None
    return (
        Questionnaire.objects.filter(pk=pk, status=Questionnaire.Status.PUBLISHED).select_related("department")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("position").prefetch_related("choices")))
        .first()
    )


def questionnaire_list_for_staff(*, user) -> list[Questionnaire]:
    return list(
        Questionnaire.objects.filter(responsibility.acts_for_q(user, "department_id", DRAFT_ROLES)).select_related("department")
        .annotate(response_count=Count("responses")).order_by("-created_at", "-id")[:200]
    )


def questionnaire_get_for_staff(*, user, questionnaire_id) -> Questionnaire | None:
    try:
        pk = int(questionnaire_id)
    except (TypeError, ValueError):
        return None
    return (
        Questionnaire.objects.filter(responsibility.acts_for_q(user, "department_id", DRAFT_ROLES), pk=pk).select_related("department")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("position").prefetch_related("choices")))
        .first()
    )


def user_is_questionnaire_staff(*, user, questionnaire: Questionnaire) -> bool:
    return responsibility.acts_for(user, unit_id=questionnaire.department_id, roles=DRAFT_ROLES)


def has_responded(*, questionnaire: Questionnaire, user=None, browser_token: str | None = None) -> bool:
    if questionnaire.identity_mode == Questionnaire.IdentityMode.REAL_NAME:
        if not getattr(user, "pk", None):
            return False
        return Response.objects.filter(questionnaire=questionnaire, respondent_id=user.pk).exists()
    if not browser_token:
        return False
    return Response.objects.filter(questionnaire=questionnaire, browser_token=browser_token).exists()


def questionnaire_results(*, questionnaire: Questionnaire, include_text: bool = False) -> dict:
    """Counts per option and per score, averages and answer counts: four grouped queries, whatever the size.

    ``percent`` of an option is its share of the people who answered that question.
    Text answers (free text may hold anything a person typed) only when ``include_text``.
    """
    questions = list(questionnaire.questions.order_by("position").prefetch_related("choices"))
    total = Response.objects.filter(questionnaire=questionnaire).count()
    answers = Answer.objects.filter(question__questionnaire=questionnaire)
    answered = dict(answers.values_list("question_id").annotate(n=Count("response_id", distinct=True))
                    .values_list("question_id", "n"))
    by_choice = dict(answers.filter(choice__isnull=False).values_list("choice_id").annotate(n=Count("id"))
                     .values_list("choice_id", "n"))
    by_rating: dict[int, dict[int, int]] = {}
    for qid, score, n in (answers.filter(rating__isnull=False).values_list("question_id", "rating")
                          .annotate(n=Count("id")).values_list("question_id", "rating", "n")):
        by_rating.setdefault(qid, {})[score] = n
    texts: dict[int, list[str]] = {}
    if include_text:
        for qid, text in (answers.filter(question__kind=Question.Kind.TEXT).exclude(text="")
                          .order_by("question_id", "-id").values_list("question_id", "text")):
            bucket = texts.setdefault(qid, [])
            if len(bucket) < TEXT_ANSWERS_LIMIT:
                bucket.append(text)
    out = []
    for q in questions:
        n = answered.get(q.pk, 0)
        item = {"id": q.pk, "position": q.position, "text": q.text, "kind": q.kind,
                "kind_label": q.get_kind_display(), "answered": n}
        if q.has_choices:
            item["choices"] = [
                {"id": c.pk, "label": c.label, "count": by_choice.get(c.pk, 0),
                 "percent": round(100 * by_choice.get(c.pk, 0) / n, 1) if n else 0.0}
                for c in q.choices.all()
            ]
        elif q.kind == Question.Kind.RATING:
            dist = by_rating.get(q.pk, {})
            count = sum(dist.values())
            item["ratings"] = [{"score": s, "count": dist.get(s, 0)} for s in range(1, 6)]
            item["average"] = round(sum(s * c for s, c in dist.items()) / count, 2) if count else None
        else:
            item["texts"] = texts.get(q.pk, []) if include_text else None
        out.append(item)
    return {"questionnaire_id": questionnaire.pk, "title": questionnaire.title, "total": total, "questions": out}
