"""Pages of 依申请公开 for requesters and the public: apply, my requests, status query, panel."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from zhengwu.core.bounds import is_id_text
from zhengwu.core.access import APPLICANT, PUBLIC, access
from zhengwu.core.clock import COLOUR_LABELS, clock_colour
from zhengwu.core.errors import DomainError, FieldErrors, NotFound, ValidationFailed, errors_by_field
from zhengwu.core.uploads.pending import FileSelection, file_selection_from_request
from zhengwu.org import responsibility
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .. import selectors, services
from ..codes import RequesterSubtype
from ..models import DisclosureRequest
from ..selectors.report import published_report_years

MAX_FILES = 5


def can_enter_paper_requests(user) -> bool:
    return responsibility.posts_for(user).holds([Role.WINDOW_CLERK, Role.DISCLOSURE_OFFICER])


def can_edit_reports(user) -> bool:
    return responsibility.posts_for(user).holds([Role.DISCLOSURE_OFFICER, Role.PUBLISHER])


def handling_units() -> list[Unit]:
    return list(
        Unit.objects.filter(kind__in=services.HANDLING_UNIT_KINDS, is_active=True).order_by("sort_order", "code")
    )


def unit_from_post(value) -> Unit | None:
    value = str(value or "").strip()
    if not is_id_text(value):
        return None
    return Unit.objects.filter(pk=int(value), kind__in=services.HANDLING_UNIT_KINDS, is_active=True).first()


class _Redisplay(Exception):
    """Show the form again without submitting it (a 移除 button without JavaScript)."""


def uploaded_files(request, field: str = "attachments") -> list:
    files = request.FILES.getlist(field)
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"一次最多上传 {MAX_FILES} 个附件", code="upload_too_many")
    return files


def request_context(req: DisclosureRequest, *, for_requester: bool) -> dict:
    today = timezone.localdate()
    due_on = selectors.request_due_on(req)
    colour = clock_colour(req.clock, today) if req.is_open else "stopped"
    return {
        "req": req,
        "due_on": due_on,
        "colour": colour,
        "colour_label": COLOUR_LABELS.get(colour, ""),
        "timeline": selectors.request_timeline(request=req, for_requester=for_requester),
        "files": selectors.request_files(request=req),
    }


# ------------------------------------------------------------------ requester


@access(APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    user = request.user
    form = {
        "department": request.GET.get("department", ""), "description": "", "purpose": "", "form": "electronic",
        "contact_phone": user.phone or "", "requester_subtype": RequesterSubtype.COMMERCIAL,
    }
    error, status = None, 200
    field_errors: dict[str, list[str]] = {}
    selection = FileSelection(field="attachments")
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        selection = file_selection_from_request(request, field_name="attachments")
        page_errors = FieldErrors()
        for message in selection.errors:
            page_errors.add("attachments", message)
        if len(selection.pending) > MAX_FILES:
            page_errors.add("attachments", f"一次最多上传 {MAX_FILES} 个附件,请移除多余的文件")
        try:
            if selection.dropped:
                raise _Redisplay
            created = services.request_submit(
                actor=user, department=unit_from_post(form["department"]),
                description=form["description"], purpose=form["purpose"], form=form["form"],
                contact_phone=form["contact_phone"], requester_subtype=form["requester_subtype"],
                pending=selection.pending, errors=page_errors,
            )
        except _Redisplay:
            pass
        except DomainError as exc:
            field_errors = errors_by_field(exc)
            error = field_errors.pop("__all__", [None])[0]
            if error is None and field_errors:
                error = (f"提交的内容有 {sum(len(v) for v in field_errors.values())} 处需要修改,请按提示修改后重新提交。"
                         "已填写的内容和已选择的文件都已保留。")
            status = exc.status
        else:
            messages.success(
                request,
                f"申请已提交,申请编号 {created.receipt_no}。本机关将在 {created.clock.due_on:%Y年%m月%d日} 前答复。",
            )
            return HttpResponseRedirect(reverse("disclosure_requests:detail", kwargs={"receipt_no": created.receipt_no}))
    return render(request, "disclosure_requests/apply.html", {
        "form": form, "error": error, "field_errors": field_errors, "selection": selection,
        "description_max": services.DESCRIPTION_MAX, "purpose_max": services.PURPOSE_MAX,
        "units": handling_units(), "is_enterprise": user.kind == "enterprise",
        "subtypes": RequesterSubtype.choices, "forms": DisclosureRequest.Form.choices, "max_files": MAX_FILES,
    }, status=status)


@access(APPLICANT)
@require_safe
def mine(request):
    rows = selectors.request_list_for_applicant(user=request.user)
    for r in rows:
        r.due = selectors.request_due_on(r)
    return render(request, "disclosure_requests/mine.html", {"rows": rows})


def _own(request, receipt_no) -> DisclosureRequest:
    try:
        return selectors.request_get_for_applicant(user=request.user, receipt_no=receipt_no)
    except NotFound:
        raise Http404("未找到该申请") from None


@access(APPLICANT)
@require_safe
def detail(request, receipt_no):
    req = _own(request, receipt_no)
    return render(request, "disclosure_requests/detail.html", request_context(req, for_requester=True))


@access(APPLICANT)
def correction_supply(request, receipt_no):
    req = _own(request, receipt_no)
    # Ownership first: someone else's number answers 404 whatever the method.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.request_correction_supply(
            actor=request.user, request=req, text=request.POST.get("text", ""), attachments=uploaded_files(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"补正已提交,答复期限重新计算,至 {req.clock.due_on:%Y年%m月%d日}。")
    return HttpResponseRedirect(reverse("disclosure_requests:detail", kwargs={"receipt_no": req.receipt_no}))


# ------------------------------------------------------------------ public


@access(PUBLIC)
@require_safe
def query(request):
    receipt_no = request.GET.get("receipt_no", "")[:40]
    tail = request.GET.get("phone_tail", "")[:10]
    found, error = None, None
    if receipt_no or tail:
        try:
            found = selectors.request_query_public(receipt_no=receipt_no, phone_tail=tail)
        except NotFound as exc:
            error = exc.message
    return render(request, "disclosure_requests/query.html", {
        "receipt_no": receipt_no, "phone_tail": tail, "found": found, "error": error,
        "due_on": selectors.request_due_on(found) if found else None,
    })


def disclosure_panel(request) -> str:
    """The panel on the 政务公开 section page: apply, query, published yearly reports."""
    return render_to_string("disclosure_requests/panel.html", {"years": published_report_years()}, request=request)
