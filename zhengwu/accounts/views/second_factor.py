"""Pages of the staff second factor: verify, enrol, recovery codes, reset by the security admin.

Verify and enrol are declared ``AUTHENTICATED`` (not ``STAFF``) because they must open
for a staff member who has not verified yet; they check the staff kind themselves.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from zhengwu.core.access import AUTHENTICATED, STAFF, access, forbidden, is_staff_user, mfa_verified
from zhengwu.core.errors import DomainError
from zhengwu.core.confirm import always, confirm_first
from zhengwu.org.roles import Role
from zhengwu.org.selectors import user_has_role

from .. import mfa
from ..models import User


class CodeForm(forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=32,
        strip=True,
        error_messages={"required": "请输入验证码。", "max_length": "验证码过长,请检查后重新输入。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: a bare word would be taken by redirect() for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:office")


def _not_staff(request):
    return forbidden(request, "双因素认证仅适用于工作人员账户。")


def _apply(form, exc: DomainError) -> None:
    form.add_error("token", exc.message)


@access(AUTHENTICATED)
@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify_view(request):
    if not is_staff_user(request.user):
        return _not_staff(request)
    next_url = _next_url(request)
    if mfa_verified(request.user):
        return redirect(next_url)
    if not mfa.mfa_enrolled(request.user):
        return redirect_to_login(next_url, login_url=reverse("accounts:mfa_enrol"))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                mfa.mfa_verify(request=request, token=form.cleaned_data["token"])
            except DomainError as exc:
                _apply(form, exc)
                status = exc.status
            else:
                return redirect(next_url)
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": next_url, "issuer": mfa.mfa_issuer()}, status=status
    )


@access(AUTHENTICATED)
@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_enrol_view(request):
    user = request.user
    if not is_staff_user(user):
        return _not_staff(request)
    next_url = _next_url(request)
    if mfa.mfa_enrolled(user):
        messages.info(request, "您已设置手机令牌,请输入验证码。如需更换手机,请联系安全管理员重置。")
        return redirect_to_login(next_url, login_url=reverse("accounts:mfa_verify"))
    # Reloading the page shows the same QR code until it is confirmed.
    device = mfa.totp_device_get(user, confirmed=False) or mfa.totp_enrol_begin(actor=user)
    form = CodeForm(request.POST or None)
    form.fields["token"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9]*", "maxlength": "6"})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = mfa.totp_enrol_confirm(actor=user, device=device, token=form.cleaned_data["token"])
            except DomainError as exc:
                _apply(form, exc)
                status = exc.status
            else:
                device.refresh_from_db()
                mfa.mfa_session_start(request, device)
                # Rendered, not redirected: the codes exist in clear only in this response.
                return render(
                    request, "accounts/mfa_recovery_codes.html",
                    {"codes": codes, "next": next_url, "after_enrol": True},
                )
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": mfa.totp_qr_svg(device),
        "secret": mfa.totp_secret_base32(device),
        "issuer": mfa.mfa_issuer(),
        "account": user.get_username(),
    }
    return render(request, "accounts/mfa_enrol.html", context, status=status)


@access(STAFF)
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_recovery_view(request):
    """Issue a new set of recovery codes (needs a session verified with the second factor)."""
    if request.method == "POST":
        try:
            codes = mfa.recovery_codes_regenerate(actor=request.user)
        except DomainError as exc:
            return forbidden(request, exc.message, status=exc.status)
        return render(
            request, "accounts/mfa_recovery_codes.html",
            {"codes": codes, "next": reverse("portal:office"), "after_enrol": False},
        )
    return render(
        request, "accounts/mfa_recovery.html", {"remaining": mfa.recovery_codes_remaining(request.user)}
    )


@access(STAFF, roles=[Role.SECURITY_ADMIN])
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
@confirm_first(always("重置该工作人员的动态口令"))
def mfa_reset_view(request):
    """Security administrator: list staff second-factor status and reset a lost device."""
    if not user_has_role(request.user, Role.SECURITY_ADMIN):
        return forbidden(request, "只有安全管理员可以重置双因素认证设备。")
    query = request.GET.get("q", "")[:64]
    if request.method == "POST":
        raw_id = request.POST.get("user", "")
        if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= 18):
            return forbidden(request, "请选择要重置的工作人员账户。", status=400)
        target = get_object_or_404(User, pk=int(raw_id), kind=User.Kind.STAFF)
        try:
            mfa.mfa_reset(actor=request.user, user=target)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"已重置 {target.real_name or target.username} 的双因素认证设备,其下次登录时须重新设置手机令牌。",
            )
        return redirect(f"{reverse('accounts:mfa_reset')}?{urlencode({'q': target.username})}")
    rows = mfa.staff_mfa_status_list(query=query)
    return render(request, "accounts/mfa_reset.html", {"rows": rows, "q": query})
