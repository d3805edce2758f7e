"""Who may call an /api/v1/ operation: the API's half of deny by default.

The NinjaAPI's default ``auth`` is ``staff_auth``, so an operation that says nothing is
closed to everyone but verified staff. Public operations say so with ``auth=public_auth``
(ninja reads ``auth=None`` as "inherit", so None cannot mean "open"). Every auth object
carries ``audience`` (the same words as ``zhengwu.core.access``) so the URL-walk test can
check each operation's declaration.

Status codes: no session → 401 ``请先登录`` (ninja's AuthenticationError handler in
zhengwu/api.py); a session of the wrong kind, without the second factor or without the
post → 403 with a Chinese message. Session auth keeps ninja's CSRF check for unsafe
methods.
"""

from __future__ import annotations

from django.conf import settings
from ninja.errors import HttpError
from ninja.security import APIKeyCookie

from . import access
from .errors import PermissionDenied


class PublicAuth:
    """Anonymous callers allowed; the declaration that an operation is deliberately open."""

    audience = access.PUBLIC
    roles: frozenset[str] = frozenset()

    def __call__(self, request):
        # ninja treats a falsy result as "not authenticated"; the user object of an
        # anonymous visitor is truthy, and request.auth then names who called.
        return request.user if request.user.is_authenticated else _Anonymous()


class _Anonymous:
    """A truthy stand-in for request.auth on public operations."""

    is_authenticated = False

    def __repr__(self):
        return "<anonymous>"


class _SessionAuth(APIKeyCookie):
    """The Django session, as set by the portal login."""

    param_name = settings.SESSION_COOKIE_NAME
    audience = access.AUTHENTICATED

    def __init__(self, *, roles=()):
        self.roles = frozenset(str(r) for r in roles)
        super().__init__(csrf=True)

    def _get_key(self, request):
        if not request.user.is_authenticated:
            # No session: say 401 "请先登录" before asking about a CSRF token that an
            # anonymous caller could not have (ninja checks CSRF first, which gave 403).
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            # ninja's own message is English; keep the API's Chinese contract.
            raise PermissionDenied("安全校验失败(CSRF 令牌缺失或无效),请刷新页面后重试", code="csrf_failed") from None

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None  # → 401
        self.refuse_unless_allowed(user)
        if self.roles and not access.holds_any_role(user, self.roles):
            raise PermissionDenied("您没有担任可以使用此接口的岗位", code="role_required")
        return user

    def refuse_unless_allowed(self, user) -> None:
        return None


class StaffSessionAuth(_SessionAuth):
    """Verified staff sessions only (second factor done in this session)."""

    audience = access.STAFF

    def refuse_unless_allowed(self, user) -> None:
        if not access.is_staff_user(user):
            raise PermissionDenied("此接口仅供工作人员使用", code="staff_only")
        if access.staff_mfa_required() and not access.mfa_verified(user):
            raise PermissionDenied("工作人员须先完成双因素认证", code="mfa_required")


class ApplicantSessionAuth(_SessionAuth):
    """Citizens and enterprises signed in to the portal."""

    audience = access.APPLICANT

    def refuse_unless_allowed(self, user) -> None:
        if not access.is_applicant(user):
            raise PermissionDenied("此接口仅供办事群众和企业使用", code="applicant_only")


public_auth = PublicAuth()
staff_auth = StaffSessionAuth()
applicant_auth = ApplicantSessionAuth()
authenticated_auth = _SessionAuth()


def declared_audience(operation) -> str | None:
    """Return the audience an operation's auth declares, or None if it declares none we know."""
    callbacks = list(operation.auth_callbacks or [])
    audiences = {getattr(cb, "audience", None) for cb in callbacks}
    if len(audiences) != 1 or None in audiences:
        return None
    return audiences.pop()
