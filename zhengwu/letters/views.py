"""Letter pages: writing, the query by code, the writer's letters, published replies and
statistics (public); the inbox, the letter's handling and publication (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from zhengwu.core import masking, request_context
from zhengwu.core.bounds import is_id_text
from zhengwu.core.access import APPLICANT, PUBLIC, STAFF, access
from zhengwu.core.clock import COLOUR_LABELS, clock_colour
from zhengwu.core.errors import DomainError, FieldErrors, NotFound, errors_by_field
from zhengwu.core.page_cache import cached_public_page
from zhengwu.core.ratelimit import rate_limit_check
from zhengwu.core.text_masking import KIND_LABELS
from zhengwu.core.uploads import file_list
from zhengwu.core.confirm import confirm_first, when_field
from zhengwu.core.uploads.pending import FileSelection, file_selection_from_request
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from . import posts, selectors, services
from .models import (
    Category,
    Channel,
    Hop,
    Letter,
    Reply,
    Satisfaction,
    SensitiveWord,
)
from .services.common import policy_for

SESSION_LAST_CODE = "letters_last_code"
ATTACHMENTS_FIELD = "attachments"


class _Redisplay(Exception):
    """Show the form again without submitting it."""
QUERY_RATE = (20, 600)  # code lookups per IP per 10 minutes: enough for people, too few to guess


def _page(request) -> int:
    raw = request.GET.get("page", "1")
    return min(int(raw), 10_000) if is_id_text(raw) and int(raw) > 0 else 1


# ------------------------------------------------------------------ public


@access(PUBLIC)
@require_safe
@cached_public_page
def index(request):
    return render(request, "letters/index.html", {
        "channels": [(c, policy_for(c.value)) for c in Channel],
    })


@access(PUBLIC)
@require_http_methods(["GET", "HEAD", "POST"])
def write(request, channel):
    if channel not in Channel.values:
        raise Http404("没有这个来信渠道")
    policy = policy_for(channel)
    signed_in = request.user.is_authenticated
    applicant = signed_in and getattr(request.user, "kind", None) in ("citizen", "enterprise")
    form = {"category": "", "title": "", "body": "", "township": "", "addressed_to": "", "publish_consent": "",
            "anonymous": ""}
    error, status, retry_after = None, 200, 0
    field_errors: dict[str, list[str]] = {}
    selection = FileSelection(field=ATTACHMENTS_FIELD)
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        may_write = not (not signed_in and not policy.allow_anonymous) and not (signed_in and not applicant)
        if may_write:
            selection = file_selection_from_request(request, field_name=ATTACHMENTS_FIELD)
        page_errors = FieldErrors()
        for message in selection.errors:
            page_errors.add(ATTACHMENTS_FIELD, message)
        try:
            if selection.dropped:
                # A 移除 button without JavaScript: show the form again, send nothing.
                raise _Redisplay
            letter = services.letter_submit(
                actor=request.user if signed_in else None,
                channel=channel, category=form["category"], title=form["title"], body=form["body"],
                township=form["township"] or None, addressed_to=form["addressed_to"] or None,
                publish_consent=form["publish_consent"] == "1", anonymous=form["anonymous"] == "1",
                pending=selection.pending, ip=request_context.current().ip, errors=page_errors,
            )
        except _Redisplay:
            pass
        except DomainError as exc:
            field_errors = errors_by_field(exc)
            error = field_errors.pop("__all__", [None])[0] if "__all__" in field_errors else None
            if field_errors and error is None:
                count = sum(len(v) for v in field_errors.values())
                error = f"提交的内容有 {count} 处需要修改,请按提示修改后重新提交。已填写的内容和已选择的文件都已保留。"
            status, retry_after = exc.status, getattr(exc, "retry_after", 0)
        else:
            request.session[SESSION_LAST_CODE] = letter.query_code
            return HttpResponseRedirect(reverse("letters:submitted"))
    response = render(request, "letters/write.html", {
        "channel": Channel(channel), "policy": policy, "signed_in": signed_in, "applicant": applicant,
        "categories": Category.choices, "townships": selectors.townships(), "departments": selectors.departments(),
        "form": form, "error": error, "field_errors": field_errors, "selection": selection,
        "title_max": services.TITLE_MAX, "body_max": services.BODY_MAX,
    }, status=status)
    return _with_retry_after(response, retry_after)


def _with_retry_after(response, seconds: int):
    # A limit that was hit answers 429; Retry-After tells browsers and clients when to come back.
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


@access(PUBLIC)
@require_safe
def submitted(request):
    code = request.session.get(SESSION_LAST_CODE)
    if not code:
        return HttpResponseRedirect(reverse("letters:index"))
    return render(request, "letters/submitted.html", {"code": code})


@access(PUBLIC)
@require_http_methods(["GET", "HEAD", "POST"])
def query(request):
    context = {"code": "", "letter": None, "error": None}
    status, retry_after = 200, 0
    if request.method == "POST":
        code = request.POST.get("code", "")
        context["code"] = code[:32] if isinstance(code, str) else ""
        try:
            rate_limit_check(key=f"letters:query:ip:{request_context.current().ip or 'unknown'}",
                             limit=QUERY_RATE[0], window_seconds=QUERY_RATE[1])
            letter = selectors.letter_by_code(code)
        except DomainError as exc:
            context["error"], status, retry_after = exc.message, exc.status, getattr(exc, "retry_after", 0)
        else:
            context.update(_public_view(letter))
    return _with_retry_after(render(request, "letters/query.html", context, status=status), retry_after)


def _public_view(letter: Letter) -> dict:
    """What a holder of the query code may read: status, the reduced timeline, the approved reply."""
    reply = selectors.approved_reply(letter) if letter.status in (Letter.Status.REPLIED, Letter.Status.CLOSED) else None
    return {
        "letter": letter,
        "events": selectors.timeline(letter, public_only=True),
        "reply": reply,
    }


@access(APPLICANT)
@require_safe
def mine(request):
    return render(request, "letters/mine.html", {"letters": selectors.letters_of_writer(user=request.user)})


@access(APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def mine_detail(request, query_code):
    try:
        letter = selectors.letter_of_writer(user=request.user, query_code=query_code)
    except NotFound:
        raise Http404("未找到该信件") from None
    error, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "rate":
                services.letter_rate(actor=request.user, letter=letter, satisfaction=request.POST.get("satisfaction", ""),
                                     comment=request.POST.get("comment", ""))
                messages.success(request, "感谢您的评价!")
            elif action == "rehandle":
                services.letter_rehandle_request(actor=request.user, letter=letter,
                                                 reason=request.POST.get("reason", ""))
                messages.success(request, "已申请重新办理,承办部门将重新办理并答复。")
            else:
                raise NotFound("不支持的操作", code="letter_action_unknown")
        except DomainError as exc:
            error, status = exc.message, exc.status
            letter.refresh_from_db()
        else:
            return HttpResponseRedirect(reverse("letters:mine_detail", kwargs={"query_code": letter.query_code}))
    return render(request, "letters/mine_detail.html", {
        **_public_view(letter),
        "attachments": file_list(object_type=services.LETTER_OBJECT_TYPE, object_id=letter.pk),
        "satisfactions": Satisfaction.choices,
        "may_rehandle": letter.status == Letter.Status.CLOSED and letter.satisfaction == Satisfaction.UNSATISFIED
        and letter.rehandle_count == 0,
        "error": error,
    }, status=status)


@access(PUBLIC)
@require_safe
@cached_public_page
def published_list(request):
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    page = _page(request)
    rows, has_next = selectors.published_list(page=page, category=category)
    return render(request, "letters/published_list.html", {
        "rows": rows, "page": page, "has_next": has_next, "category": category, "categories": Category.choices,
    })


@access(PUBLIC)
@require_safe
@cached_public_page
def published_detail(request, publication_id):
    try:
        publication = selectors.published_get(publication_id=publication_id)
    except NotFound:
        raise Http404("未找到该公开信件") from None
    return render(request, "letters/published_detail.html", {"p": publication, "letter": publication.letter})


@access(PUBLIC)
@require_safe
@cached_public_page
def stats(request):
    rows = selectors.monthly_stats(months=12)
    return render(request, "letters/stats.html", {"rows": rows})


# ------------------------------------------------------------------ staff


@access(STAFF, roles=posts.STAFF_ROLES)
@require_safe
def staff_inbox(request):
    view = request.GET.get("view", "todo")
    if view not in selectors.INBOX_VIEWS:
        view = "todo"
    page = _page(request)
    rows, has_next = selectors.staff_inbox(user=request.user, view=view, page=page)
    for row in rows:
        row.colour_label = COLOUR_LABELS.get(row.colour, "")
    return render(request, "letters/staff_inbox.html", {
        "rows": rows, "view": view, "views": selectors.INBOX_VIEWS, "page": page, "has_next": has_next,
    })


def _route_suggestions(letter: Letter) -> list[dict] | None:
    """The routing module's top 3 for the clerk; None when routing is absent or fails."""
    try:
        from zhengwu.routing.services import routing_suggest
    except ImportError:
        return None
    try:
        raw = routing_suggest(text=f"{letter.title}\n{letter.body}") or []
    except DomainError:
        return None
    out = []
    for s in list(raw)[:3]:
        get = s.get if isinstance(s, dict) else (lambda k, _s=s: getattr(_s, k, None))
        out.append({"code": get("department_code"), "name": get("department_name"),
                    "work_areas": get("work_areas") or [], "score": get("score"), "note": get("note") or ""})
    return out


