from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core.access import AUTHENTICATED, PUBLIC, STAFF, access
from zhengwu.core.errors import DomainError
from zhengwu.org.selectors import user_roles

from .. import mfa, services
from ..forms import CitizenRegisterForm, EnterpriseRegisterForm, LoginForm, PasswordChangeForm
from ..middleware import PASSWORD_EXPIRED_MESSAGE, session_mark_login, session_remaining
from ..models import User


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: a bare word would be taken by redirect() for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@access(PUBLIC)
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _safe_next(request)
    form = LoginForm(request.POST or None)
    status = 200
    retry_after = 0
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = services.login_attempt(
                request=request, login=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
            if outcome.ok:
                # django.contrib.auth.login rotates the session key (no session fixation).
                auth_login(request, outcome.user)
                session_mark_login(request)
                if outcome.user.kind == User.Kind.STAFF:
                    # Staff verify their second factor before anything else (accounts.mfa).
                    return redirect(mfa.mfa_login_redirect_url(request, next_url))
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
            form.add_error(None, outcome.message)
            status, retry_after = outcome.status, outcome.retry_after
    response = render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@access(AUTHENTICATED)
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_record(user=request.user)
    auth_logout(request)
    return redirect(resolve_url(settings.LOGOUT_REDIRECT_URL))


def _apply_error(form, exc: DomainError) -> None:
    field = exc.details.get("field")
    messages_ = exc.details.get("messages") or [exc.message]
    for message in messages_ if field in ("password", "new_password") else [exc.message]:
        form.add_error(field if field in form.fields else None, message)


@access(PUBLIC)
@sensitive_post_parameters("password", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request):
    kind = request.POST.get("kind") or request.GET.get("kind") or "citizen"
    if kind not in ("citizen", "enterprise"):
        kind = "citizen"
    citizen_form = CitizenRegisterForm(request.POST if kind == "citizen" and request.method == "POST" else None, prefix="c")
    enterprise_form = EnterpriseRegisterForm(
        request.POST if kind == "enterprise" and request.method == "POST" else None, prefix="e"
    )
    status = 200
    if request.method == "POST":
        form = citizen_form if kind == "citizen" else enterprise_form
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "citizen":
                    services.citizen_register(
                        name=data["name"], id_number=data["id_number"], phone=data["phone"], password=data["password"]
                    )
                else:
                    services.enterprise_register(
                        name=data["name"],
                        credit_code=data["credit_code"],
                        legal_representative=data["legal_representative"],
                        phone=data["phone"],
                        password=data["password"],
                    )
            except DomainError as exc:
                _apply_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "注册成功,请使用证件号码和密码登录。")
                return redirect("accounts:login")
    return render(
        request,
        "accounts/register.html",
        {"kind": kind, "citizen_form": citizen_form, "enterprise_form": enterprise_form},
        status=status,
    )


@access(AUTHENTICATED)
@login_required
def me_view(request):
    return render(request, "accounts/me.html", {"account": request.user, "posts": user_roles(request.user)})


@access(AUTHENTICATED)
@sensitive_post_parameters("old_password", "new_password", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    status, retry_after = 200, 0
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.password_change(
                    actor=request.user, user=request.user,
                    old_password=data["old_password"], new_password=data["new_password"],
                )
            except DomainError as exc:
                _apply_error(form, exc)
                status, retry_after = exc.status, getattr(exc, "retry_after", 0)
            else:
                # Keep this session signed in; every other session of the account ends.
                update_session_auth_hash(request, request.user)
                messages.success(request, "密码已修改。")
                return redirect("accounts:me")
    expired = request.user.password_expired()
    notice = PASSWORD_EXPIRED_MESSAGE.format(days=settings.ZHENGWU_STAFF_PASSWORD_MAX_AGE_DAYS) if expired else ""
    response = render(request, "accounts/password_change.html", {"form": form, "notice": notice}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@access(AUTHENTICATED)
@never_cache
@require_POST
def session_keepalive_view(request):
    """Called by the "继续使用" button; the request itself resets the idle clock."""
    return JsonResponse(session_remaining(request))


@access(STAFF)
@never_cache
@require_POST
def personal_data_unmask_view(request, user_id: int):
    """Return one account's clear ID number, phone and address (permission + audit)."""
    account = get_object_or_404(User, pk=user_id)
    try:
        values = services.personal_data_unmask(actor=request.user, user=account)
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message, "details": {}}, status=exc.status)
    return JsonResponse(values)  # never_cache: no copy in any browser or proxy cache
