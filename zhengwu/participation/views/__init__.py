"""Public pages of 公众参与: solicitations with comments, questionnaires with their forms and results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from zhengwu.core.bounds import is_id_text
from zhengwu.core import request_context
from zhengwu.core.access import APPLICANT, PUBLIC, access, is_applicant
from zhengwu.core.errors import DomainError
from zhengwu.core.page_cache import cached_public_page

from .. import selectors, services
from ..models import Phase, Question, Questionnaire
from ..poll_cookie import browser_token_ensure, browser_token_read

# Page-cache scope of the pages that show live comment and answer counts: a comment or an
# answer refreshes these, not every cached public page (see apps.py).
PARTICIPATION_SCOPE = "participation"

SOLICITATION_TABS = [
    ("", "全部"), (Phase.OPEN, "正在征集"), (Phase.CLOSED, "已结束"), (Phase.SUMMARY, "已公布采纳情况"),
]
QUESTIONNAIRE_TABS = [("", "全部"), (Phase.OPEN, "进行中"), (Phase.CLOSED, "已结束")]


def _page(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if is_id_text(raw) and 0 < int(raw) < 10_000 else 1


@access(PUBLIC)
@require_safe
@cached_public_page(scopes=(PARTICIPATION_SCOPE,))
def solicitation_list(request):
    phase = request.GET.get("phase", "")
    if phase not in dict(SOLICITATION_TABS):
        phase = ""
    page = _page(request)
    today = timezone.localdate()
    rows, more = selectors.solicitation_list_public(today=today, phase=phase or None, page=page)
    for row in rows:
        row.current_phase = row.phase(today)
        row.current_phase_label = Phase(row.current_phase).label
    return render(request, "participation/solicitation_list.html", {
        "nav": "participation", "rows": rows, "tabs": SOLICITATION_TABS, "phase": phase,
        "page": page, "more": more,
    })


def _solicitation_context(request, solicitation, *, form=None, error=None) -> dict:
    today = timezone.localdate()
    phase = solicitation.phase(today)
    counts = selectors.adoption_counts(solicitation=solicitation)
    return {
        "nav": "participation",
        "s": solicitation,
        "phase": phase,
        "phase_label": Phase(phase).label,
        "is_open": phase == Phase.OPEN,
        "articles": list(solicitation.articles.all()),
        "published_comments": selectors.comments_published(solicitation=solicitation),
        "counts": counts,
        "reasons": selectors.adoption_reasons(solicitation=solicitation) if phase == Phase.SUMMARY else [],
        "can_comment": is_applicant(request.user),
        "form": form or {"text": "", "article": request.GET.get("article", "")},
        "error": error,
        "comment_max": services.solicitations.COMMENT_MAX,
    }


@access(PUBLIC)
@require_safe
@cached_public_page(scopes=(PARTICIPATION_SCOPE,))
def solicitation_detail(request, solicitation_id):
    solicitation = selectors.solicitation_get_public(solicitation_id=solicitation_id)
    if solicitation is None:
        raise Http404("未找到该意见征集")
    return render(request, "participation/solicitation_detail.html", _solicitation_context(request, solicitation))


@access(APPLICANT)
@require_POST
def comment_submit(request, solicitation_id):
    solicitation = selectors.solicitation_get_public(solicitation_id=solicitation_id)
    if solicitation is None:
        raise Http404("未找到该意见征集")
    form = {"text": request.POST.get("text", ""), "article": request.POST.get("article", "")}
    try:
        services.comment_submit(actor=request.user, solicitation=solicitation, text=form["text"],
                                article_id=form["article"] or None)
    except DomainError as exc:
        context = _solicitation_context(request, solicitation, form=form, error=exc.message)
        return render(request, "participation/solicitation_detail.html", context, status=exc.status)
    messages.success(request, "您的意见已提交,感谢参与!征集结束后我们将公布意见采纳情况。")
    return HttpResponseRedirect(reverse("participation:solicitation_detail", args=[solicitation.pk]) + "#comment-form")


# ------------------------------------------------------------------ questionnaires


@access(PUBLIC)
@require_safe
@cached_public_page(scopes=(PARTICIPATION_SCOPE,))
def questionnaire_list(request):
    phase = request.GET.get("phase", "")
    if phase not in dict(QUESTIONNAIRE_TABS):
        phase = ""
    today = timezone.localdate()
    rows = selectors.questionnaire_list_public(today=today, phase=phase or None)
    for row in rows:
        row.current_phase = row.phase(today)
        row.current_phase_label = Phase(row.current_phase).label
        row.results_visible = row.results_public(today)
    return render(request, "participation/questionnaire_list.html", {
        "nav": "participation", "rows": rows, "tabs": QUESTIONNAIRE_TABS, "phase": phase,
    })


def _answers_from_post(questionnaire: Questionnaire, post) -> dict:
    answers = {}
    for q in questionnaire.questions.all():
        key = f"q{q.pk}"
        if q.kind == Question.Kind.MULTIPLE:
            answers[str(q.pk)] = post.getlist(key)
        else:
            answers[str(q.pk)] = post.get(key, "")
    return answers


@access(PUBLIC)
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire_detail(request, questionnaire_id):
    questionnaire = selectors.questionnaire_get_public(questionnaire_id=questionnaire_id)
    if questionnaire is None:
        raise Http404("未找到该问卷")
    real_name = questionnaire.identity_mode == Questionnaire.IdentityMode.REAL_NAME
    token = None if real_name else browser_token_read(request)
    error, status, chosen = None, 200, {}
    if request.method == "POST":
        if real_name and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        answers = _answers_from_post(questionnaire, request.POST)
        chosen = {k: v if isinstance(v, list) else [v] for k, v in answers.items()}
        try:
            services.response_submit(
                actor=request.user if request.user.is_authenticated else None, questionnaire=questionnaire,
                answers=answers, browser_token=token, ip=request_context.current().ip,
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            noun = "投票" if questionnaire.kind == Questionnaire.Kind.VOTE else "问卷"
            messages.success(request, f"{noun}已提交,感谢您的参与!")
            return HttpResponseRedirect(reverse("participation:questionnaire_detail", args=[questionnaire.pk]))
    today = timezone.localdate()
    phase = questionnaire.phase(today)
    user = request.user if request.user.is_authenticated else None
    responded = selectors.has_responded(questionnaire=questionnaire, user=user, browser_token=token)
    response = render(request, "participation/questionnaire_detail.html", {
        "nav": "participation",
        "q": questionnaire,
        "questions": list(questionnaire.questions.all()),
        "phase": phase,
        "phase_label": Phase(phase).label,
        "is_open": phase == Phase.OPEN,
        "real_name": real_name,
        "may_answer": (is_applicant(request.user) if real_name else True),
        "responded": responded,
        "responded_message": services.already_answered_message(questionnaire),
        "results_visible": questionnaire.results_public(today)
        or selectors.user_is_questionnaire_staff(user=request.user, questionnaire=questionnaire),
        "error": error,
        "chosen": chosen,
        "scores": range(1, 6),
    }, status=status)
    if not real_name:
        browser_token_ensure(request, response, token)
    return response


@access(PUBLIC)
@require_safe
@cached_public_page(scopes=(PARTICIPATION_SCOPE,))
def questionnaire_results(request, questionnaire_id):
    questionnaire = selectors.questionnaire_get_public(questionnaire_id=questionnaire_id)
    if questionnaire is None:
        raise Http404("未找到该问卷")
    today = timezone.localdate()
    staff = selectors.user_is_questionnaire_staff(user=request.user, questionnaire=questionnaire)
    visible = staff or questionnaire.results_public(today)
    results = selectors.questionnaire_results(questionnaire=questionnaire, include_text=staff) if visible else None
    if results is not None:
        for item in results["questions"]:
            item["chart_id"] = f"chart-q{item['id']}"
    return render(request, "participation/questionnaire_results.html", {
        "nav": "participation",
        "q": questionnaire,
        "phase_label": Phase(questionnaire.phase(today)).label,
        "visible": visible,
        "staff": staff,
        "results": results,
        "chart_data": {"questions": [
            {k: v for k, v in item.items() if k != "texts"} for item in (results or {}).get("questions", [])
        ]},
    })