STAFF_ACTIONS = {
    "accept", "not_accept", "assign", "transfer", "joint_opinion", "reply_draft", "reply_approve", "reply_return",
    "extension_request", "extension_approve", "extension_refuse",
}


def _act(request, letter: Letter, action: str) -> str:
    p = request.POST
    actor = request.user
    if action == "accept":
        services.letter_accept(actor=actor, letter=letter)
        return "已受理"
    if action == "not_accept":
        services.letter_not_accept(actor=actor, letter=letter, reason=p.get("reason", ""))
        return "已作出不予受理决定"
    if action == "assign":
        suggested = [c for c in p.get("suggested", "").split(",") if c][:3]
        services.letter_assign(actor=actor, letter=letter, department=p.get("department", ""), reason=p.get("reason", ""),
                               co_departments=[c for c in p.getlist("co_departments") if c],
                               suggested_codes=suggested if p.get("suggested_shown") == "1" else None)
        return "已交办"
    if action == "transfer":
        services.letter_transfer(actor=actor, letter=letter, department=p.get("department", ""), reason=p.get("reason", ""))
        return "已转办"
    if action == "joint_opinion":
        services.letter_joint_opinion(actor=actor, letter=letter, opinion=p.get("opinion", ""))
        return "会办意见已提交"
    if action == "reply_draft":
        services.letter_reply_draft(actor=actor, letter=letter, body=p.get("body", ""))
        return "答复已提交部门负责人审核"
    if action == "reply_approve":
        services.letter_reply_decide(actor=actor, letter=letter, approve=True, body=p.get("body") or None)
        return "答复已批准并告知来信人"
    if action == "reply_return":
        services.letter_reply_decide(actor=actor, letter=letter, approve=False, reason=p.get("reason", ""))
        return "答复已退回承办人"
    if action == "extension_request":
        services.letter_extension_request(actor=actor, letter=letter, reason=p.get("reason", ""))
        return "延期申请已提交"
    if action in ("extension_approve", "extension_refuse"):
        services.letter_extension_decide(actor=actor, letter=letter, approve=action == "extension_approve",
                                         reason=p.get("reason", ""))
        return "延期申请已审批"
    raise NotFound("不支持的操作", code="letter_action_unknown")


