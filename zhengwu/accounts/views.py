from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core.errors import DomainError
from zhengwu.org.selectors import user_roles

from . import services
from .forms import CitizenRegisterForm, EnterpriseRegisterForm, LoginForm
from .models import User


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _safe_next(request)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            login_name = services.normalise_login(form.cleaned_data["username"])
            user = authenticate(request, username=login_name, password=form.cleaned_data["password"])
            if user is not None:
                # django.contrib.auth.login rotates the session key (no session fixation).
                auth_login(request, user)
                services.login_record(user=user, login=login_name, success=True)
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
            known = User.objects.filter(username=login_name).first()
            reason = "inactive" if known is not None and not known.is_active else "bad_credentials"
            services.login_record(user=known, login=login_name, success=False, reason=reason)
            # One message for every failure, so the page does not reveal which accounts exist.
            form.add_error(None, "账号或密码错误,请重新输入")
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_record(user=request.user)
    auth_logout(request)
    return redirect(resolve_url(settings.LOGOUT_REDIRECT_URL))


def _apply_error(form, exc: DomainError) -> None:
    field = exc.details.get("field")
    messages_ = exc.details.get("messages") or [exc.message]
    for message in messages_ if field == "password" else [exc.message]:
        form.add_error(field if field in form.fields else None, message)


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


@login_required
def me_view(request):
    return render(request, "accounts/me.html", {"account": request.user, "posts": user_roles(request.user)})
