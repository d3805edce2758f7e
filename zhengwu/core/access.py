"""Deny by default: every page declares who may use it (MLPS level 3, 访问控制).

A view is wrapped with ``@access(PUBLIC)``, ``@access(APPLICANT)``, ``@access(STAFF,
roles=[...])`` …; ``AccessMiddleware`` refuses any resolved view that carries no
declaration, so forgetting one fails closed. The Django admin is declared as a whole
(staff only) by namespace, and /api/v1/ operations declare theirs through django-ninja
``auth=`` (checked by the URL-walk test).

core sits below accounts and org, so user facts are read duck-typed: ``user.kind``
(citizen / enterprise / staff) and, with django-otp, ``user.is_verified()``. Posts are
checked through the function named by ``settings.ZHENGWU_ROLE_CHECKER``
(``checker(user, roles) -> bool``, imported lazily); without one, a rule naming roles
refuses everybody.

``is_superuser`` grants nothing here (三员分立 forbids an all-powerful account): no
check reads it, and the middleware switches it off on the request's user so Django's
own "superusers have every permission" shortcut does not open the admin either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

PUBLIC = "public"  # anyone, logged in or not
AUTHENTICATED = "authenticated"  # any logged-in person
APPLICANT = "applicant"  # citizens (自然人) and enterprises (法人)
STAFF = "staff"  # government staff; second factor verified in this session

AUDIENCES = frozenset({PUBLIC, AUTHENTICATED, APPLICANT, STAFF})

# The separated admin posts (org.roles.SEPARATED_ADMIN_ROLES; a test keeps the two equal).
# core may not import org, hence the plain strings.
ADMIN_SITE_ROLES = frozenset({"system_admin", "security_admin", "audit_admin"})
AUDIT_ADMIN_ROLE = "audit_admin"  # alone reads the audit trail
# The API declares per operation (ninja auth); the middleware leaves it to ninja.
DELEGATED_NAMESPACES = frozenset({"api"})


@dataclass(frozen=True)
class AccessRule:
    audience: str
    roles: frozenset[str] = frozenset()


def access(audience: str, *, roles=()):
    """Declare who may use a view, and enforce it."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    rule = AccessRule(audience, frozenset(str(r) for r in roles))

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refusal = check(request, rule)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapper.zhengwu_access = rule
        return wrapper

    return decorate


# Namespaces whose views are declared as a whole rather than one by one: the Django
# admin (configuration screens) is for the three separated administrators only; each
# screen then checks that post's model permissions.
NAMESPACE_RULES: dict[str, AccessRule] = {"admin": AccessRule(STAFF, ADMIN_SITE_ROLES)}


def rule_of(view) -> AccessRule | None:
    rule = getattr(view, "zhengwu_access", None)
    if rule is None:
        # Class-based views: as_view() keeps the class on view_class.
        rule = getattr(getattr(view, "view_class", None), "zhengwu_access", None)
    return rule


def staff_mfa_required() -> bool:
    return getattr(settings, "ZHENGWU_STAFF_MFA_REQUIRED", True)


def is_staff_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "kind", None) == "staff")


def is_applicant(user) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "kind", None) in ("citizen", "enterprise"))


def mfa_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def holds_any_role(user, roles) -> bool:
    """Ask the configured role checker; fail closed when none is configured."""
    dotted = getattr(settings, "ZHENGWU_ROLE_CHECKER", "")
    if not dotted:
        logger.error("ZHENGWU_ROLE_CHECKER is not set: refusing a role-restricted page")
        return False
    return bool(import_string(dotted)(user, frozenset(roles)))


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def forbidden(request, message: str, *, status: int = 403):
    if _wants_json(request):
        code = "unauthenticated" if status == 401 else "permission_denied"
        return JsonResponse({"code": code, "message": message, "details": {}}, status=status)
    return render(request, "core/forbidden.html", {"message": message}, status=status)


def check(request, rule: AccessRule):
    """Return None when ``request`` may proceed under ``rule``, else the refusal response."""
    user = request.user
    if rule.audience == PUBLIC:
        return None
    if not user.is_authenticated:
        if _wants_json(request):
            return forbidden(request, "请先登录", status=401)
        return redirect_to_login(request.get_full_path())
    if rule.audience == APPLICANT and not is_applicant(user):
        return forbidden(request, "此功能仅供办事群众和企业使用。")
    if rule.audience == STAFF:
        if not is_staff_user(user):
            return forbidden(request, "此页面仅供工作人员使用。")
        if staff_mfa_required() and not mfa_verified(user):
            if _wants_json(request):
                return forbidden(request, "工作人员须先完成双因素认证", status=403)
            try:
                verify_url = reverse("accounts:mfa_verify")
            except NoReverseMatch:
                return forbidden(request, "工作人员须先完成双因素认证。")
            return redirect_to_login(request.get_full_path(), login_url=verify_url)
    if rule.roles and not holds_any_role(user, rule.roles):
        return forbidden(request, "您没有担任可以访问此页面的岗位。")
    return None


def _ignore_superuser(request) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "is_superuser", False):
        # In memory only, for this request: Django's PermissionsMixin answers every
        # has_perm() with True for a superuser, which would bypass every post.
        user.is_superuser = False


class AccessMiddleware:
    """Refuse every resolved view that has not declared who may use it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        namespace = match.namespaces[0] if match and match.namespaces else ""
        _ignore_superuser(request)
        if namespace in DELEGATED_NAMESPACES:
            return None
        if namespace in NAMESPACE_RULES:
            return check(request, NAMESPACE_RULES[namespace])
        if rule_of(view_func) is None:
            logger.error("view without access declaration refused: %s", match.view_name if match else request.path)
            return forbidden(request, "该页面未声明访问规则,已按默认拒绝处理。")
        return None