def _posted(request, action: str) -> dict:
    """What the staff member typed into the failed form, to fill it in again."""
    p = request.POST
    return {
        "action": action, "department": p.get("department", ""), "co_departments": p.getlist("co_departments"),
        "reason": p.get("reason", ""), "body": p.get("body", ""), "opinion": p.get("opinion", ""),
    }


def _error_summary(field_errors: dict[str, list[str]]) -> dict:
    """The box above the forms: the mistake itself, or how many there are and each one."""
    items = [m for found in field_errors.values() for m in found]
    if len(items) == 1:
        return {"summary": items[0], "items": []}
    return {"summary": f"提交的内容有 {len(items)} 处需要修改,请按提示修改后重新提交。已填写的内容已保留。", "items": items}


@access(STAFF, roles=posts.STAFF_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
@confirm_first(when_field("action", {"not_accept": "不予受理该信件", "reply_return": "退回该答复"}))
def staff_detail(request, letter_id):
    try:
        letter = selectors.staff_letter_get(user=request.user, letter_id=letter_id)
    except NotFound:
        raise Http404("未找到该信件") from None
    posted, field_errors, error, status = {}, {}, None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _act(request, letter, action)
        except DomainError as exc:
            # Shown again on the page with every mistake and what was typed (issue 16 item 4),
            # not lost behind a redirect.
            posted = _posted(request, action)
            field_errors = errors_by_field(exc)
            error = _error_summary(field_errors)
            status = exc.status
            letter = selectors.staff_letter_get(user=request.user, letter_id=letter.pk)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("letters:staff_detail", kwargs={"letter_id": letter.pk}))
    user = request.user
    today = timezone.localdate()
    hops = selectors.hops_of(letter)
    for hop in hops:
        hop.colour = clock_colour(hop.clock, today)
        hop.colour_label = COLOUR_LABELS.get(hop.colour, "")
    clerk = posts.is_letter_clerk(user)
    mine = responsibility.posts_for(user)
    handler = mine.covers(letter.department_id, Role.HANDLER)
    head = mine.covers(letter.department_id, Role.DEPARTMENT_HEAD)
    current = next((h for h in reversed(hops) if h.kind == Hop.Kind.HANDLE and h.is_open), None)
    open_joint = [h for h in hops if h.kind == Hop.Kind.JOINT and h.is_open]
    triage = letter.status in (Letter.Status.SUBMITTED, Letter.Status.ACCEPTED)
    suggestions = _route_suggestions(letter) if clerk and triage else None
    pending_reply = selectors.pending_reply(letter) if letter.status == Letter.Status.REVIEWING else None
    publication = selectors.publication_of(letter)
    return render(request, "letters/staff_detail.html", {
        "letter": letter,
        "hops": hops,
        "events": selectors.timeline(letter, public_only=False),
        "replies": selectors.replies_of(letter),
        "attachments": file_list(object_type=services.LETTER_OBJECT_TYPE, object_id=letter.pk),
        "departments": selectors.departments(),
        "suggestions": suggestions or [],
        # Shown (even an empty list) means the clerk's choice is recorded for routing to learn from.
        "suggestions_shown": suggestions is not None,
        "suggested_codes": ",".join(s["code"] or "" for s in suggestions or []),
        "can_triage": clerk and triage,
        "can_transfer": letter.status == Letter.Status.HANDLING and (clerk or mine.covers(letter.department_id, posts.DEPARTMENT_ROLES)),
        "can_opinion": letter.status in (Letter.Status.HANDLING, Letter.Status.REVIEWING)
        and any(mine.covers(h.unit_id, posts.DEPARTMENT_ROLES) for h in open_joint),
        "can_draft": handler and letter.status == Letter.Status.HANDLING and not open_joint,
        "joint_pending": open_joint,
        "can_decide": head and letter.status == Letter.Status.REVIEWING,
        "pending_reply": pending_reply,
        "can_request_extension": handler and letter.status == Letter.Status.HANDLING and current is not None
        and not current.extension and policy_for(letter.channel).extension_days > 0,
        "can_decide_extension": head and current is not None and current.extension == Hop.Extension.REQUESTED,
        "current": current,
        "policy": policy_for(letter.channel),
        "can_publish": clerk and letter.publish_consent and letter.channel != Channel.REPORT
        and letter.status in (Letter.Status.REPLIED, Letter.Status.CLOSED),
        "publication": publication,
        "writer_name": letter.writer.real_name if letter.writer_id else "",
        "posted": posted, "field_errors": field_errors, "error": error,
    }, status=status)


