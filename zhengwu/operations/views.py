"""Health endpoints for load balancers and monitoring, and the operations desk pages."""

from __future__ import annotations

import hmac
import ipaddress
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from zhengwu.accounts.models import User
from zhengwu.core.access import PUBLIC, STAFF, access
from zhengwu.core.errors import DomainError
from zhengwu.core.confirm import confirm_first, when_field
from zhengwu.org.roles import Role

from . import selectors, services
from .health import check_database, check_disk, run_checks
from .metrics import metrics_text
from .models import FaultTicket, OnCallShift
from .service_hours import current_service_hours

OPS_ROLES = [Role.OPERATOR, Role.SYSTEM_ADMIN]


@access(PUBLIC)
@require_safe
def healthz(request):
    """Liveness: the process answers (no database; a load balancer restarts it otherwise)."""
    return JsonResponse({"status": "ok"})


@access(PUBLIC)
@require_safe
def readyz(request):
    """Readiness: the database answers and the disk is not full; 503 with the reason otherwise."""
    checks = [check_database(), check_disk()]
    failed = [c for c in checks if not c.ok and c.critical]
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {c.key: {"ok": c.ok, "detail": c.detail} for c in checks},
    }
    if failed:
        body["message"] = ";".join(c.detail for c in failed)
    return JsonResponse(body, status=503 if failed else 200, json_dumps_params={"ensure_ascii": False})


def _metrics_allowed(request) -> bool:
    token = getattr(settings, "ZHENGWU_METRICS_TOKEN", "")
    if token and hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return True
    # A request that came through a proxy (nginx sets X-Real-IP) is from somebody else even
    # though its peer is the local nginx: only direct local scrapers, or the token, get in.
    if any(h in request.headers for h in ("X-Real-IP", "X-Forwarded-For", "Forwarded")):
        return False
    # The socket's peer, never a header: a client cannot name its way in.
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in getattr(settings, "ZHENGWU_METRICS_ALLOWED", ["127.0.0.1", "::1"]):
        try:
            if peer in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


@access(PUBLIC)
@require_safe
def metrics(request):
    if not _metrics_allowed(request):
        raise Http404  # not advertised to strangers
    return HttpResponse(metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")


def _month(params) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in params.get("month", "").split("-"))
        date(year, month, 1)
        if not 2000 <= year <= 2199:
            raise ValueError
    except ValueError:
        return today.year, today.month
    return year, month


@access(STAFF, roles=OPS_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def desk(request):
    form = {"grade": "B", "title": "", "description": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            ticket = services.ticket_open(actor=request.user, grade=form["grade"], title=form["title"],
                                          description=form["description"])
        except DomainError as exc:
            errors[exc.details.get("field") or "general"] = exc.message
        else:
            messages.success(request, f"已登记故障工单 {ticket.number},响应时限 "
                                      f"{timezone.localtime(ticket.response_due_at):%m-%d %H:%M}")
            return redirect("operations:ticket", number=ticket.number)
    year, month = _month(request.GET)
    state = request.GET.get("state", "live")
    if state not in {"live", "", *FaultTicket.State.values}:
        state = "live"
    return render(request, "operations/desk.html", {
        "tickets": selectors.ticket_list(state=state or None),
        "state": state,
        "states": [("live", "未完成"), *FaultTicket.State.choices, ("", "全部")],
        "figures": selectors.service_level_month(year=year, month=month),
        "month": f"{year}-{month:02d}",
        "grades": FaultTicket.Grade.choices,
        "limits": services.grade_limits(),
        "service_hours": current_service_hours().label,
        "on_call": services.oncall_today(),
        "shifts": OnCallShift.objects.filter(ends_on__gte=timezone.localdate()).select_related("person")[:20],
        "checks": run_checks(),
        "form": form,
        "errors": errors,
    }, status=400 if errors else 200)


@access(STAFF, roles=OPS_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
@confirm_first(when_field("action", {"close": "关闭该工单"}))
def ticket(request, number):
    try:
        item = services.ticket_get(number)
    except DomainError as exc:
        raise Http404(exc.message) from None
    error = None
    if request.method == "POST":
        action, note = request.POST.get("action", ""), request.POST.get("note", "")
        handlers = {"respond": services.ticket_respond, "resolve": services.ticket_resolve,
                    "close": services.ticket_close}
        if action not in handlers:
            error = "未知的操作"
        else:
            try:
                handlers[action](actor=request.user, ticket=item, note=note)
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, "已记录")
                return redirect("operations:ticket", number=item.number)
    return render(request, "operations/ticket.html", {
        "t": item, "events": item.events.select_related("actor"), "error": error, "now": timezone.now(),
    }, status=400 if error else 200)


@access(STAFF, roles=OPS_ROLES)
@require_http_methods(["POST"])
def oncall_add(request):
    username = request.POST.get("username", "").strip()
    person = User.objects.filter(username=username, kind=User.Kind.STAFF).first() if username else None
    try:
        starts = date.fromisoformat(request.POST.get("starts_on", ""))
        ends = date.fromisoformat(request.POST.get("ends_on", ""))
    except ValueError:
        messages.error(request, "请填写有效的开始和结束日期(YYYY-MM-DD)")
        return redirect("operations:desk")
    if person is None:
        messages.error(request, f"找不到工作人员“{username[:30]}”")
        return redirect("operations:desk")
    try:
        services.oncall_add(actor=request.user, person=person, starts_on=starts, ends_on=ends,
                            note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已安排 {person.real_name or person.username} 值班")
    return redirect("operations:desk")
