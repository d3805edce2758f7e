"""A confirmation step before destructive actions (deletes, revocations, withdrawals,
rejections, closures), issue 16 item 5.

``@confirm_first(describe)`` wraps a POST view: when ``describe(request)`` names a
destructive action (a short Chinese phrase such as "删除该题目") and the form does not
carry ``confirmed=yes``, the view does not run; a confirmation page shows what will happen
and re-posts the same fields with ``confirmed=yes``. With JavaScript the page never
appears: ``portal.js`` asks in a ``<dialog>`` first and adds the field itself (forms or
buttons marked ``data-confirm``). The check is on the server, so a forgotten attribute or
a script that did not load can never skip it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"
STAFF_PREFIX = "/office/"


def confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def _back_url(request) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return request.path


def confirm_page(request, *, what: str):
    """The no-JavaScript confirmation page: the same fields, posted again with the confirmation."""
    fields = [(name, value) for name, values in request.POST.lists() if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
              for value in values]
    base = "portal/office_base.html" if request.path.startswith(STAFF_PREFIX) else "portal/base.html"
    return render(request, "core/confirm.html", {
        "base_template": base, "what": what, "fields": fields, "action": request.get_full_path(),
        "back": _back_url(request), "confirm_field": CONFIRM_FIELD, "confirm_value": CONFIRM_VALUE,
    })


def confirm_first(describe: Callable[..., str | None]):
    """Run the POST view only once a destructive action (``describe(request)`` is not empty) is confirmed."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and not confirmed(request):
                what = describe(request)
                if what:
                    return confirm_page(request, what=what)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def always(what: str) -> Callable[..., str]:
    """``describe`` for a view whose every POST is destructive."""
    return lambda request: what


def when_field(field: str, values: dict[str, str]) -> Callable[..., str | None]:
    """``describe`` for a view that does several things: destructive when ``field`` is one of ``values``."""
    return lambda request: values.get(request.POST.get(field, ""))