@access(STAFF, roles=[Role.LETTER_CLERK])
@require_http_methods(["GET", "HEAD", "POST"])
@confirm_first(when_field("action", {"withdraw": "撤回公开的信件"}))
def staff_publication(request, letter_id):
    try:
        letter = selectors.staff_letter_get(user=request.user, letter_id=letter_id)
    except NotFound:
        raise Http404("未找到该信件") from None
    publication = selectors.publication_of(letter)
    error, status, field_errors = None, 200, {}
    form = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "prepare":
                publication = services.publication_prepare(actor=request.user, letter=letter)
                messages.success(request, "已生成遮蔽稿,请逐项核对后公开")
            elif action == "publish" and publication is not None:
                form = {k: request.POST.get(k, "") for k in ("title", "body", "reply")}
                services.publication_publish(actor=request.user, publication=publication, **form)
                messages.success(request, "已公开")
            elif action == "withdraw" and publication is not None:
                services.publication_withdraw(actor=request.user, publication=publication,
                                              reason=request.POST.get("reason", ""))
                messages.success(request, "已撤回公开")
            else:
                raise NotFound("不支持的操作", code="letter_action_unknown")
        except DomainError as exc:
            field_errors = errors_by_field(exc)
            error, status = _error_summary(field_errors), exc.status
        else:
            return HttpResponseRedirect(reverse("letters:staff_publication", kwargs={"letter_id": letter.pk}))

    sources = {}
    if publication and publication.findings:
        reply = letter.replies.filter(status=Reply.Status.APPROVED).order_by("-decided_at", "-pk").first()
        sources = {"title": letter.title, "body": letter.body, "reply": reply.body if reply is not None else ""}
    findings = [_finding_row(f, sources, KIND_LABELS) for f in (publication.findings if publication else [])]
    return render(request, "letters/staff_publication.html", {
        "letter": letter, "publication": publication, "findings": findings, "form": form,
        "error": error, "field_errors": field_errors,
    }, status=status)


