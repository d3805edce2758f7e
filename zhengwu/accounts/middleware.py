"""Session limits and forced password change (MLPS level 3, 身份鉴别/访问控制).

``SessionTimeoutMiddleware`` ends a signed-in session on the server after
``ZHENGWU_SESSION_IDLE_MINUTES`` without a request, and in any case
``ZHENGWU_SESSION_ABSOLUTE_HOURS`` after login. ``PasswordExpiryMiddleware`` keeps a
staff member whose password is older than ``ZHENGWU_STAFF_PASSWORD_MAX_AGE_DAYS`` on
the change-password page until it is changed.
"""

from __future__ import annotations

import functools
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.audit import audit_record

SESSION_LOGIN_AT = "zw_login_at"
SESSION_LAST_SEEN = "zw_last_seen"
SESSION_EXPIRED_MESSAGE = "登录已超时,请重新登录"
# The idle clock is written back at most this often by ordinary page requests: writing
# it on every request made every signed-in page a session UPDATE (a database write, on
# SQLite the one write lock) for nothing. The session then ends up to this many seconds
# *earlier* than a per-request clock would say, never later; the keep-alive always
# writes (ADR 0013).
SESSION_TOUCH_SECONDS = 60
PASSWORD_EXPIRED_MESSAGE = "您的密码已超过{days}天未修改,请先修改密码后再继续使用。"


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


@functools.cache
def _keepalive_path() -> str:
    return reverse("accounts:session_keepalive")


def _is_keepalive(request) -> bool:
    return request.path_info == _keepalive_path()


def session_mark_login(request) -> None:
    """Start the idle and absolute clocks of a freshly signed-in session."""
    now = timezone.now().timestamp()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_LAST_SEEN] = now


def idle_seconds() -> int:
    return settings.ZHENGWU_SESSION_IDLE_MINUTES * 60


def absolute_seconds() -> int:
    return settings.ZHENGWU_SESSION_ABSOLUTE_HOURS * 3600


def session_remaining(request) -> dict[str, int]:
    """Seconds left before the idle and the absolute limit (after this request)."""
    now = timezone.now().timestamp()
    login_at = request.session.get(SESSION_LOGIN_AT, now)
    last_seen = request.session.get(SESSION_LAST_SEEN, now)
    absolute_left = max(0, math.ceil(login_at + absolute_seconds() - now))
    idle_left = max(0, math.ceil(last_seen + idle_seconds() - now))
    return {"remaining_seconds": min(idle_left, absolute_left), "absolute_remaining_seconds": absolute_left}


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._check(request)
            if expired:
                return self._end(request, user, expired)
            # Read by portal/base.html for the in-page warning (portal.js).
            request.session_remaining_seconds = session_remaining(request)["remaining_seconds"]
            request.session_warning_seconds = settings.ZHENGWU_SESSION_WARNING_SECONDS
        return self.get_response(request)

    def _check(self, request) -> str:
        now = timezone.now().timestamp()
        session = request.session
        login_at = session.get(SESSION_LOGIN_AT)
        last_seen = session.get(SESSION_LAST_SEEN)
        if login_at is None or last_seen is None:
            # Sessions started outside the login view (force_login, older sessions).
            session[SESSION_LOGIN_AT] = login_at or now
            session[SESSION_LAST_SEEN] = now
            return ""
        if now - login_at > absolute_seconds():
            return "absolute"
        if now - last_seen > idle_seconds():
            return "idle"
        if now - last_seen >= SESSION_TOUCH_SECONDS or _is_keepalive(request):
            session[SESSION_LAST_SEEN] = now
        return ""

    def _end(self, request, user, reason: str):
        with transaction.atomic():
            audit_record(actor=user, action="accounts.session.expire", obj=user, details={"reason": reason})
        # logout() flushes the session row: the old cookie is worthless from here on.
        auth_logout(request)
        if _wants_json(request):
            return JsonResponse(
                {"code": "session_expired", "message": SESSION_EXPIRED_MESSAGE, "details": {"reason": reason}},
                status=401,
            )
        messages.warning(request, SESSION_EXPIRED_MESSAGE)
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect(settings.LOGIN_URL)


# Views a staff member with an expired password may still reach.
_PASSWORD_EXPIRY_ALLOWED = frozenset({
    "accounts:password_change", "accounts:logout", "accounts:session_keepalive",
})


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "password_expired", None):
            return None
        if not user.password_expired():
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        # The second-factor pages come first: changing a password is a staff action.
        if view_name in _PASSWORD_EXPIRY_ALLOWED or view_name.startswith("accounts:mfa"):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        message = PASSWORD_EXPIRED_MESSAGE.format(days=settings.ZHENGWU_STAFF_PASSWORD_MAX_AGE_DAYS)
        if _wants_json(request):
            return JsonResponse({"code": "password_expired", "message": message, "details": {}}, status=403)
        return redirect(reverse("accounts:password_change") + "?expired=1")
