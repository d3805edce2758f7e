"""/api/v1/participation/: public solicitations and questionnaires, comments, responses, results."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.utils import check_csrf

from zhengwu.core import request_context
from zhengwu.core.api_auth import applicant_auth, public_auth
from zhengwu.core.errors import PermissionDenied
from zhengwu.core.openapi import ObjectId, error_responses
from zhengwu.core.page_cache import cached_public_page

from . import selectors, services
from .models import Phase, Questionnaire
from .poll_cookie import browser_token_ensure, browser_token_read

router = Router(tags=["意见征集与网上调查"])


class SolicitationRow(Schema):
    id: int
    title: str
    department: str
    is_major: bool
    opens_on: date
    closes_on: date
    phase: str
    phase_label: str
    comment_count: int


class SolicitationPage(Schema):
    items: list[SolicitationRow]
    page: int
    has_more: bool


class ArticleOut(Schema):
    id: int
    label: str
    heading: str
    text: str


class AdoptionCounts(Schema):
    total: int
    adopted: int
    partly: int
    not_adopted: int


class AdoptionReason(Schema):
    title: str
    article: str
    count: int
    decision: str
    decision_label: str
    reason: str


class PublishedComment(Schema):
    article: str
    text: str
    created_on: date


class SolicitationDetail(SolicitationRow):
    background: str
    contact: str
    articles: list[ArticleOut]
    published_comments: list[PublishedComment]
    adoption: AdoptionCounts | None
    adoption_summary: str | None
    adoption_reasons: list[AdoptionReason]


class SolicitationFilter(Schema):
    phase: Phase | None = None
    page: int = Field(1, ge=1, le=10_000)


class CommentIn(Schema):
    text: str = Field(..., max_length=100_000)
    article_id: int | None = None


class CommentOut(Schema):
    id: int
    message: str


def _row(s, today) -> dict:
    phase = s.phase(today)
    return {
        "id": s.pk, "title": s.title, "department": s.department.name, "is_major": s.is_major,
        "opens_on": s.opens_on, "closes_on": s.closes_on, "phase": phase, "phase_label": Phase(phase).label,
        "comment_count": getattr(s, "comment_count", 0),
    }


@decorate_view(cached_public_page)
@router.get("/solicitations", response=SolicitationPage, auth=public_auth, summary="意见征集列表")
def solicitation_list(request, filters: Query[SolicitationFilter]):
    today = timezone.localdate()
    rows, more = selectors.solicitation_list_public(today=today, phase=filters.phase, page=filters.page)
    return {"items": [_row(s, today) for s in rows], "page": filters.page, "has_more": more}


@decorate_view(cached_public_page)
@router.get("/solicitations/{solicitation_id}", response=SolicitationDetail, auth=public_auth, summary="意见征集详情")
def solicitation_detail(request, solicitation_id: ObjectId):
    s = selectors.solicitation_get_public(solicitation_id=solicitation_id)
    if s is None:
        raise Http404
    today = timezone.localdate()
    counts = selectors.adoption_counts(solicitation=s)
    summary = s.phase(today) == Phase.SUMMARY
    return {
        **_row(s, today), "comment_count": counts["total"],
        "background": s.background, "contact": s.contact,
        "articles": [{"id": a.pk, "label": a.label, "heading": a.heading, "text": a.text} for a in s.articles.all()],
        "published_comments": [
            {"article": c.article.label if c.article_id else "全文", "text": c.published_text,
             "created_on": timezone.localtime(c.created_at).date()}
            for c in selectors.comments_published(solicitation=s)
        ],
        "adoption": counts if summary else None,
        "adoption_summary": s.summary if summary else None,
        "adoption_reasons": selectors.adoption_reasons(solicitation=s) if summary else [],
    }


@router.post("/solicitations/{solicitation_id}/comments", response={201: CommentOut}, auth=applicant_auth,
             summary="提出意见(实名个人或企业)", openapi_extra=error_responses(409, 429))
def comment_submit(request, solicitation_id: ObjectId, payload: CommentIn):
    s = selectors.solicitation_get_public(solicitation_id=solicitation_id)
    if s is None:
        raise Http404
    comment = services.comment_submit(actor=request.auth, solicitation=s, text=payload.text,
                                      article_id=payload.article_id)
    return 201, {"id": comment.pk, "message": "意见已提交,感谢参与"}


# ------------------------------------------------------------------ questionnaires


class ChoiceOut(Schema):
    id: int
    label: str


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    required: bool
    min_choices: int
    max_choices: int
    choices: list[ChoiceOut]


class QuestionnaireRow(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    identity_mode: str
    results_mode: str
    department: str
    opens_on: date
    closes_on: date
    phase: str
    results_public: bool


class QuestionnaireDetail(QuestionnaireRow):
    description: str
    questions: list[QuestionOut]


class QuestionnaireFilter(Schema):
    phase: Phase | None = None
    kind: Questionnaire.Kind | None = None


class ResponseIn(Schema):
    # Question id → option id, list of option ids, score 1–5 or text.
    answers: dict[str, int | str | list[int | str] | None]


class ResponseOut(Schema):
    id: int
    message: str


class ChoiceCount(Schema):
    id: int
    label: str
    count: int
    percent: float


class RatingCount(Schema):
    score: int
    count: int


class QuestionResult(Schema):
    id: int
    position: int
    text: str
    kind: str
    answered: int
    choices: list[ChoiceCount] | None = None
    ratings: list[RatingCount] | None = None
    average: float | None = None


class ResultsOut(Schema):
    questionnaire_id: int
    title: str
    total: int
    questions: list[QuestionResult]


def _q_row(q, today) -> dict:
    phase = q.phase(today)
    return {
        "id": q.pk, "title": q.title, "kind": q.kind, "kind_label": q.get_kind_display(),
        "identity_mode": q.identity_mode, "results_mode": q.results_mode, "department": q.department.name,
        "opens_on": q.opens_on, "closes_on": q.closes_on, "phase": phase, "results_public": q.results_public(today),
    }


def _questionnaire(questionnaire_id):
    q = selectors.questionnaire_get_public(questionnaire_id=questionnaire_id)
    if q is None:
        raise Http404
    return q


@decorate_view(cached_public_page)
@router.get("/questionnaires", response=list[QuestionnaireRow], auth=public_auth, summary="网上调查与评选列表")
def questionnaire_list(request, filters: Query[QuestionnaireFilter]):
    today = timezone.localdate()
    rows = selectors.questionnaire_list_public(today=today, phase=filters.phase, kind=filters.kind)
    return [_q_row(q, today) for q in rows]


@decorate_view(cached_public_page)
@router.get("/questionnaires/{questionnaire_id}", response=QuestionnaireDetail, auth=public_auth, summary="问卷详情")
def questionnaire_detail(request, questionnaire_id: ObjectId, response: HttpResponse):
    q = _questionnaire(questionnaire_id)
    if q.identity_mode == Questionnaire.IdentityMode.BROWSER:
        # The token an anonymous poll counts by; a client keeps this cookie for the POST.
        browser_token_ensure(request, response, browser_token_read(request))
    return {
        **_q_row(q, timezone.localdate()), "description": q.description,
        "questions": [
            {"id": x.pk, "position": x.position, "kind": x.kind, "text": x.text, "required": x.required,
             "min_choices": x.min_choices, "max_choices": x.max_choices,
             "choices": [{"id": c.pk, "label": c.label} for c in x.choices.all()]}
            for x in q.questions.all()
        ],
    }


@router.post("/questionnaires/{questionnaire_id}/responses", response={201: ResponseOut}, auth=public_auth,
             summary="提交答卷或投票(实名问卷须登录;匿名问卷按浏览器 Cookie 限一次)",
             openapi_extra=error_responses(403, 409, 429))
def response_submit(request, questionnaire_id: ObjectId, payload: ResponseIn):
    q = _questionnaire(questionnaire_id)
    user = request.user if request.user.is_authenticated else None
    if q.identity_mode == Questionnaire.IdentityMode.REAL_NAME:
        if user is None:
            raise PermissionDenied("本问卷须以实名认证的个人或企业账户登录后填写", code="login_required")
        # Public auth skips ninja's CSRF check; a session-backed write still needs it.
        if check_csrf(request) is not None:
            raise PermissionDenied("安全校验失败(CSRF 令牌缺失或无效),请刷新页面后重试", code="csrf_failed")
        token = None
    else:
        token = browser_token_read(request)
    response = services.response_submit(actor=user, questionnaire=q, answers=payload.answers, browser_token=token,
                                        ip=request_context.current().ip)
    return 201, {"id": response.pk, "message": "提交成功,感谢参与"}


@decorate_view(cached_public_page)
@router.get("/questionnaires/{questionnaire_id}/results", response=ResultsOut, auth=public_auth,
            summary="调查/评选结果(按问卷设置实时或结束后公开)", openapi_extra=error_responses(403))
def questionnaire_results(request, questionnaire_id: ObjectId):
    q = _questionnaire(questionnaire_id)
    staff = selectors.user_is_questionnaire_staff(user=request.user, questionnaire=q)
    if not staff and not q.results_public(timezone.localdate()):
        if q.results_mode == Questionnaire.ResultsMode.AFTER_CLOSE:
            raise PermissionDenied(f"结果将在 {q.closes_on:%Y年%m月%d日} 结束后公布", code="results_not_public")
        raise PermissionDenied("本次调查的结果不对外公布", code="results_not_public")
    return selectors.questionnaire_results(questionnaire=q, include_text=False)
