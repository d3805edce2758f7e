from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core import masking, request_context
from zhengwu.core.access import APPLICANT, AUTHENTICATED, PUBLIC, STAFF, access
from zhengwu.core.errors import DomainError, errors_by_field
from zhengwu.org.selectors import user_roles

from .. import mfa, services
from ..services import codes as services_codes
from ..services import privacy as services_privacy
from ..services.privacy import privacy_notice
from ..forms import (
    AccountCloseForm,
    CitizenRegisterForm,
    EnterpriseRegisterForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
    RegistrationExtras,
)
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
                target = next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
                if not services_privacy.privacy_consent_current(outcome.user):
                    # A new version of the privacy notice (or none agreed yet): ask first.
                    return redirect(f"{resolve_url('accounts:privacy_consent')}?{urlencode({'next': target})}")
                return redirect(target)
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


def _register_values(form) -> dict:
    """What the person typed, for showing the form again unbound (no passwords)."""
    return {name: form.data.get(form.add_prefix(name), "") for name in form.fields if "password" not in name}


@access(PUBLIC)
@sensitive_post_parameters("password", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request):
    """Register: every field checked at once, the phone confirmed by an SMS code and the
    privacy notice agreed to; the account exists only once all three are done."""
    kind = request.POST.get("kind") or request.GET.get("kind") or "citizen"
    if kind not in ("citizen", "enterprise"):
        kind = "citizen"
    posted = request.method == "POST"
    form_class, prefix = (CitizenRegisterForm, "c") if kind == "citizen" else (EnterpriseRegisterForm, "e")
    form = form_class(request.POST if posted else None, prefix=prefix)
    extras = RegistrationExtras(request.POST if posted else None)
    status, code_sent, send_error, retry_after = 200, "", "", 0
    ip = request_context.current().ip
    if posted and request.POST.get("action") == "send_code":
        # "获取验证码": only the phone is checked; the rest comes back as typed, unjudged.
        phone_value = request.POST.get(f"{prefix}-phone", "")
        form = form_class(initial=_register_values(form), prefix=prefix)
        extras = RegistrationExtras(initial={"privacy_consent": request.POST.get("privacy_consent") == "on"})
        try:
            phone = services_codes.phone_code_send(phone=phone_value, ip=ip)
        except DomainError as exc:
            send_error, status, retry_after = exc.message, exc.status, getattr(exc, "retry_after", 0)
        else:
            code_sent = masking.mask_phone(phone)
    elif posted:
        status = 400
        form_ok, extras_ok = form.is_valid(), extras.is_valid()
        if not (extras.cleaned_data.get("phone_code") if extras_ok else request.POST.get("phone_code")):
            extras.add_error("phone_code", "请先获取并填写短信验证码")
            extras_ok = False
        if form_ok and extras_ok:
            data = form.cleaned_data
            if kind == "citizen":
                def register():
                    return services.citizen_register(
                        name=data["name"], id_number=data["id_number"], phone=data["phone"], password=data["password"])
            else:
                def register():
                    return services.enterprise_register(
                        name=data["name"], credit_code=data["credit_code"],
                        legal_representative=data["legal_representative"], phone=data["phone"],
                        password=data["password"])
            try:
                services_codes.register_with_phone_code(
                    register=register, phone=data["phone"], phone_code=extras.cleaned_data["phone_code"], ip=ip)
            except DomainError as exc:
                if exc.details.get("field") == "phone_code":
                    extras.add_error("phone_code", exc.message)
                else:
                    _apply_error(form, exc)
                status, retry_after = exc.status, getattr(exc, "retry_after", 0)
            else:
                messages.success(request, "注册成功,手机号已验证,请使用证件号码和密码登录。")
                return redirect("accounts:login")
    response = render(request, "accounts/register.html", {
        "kind": kind, "form": form, "extras": extras, "code_sent": code_sent, "send_error": send_error,
        "notice": privacy_notice(),
    }, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


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


# --- password recovery by SMS code (issue 16) -------------------------------------------

SESSION_RESET_IDENTIFIER = "accounts_reset_identifier"


@access(PUBLIC)
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_request_view(request):
    """Ask for a recovery code; the answer never says whether the account exists."""
    form = PasswordResetRequestForm(request.POST or None)
    status, retry_after = 200, 0
    if request.method == "POST":
        status = 400
        if form.is_valid():
            identifier = form.cleaned_data["identifier"]
            try:
                services_codes.password_reset_request(identifier=identifier, ip=request_context.current().ip)
            except DomainError as exc:
                _apply_error(form, exc)
                status, retry_after = exc.status, getattr(exc, "retry_after", 0)
            else:
                request.session[SESSION_RESET_IDENTIFIER] = identifier
                messages.info(request, services_codes.RESET_SENT_MESSAGE)
                return redirect("accounts:password_reset_confirm")
    response = render(request, "accounts/password_reset_request.html", {"form": form}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@access(PUBLIC)
@sensitive_post_parameters("new_password", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm_view(request):
    identifier = request.session.get(SESSION_RESET_IDENTIFIER)
    if not identifier:
        return redirect("accounts:password_reset")
    form = PasswordResetConfirmForm(request.POST or None)
    status, retry_after = 200, 0
    if request.method == "POST":
        status = 400
        try:
            services_codes.password_reset_confirm(
                identifier=identifier, code=request.POST.get("code", ""),
                new_password=request.POST.get("new_password", ""),
                new_password2=request.POST.get("new_password2", ""), ip=request_context.current().ip,
            )
        except DomainError as exc:
            form.is_valid()  # bind the typed values; the service's messages replace the form's own
            form._errors = {}
            for field, msgs in errors_by_field(exc).items():
                for message in (exc.details.get("messages") or msgs) if field == "new_password" else msgs:
                    form.add_error(field if field in form.fields else None, message)
            status, retry_after = exc.status, getattr(exc, "retry_after", 0)
        else:
            request.session.pop(SESSION_RESET_IDENTIFIER, None)
            if request.user.is_authenticated:
                auth_logout(request)
            messages.success(request, "密码已重置,所有已登录的会话均已退出,请使用新密码登录。")
            return redirect("accounts:login")
    response = render(request, "accounts/password_reset_confirm.html", {"form": form}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


# --- privacy notice, consent, own data, closure (个人信息保护法) ------------------------------


@access(PUBLIC)
@require_http_methods(["GET", "HEAD"])
def privacy_view(request):
    return render(request, "accounts/privacy.html", {"notice": privacy_notice()})


@access(AUTHENTICATED)
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def privacy_consent_view(request):
    """Ask for agreement to a new version of the notice (shown after login when it changed)."""
    next_url = _safe_next(request)
    error = ""
    if request.method == "POST":
        if request.POST.get("agree") == "1":
            services_privacy.privacy_consent_record(actor=request.user, user=request.user,
                                                    ip=request_context.current().ip)
            messages.success(request, "感谢您同意新版隐私政策。")
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        error = "请勾选“我已阅读并同意”后继续;如不同意,可以退出登录或注销账户。"
    return render(request, "accounts/privacy_consent.html", {
        "notice": privacy_notice(), "next": next_url, "error": error,
        "current": services_privacy.privacy_consent_current(request.user),
    }, status=400 if error else 200)


@access(APPLICANT)
@never_cache
@require_POST
def personal_data_download_view(request):
    """The ZIP of everything the platform holds about the signed-in citizen or enterprise."""
    payload = services_privacy.personal_data_export(actor=request.user, user=request.user)
    response = HttpResponse(payload, content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@access(APPLICANT)
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def account_close_view(request):
    form = AccountCloseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services_privacy.account_close(actor=request.user, user=request.user,
                                               password=form.cleaned_data["password"],
                                               ip=request_context.current().ip)
            except DomainError as exc:
                _apply_error(form, exc)
                status = exc.status
            else:
                auth_logout(request)
                messages.success(request, "您的账户已注销,个人资料已删除。依法须保存的办件、信件记录仍按规定保存。")
                return redirect("accounts:login")
    return render(request, "accounts/close.html", {
        "form": form, "retention": services_privacy.retention_notes(),
    }, status=status)
