"""Back-office pages: the officer's inbox and request page, actions, and paper-request entry."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from zhengwu.core.access import STAFF, access
from zhengwu.core.clock import COLOUR_LABELS
from zhengwu.core.errors import DomainError, NotFound
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from .. import selectors, services
from ..codes import CATEGORIES, OUTCOMES, RequesterSubtype, RequesterType
from ..models import DisclosureRequest
from . import handling_units, request_context, unit_from_post, uploaded_files

HANDLING_ROLES = [Role.DISCLOSURE_OFFICER, Role.DEPARTMENT_HEAD]
ENTRY_ROLES = [Role.WINDOW_CLERK, Role.DISCLOSURE_OFFICER]

# action → (service, what the form sends besides the request); every one audited by its service.
ACTIONS = {
    "register": "登记受理",
    "correction_request": "告知补正",
    "correction_supply": "录入补正",
    "consultation_start": "征求第三方意见",
    "consultation_end": "第三方意见已收到",
    "extension_request": "申请延期",
    "extension_approve": "批准延期",
    "extension_refuse": "不批准延期",
    "reply": "答复",
}


@access(STAFF, roles=HANDLING_ROLES)
@require_safe
def inbox(request):
    show = request.GET.get("status", "open")
    if show != "all" and show != "open" and show not in DisclosureRequest.Status.values:
        show = "open"
    rows = selectors.request_inbox(user=request.user, status=show, today=timezone.localdate())
    for r in rows:
        r.colour_label = COLOUR_LABELS.get(r.colour, "")
        r.due = selectors.request_due_on(r)
    return render(request, "disclosure_requests/staff_inbox.html", {
        "rows": rows, "show": show, "statuses": DisclosureRequest.Status.choices,
    })


def _staff_request(request, receipt_no) -> DisclosureRequest:
    try:
        return selectors.request_get_for_staff(user=request.user, receipt_no=receipt_no)
    except NotFound:
        raise Http404("未找到该申请") from None


@access(STAFF, roles=HANDLING_ROLES)
@require_safe
def staff_detail(request, receipt_no):
    req = _staff_request(request, receipt_no)
    mine = responsibility.posts_for(request.user)
    is_officer = mine.covers(req.department_id, services.OFFICER_ROLES)
    is_head = mine.covers(req.department_id, services.HEAD_ROLES)
    context = request_context(req, for_requester=False)
    context.update({
        "is_officer": is_officer,
        "is_head": is_head,
        "categories": [(c, [o for o in OUTCOMES if o.category == c]) for c in CATEGORIES],
        "correction_deadline": services.correction_deadline(req),
        "can_ask_correction": req.correction_requested_on is None and req.status in (
            DisclosureRequest.Status.RECEIVED, DisclosureRequest.Status.REGISTERED)
        and timezone.localdate() <= services.correction_deadline(req),
    })
    return render(request, "disclosure_requests/staff_detail.html", context)


@access(STAFF, roles=HANDLING_ROLES)
@require_POST
def staff_act(request, receipt_no):
    req = _staff_request(request, receipt_no)
    action = request.POST.get("action", "")
    try:
        files = uploaded_files(request)
        services.request_act(actor=request.user, req=req, action=action, data=request.POST, files=files)
    except NotFound:
        # The page was visible (officer or head of the department), so the post is what is missing.
        messages.error(request, "只有该机关的依申请公开经办人可以办理此项操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{ACTIONS.get(action, '办理')}")
    return HttpResponseRedirect(reverse("disclosure_requests:staff_detail", kwargs={"receipt_no": req.receipt_no}))


@access(STAFF, roles=ENTRY_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def window_entry(request):
    form = {
        "channel": DisclosureRequest.Channel.WINDOW, "requester_type": RequesterType.NATURAL, "requester_subtype": "",
        "requester_name": "", "contact_phone": "", "department": "", "description": "", "purpose": "",
        "form": DisclosureRequest.Form.PAPER,
    }
    error, status = None, 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            created = services.request_submit(
                actor=request.user, channel=form["channel"] if form["channel"] in (
                    DisclosureRequest.Channel.WINDOW, DisclosureRequest.Channel.LETTER) else "invalid",
                requester_type=form["requester_type"], requester_subtype=form["requester_subtype"],
                requester_name=form["requester_name"], contact_phone=form["contact_phone"],
                department=unit_from_post(form["department"]), description=form["description"],
                purpose=form["purpose"], form=form["form"], attachments=uploaded_files(request),
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(
                request,
                f"已录入,申请编号 {created.receipt_no}(请告知申请人,可凭编号和联系电话后四位查询),"
                f"答复期限至 {created.clock.due_on:%Y年%m月%d日}。",
            )
            return HttpResponseRedirect(reverse("disclosure_requests:window_entry"))
    return render(request, "disclosure_requests/window_entry.html", {
        "form": form, "error": error, "units": handling_units(),
        "channels": [(DisclosureRequest.Channel.WINDOW, "当面提交"), (DisclosureRequest.Channel.LETTER, "信函")],
        "types": RequesterType.choices, "subtypes": RequesterSubtype.choices, "forms": DisclosureRequest.Form.choices,
    }, status=status)
