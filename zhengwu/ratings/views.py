"""The applicant's rating page and the staff rectification list."""

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

from zhengwu.cases import engine
from zhengwu.cases.models import Case
from zhengwu.core.access import APPLICANT, STAFF, access
from zhengwu.core.clock import COLOUR_LABELS
from zhengwu.core.errors import DomainError
from zhengwu.org import responsibility
from zhengwu.results.selectors import case_result_get

from . import selectors, services
from .models import STAGE_ORDER, Level, Rectification, RectificationStage


def _own_case(request, receipt_no: str) -> Case:
    case = (
        Case.objects.select_related("item", "item__department")
        .filter(receipt_no=(receipt_no or "").strip().upper(), applicant_id=request.user.pk)
        .first()
    )
    if case is None:
        # Another person's case and an unknown receipt number look the same.
        raise Http404("未找到该办件")
    return case


@access(APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request, receipt_no):
    case = _own_case(request, receipt_no)
    rating = selectors.rating_get_for_case(case=case)
    error, status = None, 200
    form = {"level": "", "comment": ""}
    if request.method == "POST" and rating is None:
        form = {"level": request.POST.get("level", ""), "comment": request.POST.get("comment", "")}
        try:
            services.rating_submit(actor=request.user, case=case, level=form["level"], comment=form["comment"])
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, "感谢您的评价!")
            return HttpResponseRedirect(reverse("ratings:rate", kwargs={"receipt_no": case.receipt_no}))
    elif request.method == "POST":
        error, status = "该办件已评价,不能重复评价", 409
    return render(request, "ratings/rate.html", {
        "case": case,
        "rating": rating,
        "concluded": case.status == engine.CONCLUDED,
        "result_file": case_result_get(case=case) if case.status == engine.CONCLUDED else None,
        "status_label": engine.STATUS_LABELS.get(case.status, case.status),
        "levels": Level.choices,
        "form": form,
        "error": error,
    }, status=status)


@access(STAFF)
@require_safe
def rectification_list(request):
    show = request.GET.get("status", "open")
    status = None if show == "all" else Rectification.Status.OPEN
    rows = selectors.rectification_list_for_staff(user=request.user, status=status, today=timezone.localdate())
    for r in rows:
        done = {s.stage for s in r.stages.all()}
        nxt = next((s for s in STAGE_ORDER if s not in done), None)
        r.next_stage = (nxt, RectificationStage.Stage(nxt).label) if nxt and r.status == Rectification.Status.OPEN else None
        r.colour_label = COLOUR_LABELS.get(r.colour, "")
    return render(request, "ratings/rectification_list.html", {"rows": rows, "show": show})


@access(STAFF)
@require_POST
def rectification_stage(request, rectification_id):
    rectification = Rectification.objects.filter(pk=rectification_id).first()
    # Not the staff member's department: the same 404 as a missing id.
    if rectification is None or not responsibility.acts_for(request.user, unit_id=rectification.department_id):
        raise Http404("未找到该整改事项")
    try:
        row = services.rectification_stage_record(
            actor=request.user, rectification=rectification,
            stage=request.POST.get("stage", ""), note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已记录“{row.get_stage_display()}”")
    return HttpResponseRedirect(reverse("ratings:rectifications"))
