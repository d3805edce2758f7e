"""The person's own comments and survey answers in the download of their data (个人信息保护法 art. 45)."""

from __future__ import annotations

from django.utils import timezone

from .models import Answer, Comment, Response


def _at(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def comments_export(user) -> list[dict]:
    rows = Comment.objects.filter(author_id=user.pk).select_related("solicitation", "article").order_by("created_at", "pk")
    return [
        {"意见征集": c.solicitation.title, "针对条文": str(c.article) if c.article_id else "", "意见内容": c.text,
         "提交时间": _at(c.created_at), "采纳情况": c.get_decision_display() if c.decision else ""}
        for c in rows
    ]


def answers_export(user) -> list[dict]:
    """Only answers given while signed in: anonymous answers cannot be told apart from others'."""
    responses = Response.objects.filter(respondent_id=user.pk).select_related("questionnaire").order_by("created_at", "pk")
    answers: dict[int, list[dict]] = {}
    for a in Answer.objects.filter(response__in=responses).select_related("question", "choice").order_by("response", "question__position", "pk"):
        answers.setdefault(a.response_id, []).append({
            "题目": a.question.text, "选项": a.choice.label if a.choice_id else "",
            "评分": a.rating, "填写内容": a.text,
        })
    return [
        {"问卷": r.questionnaire.title, "提交时间": _at(r.created_at), "答案": answers.get(r.pk, [])}
        for r in responses
    ]
