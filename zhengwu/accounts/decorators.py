"""Guards for back-office views: staff only, optionally holding a given post."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from zhengwu.org.selectors import user_has_role

from .models import User


def _forbidden(request, message: str):
    return render(request, "accounts/forbidden.html", {"message": message}, status=403)


def _is_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.kind == User.Kind.STAFF


def staff_required(view):
    """Anonymous visitors go to the login page; citizens and enterprises get a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not _is_staff(request.user):
            return _forbidden(request, "此页面仅供工作人员使用。")
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles):
    """Like staff_required, and the user must hold one of ``roles`` in some unit."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not _is_staff(request.user):
                return _forbidden(request, "此页面仅供工作人员使用。")
            if not any(user_has_role(request.user, role) for role in roles):
                return _forbidden(request, "您没有担任可以访问此页面的岗位。")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