_PART_LABELS = {"title": "标题", "body": "来信内容", "reply": "答复内容"}


def _finding_row(finding: dict, sources: dict, labels: dict) -> dict:
    """One row of the reviewer's table: kind, where, and the found text shown masked.

    The stored finding holds only kind and position; the text is read from the letter
    (or its approved reply) and masked here, so the page never shows the value again.
    """
    part, start, end = finding.get("part") or "", finding.get("start"), finding.get("end")
    where, shown = _PART_LABELS.get(part, ""), ""
    if isinstance(start, int) and isinstance(end, int) and part in sources:
        value = sources[part][start:end]
        shown = (masking.mask_personal_numbers(value) if finding.get("kind") in ("id_number", "phone")
                 else (value[:1] + "*" * max(len(value) - 1, 1) if value else ""))
        where = f"{where}第 {start + 1} 字起"
    return {"label": labels.get(finding.get("kind"), finding.get("kind")), "where": where, "text": shown}


@access(STAFF, roles=[Role.LETTER_CLERK, Role.SYSTEM_ADMIN])
@require_http_methods(["GET", "HEAD", "POST"])
def staff_words(request):
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                row = services.sensitive_word_add(actor=request.user, word=request.POST.get("word", ""),
                                                  level=request.POST.get("level", SensitiveWord.Level.BLOCK))
                messages.success(request, f"已添加敏感词“{row.word}”")
            elif action in ("enable", "disable"):
                word = selectors.sensitive_word_get(request.POST.get("word_id", ""))
                services.sensitive_word_update(actor=request.user, word=word, is_active=action == "enable")
                messages.success(request, "已更新")
            else:
                raise NotFound("不支持的操作", code="letter_action_unknown")
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("letters:staff_words"))
    return render(request, "letters/staff_words.html", {
        "words": selectors.sensitive_words(), "levels": SensitiveWord.Level.choices,
    })
