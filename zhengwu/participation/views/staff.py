"""Staff pages of 公众参与 (/office/participation/): drafts, publishing, comments, adoption, surveys.

Every page is for 信息员 and 审核员; a solicitation or questionnaire of another
department answers 404, exactly like an unknown id.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from zhengwu.core.access import STAFF, access
from zhengwu.core.errors import DomainError
from zhengwu.core.confirm import always, confirm_first
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from .. import selectors, services
from ..models import Comment, Decision, Phase, Question, Questionnaire

OFFICE_ROLES = [Role.EDITOR, Role.PUBLISHER]


def _solicitation(request, solicitation_id):
    s = selectors.solicitation_get_for_staff(user=request.user, solicitation_id=solicitation_id)
    if s is None:
        raise Http404("未找到该意见征集")
    return s


def _questionnaire(request, questionnaire_id):
    q = selectors.questionnaire_get_for_staff(user=request.user, questionnaire_id=questionnaire_id)
    if q is None:
        raise Http404("未找到该问卷")
    return q


def _is_publisher(request, department_id) -> bool:
    return responsibility.acts_for(request.user, unit_id=department_id, roles=services.PUBLISH_ROLES)


@access(STAFF, roles=OFFICE_ROLES)
@require_safe
def office(request):
    today = timezone.localdate()
    solicitations = selectors.solicitation_list_for_staff(user=request.user)
    questionnaires = selectors.questionnaire_list_for_staff(user=request.user)
    for row in [*solicitations, *questionnaires]:
        row.current_phase_label = Phase(row.phase(today)).label
    return render(request, "participation/office/index.html", {
        "solicitations": solicitations, "questionnaires": questionnaires,
    })


# ------------------------------------------------------------------ solicitations


def _solicitation_form(post) -> dict:
    return {
        "department": post.get("department", ""),
        "title": post.get("title", ""),
        "background": post.get("background", ""),
        "body": post.get("body", ""),
        "is_major": post.get("is_major") == "on",
        "opens_on": post.get("opens_on", "").strip(),
        "closes_on": post.get("closes_on", "").strip(),
        "contact": post.get("contact", ""),
    }


@access(STAFF, roles=OFFICE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def solicitation_new(request):
    departments = services.department_choices(request.user)
    form = {"department": str(departments[0].pk) if departments else "", "title": "", "background": "", "body": "",
            "is_major": False, "opens_on": timezone.localdate().isoformat(), "closes_on": "", "contact": ""}
    error = None
    if request.method == "POST":
        form = _solicitation_form(request.POST)
        department = next((d for d in departments if str(d.pk) == form["department"]), None)
        if department is None:
            error = "请选择起草部门"
        else:
            try:
                s = services.solicitation_create(
                    actor=request.user, department=department,
                    **{k: v for k, v in form.items() if k != "department"},
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, f"已创建草稿,自动拆分出 {s.articles.count()} 条条文,请核对后发布")
                return HttpResponseRedirect(reverse("participation:office_solicitation", args=[s.pk]))
    return render(request, "participation/office/solicitation_form.html", {
        "form": form, "departments": departments, "error": error,
        "defaults": {"major": services.solicitations.major_default_days(),
                     "ordinary": services.solicitations.ordinary_default_days(),
                     "major_min": services.solicitations.major_minimum_days(),
                     "ordinary_min": services.solicitations.ordinary_minimum_days()},
    }, status=400 if error else 200)


@access(STAFF, roles=OFFICE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def solicitation_manage(request, solicitation_id):
    s = _solicitation(request, solicitation_id)
    error = None
    if request.method == "POST":
        form = _solicitation_form(request.POST)
        try:
            services.solicitation_update(
                actor=request.user, solicitation=s, resplit=request.POST.get("resplit") == "on",
                **{k: v for k, v in form.items() if k != "department"},
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "草稿已保存")
            return HttpResponseRedirect(reverse("participation:office_solicitation", args=[s.pk]))
    today = timezone.localdate()
    phase = s.phase(today)
    comments = selectors.comments_for_staff(solicitation=s)
    for c in comments:
        c.mask_suggestion = c.published_text or services.comment_mask_suggestion(comment=c)
    return render(request, "participation/office/solicitation_manage.html", {
        "s": s, "phase": phase, "phase_label": Phase(phase).label,
        "articles": list(s.articles.all()),
        "comments": comments,
        "counts": selectors.adoption_counts(solicitation=s),
        "decisions": Decision.choices,
        "is_draft": phase == Phase.DRAFT,
        "is_closed": phase == Phase.CLOSED,
        "is_publisher": _is_publisher(request, s.department_id),
        "error": error,
    }, status=400 if error else 200)


def _back(s):
    return HttpResponseRedirect(reverse("participation:office_solicitation", args=[s.pk]))


def _run(request, fn, success: str, **kwargs):
    try:
        fn(actor=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
def solicitation_articles(request, solicitation_id):
    s = _solicitation(request, solicitation_id)
    labels, headings, texts = (request.POST.getlist(k) for k in ("label", "heading", "text"))
    rows = [{"label": lbl, "heading": h, "text": t} for lbl, h, t in zip(labels, headings, texts, strict=False)]
    extra = request.POST.get("new_text", "")
    if extra.strip():
        rows.append({"label": request.POST.get("new_label", "") or f"第{len(rows) + 1}段", "heading": "", "text": extra})
    _run(request, services.solicitation_articles_update, "条文已保存", solicitation=s, articles=rows)
    return _back(s)


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
def solicitation_publish(request, solicitation_id):
    s = _solicitation(request, solicitation_id)
    _run(request, services.solicitation_publish, "征求意见稿已发布", solicitation=s)
    return _back(s)


def _comment(s, comment_id) -> Comment:
    comment = Comment.objects.select_related("solicitation__department", "author").filter(
        pk=comment_id, solicitation=s).first()
    if comment is None:
        raise Http404("未找到该意见")
    return comment


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
def comment_publish(request, solicitation_id, comment_id):
    s = _solicitation(request, solicitation_id)
    comment = _comment(s, comment_id)
    if request.POST.get("action") == "unpublish":
        _run(request, services.comment_unpublish, "已撤下该意见", comment=comment)
    else:
        _run(request, services.comment_publish, "已公开该意见(已脱敏)", comment=comment,
             published_text=request.POST.get("published_text", ""))
    return _back(s)


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
def comment_decide(request, solicitation_id, comment_id):
    s = _solicitation(request, solicitation_id)
    comment = _comment(s, comment_id)
    _run(request, services.comment_decide, "已记录采纳情况", comment=comment,
         decision=request.POST.get("decision", ""), reason=request.POST.get("reason", ""))
    return _back(s)


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
def adoption_group(request, solicitation_id):
    s = _solicitation(request, solicitation_id)
    _run(request, services.adoption_group_create, "已归类答复所选意见", solicitation=s,
         comment_ids=request.POST.getlist("comments"), title=request.POST.get("title", ""),
         decision=request.POST.get("decision", ""), reason=request.POST.get("reason", ""))
    return _back(s)


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
def summary_publish(request, solicitation_id):
    s = _solicitation(request, solicitation_id)
    _run(request, services.adoption_summary_publish, "采纳情况已公布", solicitation=s,
         summary=request.POST.get("summary", ""))
    return _back(s)


# ------------------------------------------------------------------ questionnaires


def _questionnaire_form(post) -> dict:
    return {k: post.get(k, "").strip() for k in (
        "department", "title", "description", "kind", "identity_mode", "results_mode", "opens_on", "closes_on")}


def _questionnaire_choices() -> dict:
    return {"kinds": Questionnaire.Kind.choices, "identity_modes": Questionnaire.IdentityMode.choices,
            "results_modes": Questionnaire.ResultsMode.choices, "question_kinds": Question.Kind.choices}


@access(STAFF, roles=OFFICE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire_new(request):
    departments = services.department_choices(request.user)
    today = timezone.localdate()
    form = {"department": str(departments[0].pk) if departments else "", "title": "", "description": "",
            "kind": Questionnaire.Kind.SURVEY, "identity_mode": Questionnaire.IdentityMode.REAL_NAME,
            "results_mode": Questionnaire.ResultsMode.AFTER_CLOSE, "opens_on": today.isoformat(), "closes_on": ""}
    error = None
    if request.method == "POST":
        form = _questionnaire_form(request.POST)
        department = next((d for d in departments if str(d.pk) == form["department"]), None)
        if department is None:
            error = "请选择发起部门"
        else:
            try:
                q = services.questionnaire_create(
                    actor=request.user, department=department,
                    **{k: v for k, v in form.items() if k != "department"},
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, "问卷已创建,请添加题目")
                return HttpResponseRedirect(reverse("participation:office_questionnaire", args=[q.pk]))
    return render(request, "participation/office/questionnaire_form.html", {
        "form": form, "departments": departments, "error": error, **_questionnaire_choices(),
    }, status=400 if error else 200)


@access(STAFF, roles=OFFICE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire_manage(request, questionnaire_id):
    q = _questionnaire(request, questionnaire_id)
    error = None
    if request.method == "POST":
        form = _questionnaire_form(request.POST)
        try:
            services.questionnaire_update(actor=request.user, questionnaire=q,
                                          **{k: v for k, v in form.items() if k != "department"})
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "问卷设置已保存")
            return HttpResponseRedirect(reverse("participation:office_questionnaire", args=[q.pk]))
    phase = q.phase(timezone.localdate())
    return render(request, "participation/office/questionnaire_manage.html", {
        "q": q, "questions": list(q.questions.all()), "phase_label": Phase(phase).label,
        "is_draft": phase == Phase.DRAFT, "is_publisher": _is_publisher(request, q.department_id),
        "response_count": q.responses.count(), "error": error,
        "form": {"title": q.title, "description": q.description, "kind": q.kind, "identity_mode": q.identity_mode,
                 "results_mode": q.results_mode, "opens_on": q.opens_on.isoformat(),
                 "closes_on": q.closes_on.isoformat()},
        **_questionnaire_choices(),
    }, status=400 if error else 200)


def _back_q(q):
    return HttpResponseRedirect(reverse("participation:office_questionnaire", args=[q.pk]))


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
def question_add(request, questionnaire_id):
    q = _questionnaire(request, questionnaire_id)
    _run(request, services.question_add, "已添加题目", questionnaire=q, kind=request.POST.get("kind", ""),
         text=request.POST.get("text", ""), required=request.POST.get("required") == "on",
         choices=request.POST.get("choices", ""), min_choices=request.POST.get("min_choices", ""),
         max_choices=request.POST.get("max_choices", ""))
    return _back_q(q)


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
@confirm_first(always("删除该题目"))
def question_delete(request, questionnaire_id, question_id):
    q = _questionnaire(request, questionnaire_id)
    question = q.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404("未找到该题目")
    _run(request, services.question_delete, "已删除题目", question=question)
    return _back_q(q)


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
def questionnaire_publish(request, questionnaire_id):
    q = _questionnaire(request, questionnaire_id)
    _run(request, services.questionnaire_publish, "问卷已发布", questionnaire=q)
    return _back_q(q)


@access(STAFF, roles=OFFICE_ROLES)
@require_safe
def questionnaire_export(request, questionnaire_id):
    q = _questionnaire(request, questionnaire_id)
    content = services.questionnaire_export(actor=request.user, questionnaire=q)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="questionnaire-{q.pk}.xlsx"'
    return response
