"""The Django admin site, with the same entry rule as every back-office page.

The admin is reached only by staff who have verified their second factor in this
session (MLPS level 3: two-factor identification for administrators). It has no login
form of its own: its login URL sends people to the platform's login or second-factor
page, so there is one way in.

Installed through ``zhengwu.accounts.admin_apps.StaffAdminConfig`` (in INSTALLED_APPS
instead of ``django.contrib.admin``) so that every ``admin.site.register`` lands on this site.
"""

from django.contrib.admin.sites import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from zhengwu.core.access import forbidden, is_staff_user, mfa_verified, staff_mfa_required


class StaffAdminSite(AdminSite):
    site_header = "政务信息平台 管理后台"
    site_title = "政务信息平台"
    index_title = "配置管理"

    def has_permission(self, request):
        user = request.user
        if not (super().has_permission(request) and is_staff_user(user)):
            return False
        return mfa_verified(user) or not staff_mfa_required()

    def login(self, request, extra_context=None):
        """No second login form: hand over to the platform's login or second-factor page."""
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse("accounts:login"))
        if is_staff_user(user) and staff_mfa_required() and not mfa_verified(user):
            return redirect_to_login(next_url, login_url=reverse("accounts:mfa_verify"))
        return forbidden(request, "您没有进入配置管理后台的权限。")
