import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.cache import patch_cache_control

from . import request_context


def client_ip(request) -> str | None:
    """The client's address: X-Real-IP when a trusted proxy sent the request, else the peer.

    Behind nginx the real address arrives in X-Real-IP (set by our nginx config). The
    header is believed only from ``ZHENGWU_TRUSTED_PROXIES`` (empty by default): from
    anyone else it is the client's own claim, and per-IP limits and the audit trail would
    record what it chose. X-Forwarded-For is never read: nginx overwrites X-Real-IP, but
    appends to X-Forwarded-For whatever the client sent.
    """
    remote = request.META.get("REMOTE_ADDR")
    forwarded = (request.META.get("HTTP_X_REAL_IP") or "").strip()
    if forwarded and settings.ZHENGWU_TRUSTED_PROXIES and _trusted(remote, tuple(settings.ZHENGWU_TRUSTED_PROXIES)):
        return forwarded
    return remote


@lru_cache(maxsize=256)
def _trusted(remote: str | None, proxies: tuple[str, ...]) -> bool:
    try:
        address = ipaddress.ip_address(remote or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(p.strip(), strict=False) for p in proxies)


class RequestContextMiddleware:
    """Give every request an id (echoed as X-Request-ID) and record the client IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ctx = request_context.RequestContext(
            request_id=request_context.new_request_id(), ip=client_ip(request)
        )
        request.request_id = ctx.request_id
        token = request_context.activate(ctx)
        try:
            response = self.get_response(request)
        finally:
            request_context.deactivate(token)
        response["X-Request-ID"] = ctx.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_context._current.get().request_id if request_context._current.get() else "-"
        return True


class ClientErrorLogFilter(logging.Filter):
    """Log a 4xx as its one line, without the traceback of the exception behind it.

    Django logs "Not Found", "Forbidden" and "Bad Request" with the Http404 /
    PermissionDenied / BadRequest traceback attached; those are ordinary answers to
    ordinary requests, and hundreds of tracebacks hid the few that mattered. 5xx keep theirs.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


# Everything the pages need is served from our own origin (static files, no CDN, no
# inline script or style), so the policy can be strict. Images may be data: URIs
# (QR codes for second-factor enrolment, the API docs' icons).
DEFAULT_CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# No page uses these browser features; switching them off limits what injected code can do.
DEFAULT_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    """Send Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy.

    Django's SecurityMiddleware already sends COOP when SECURE_CROSS_ORIGIN_OPENER_POLICY
    is set; this fills it in only if that header is missing. A view may set its own,
    stricter CSP; the setting ZHENGWU_CSP replaces the default for every response.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.csp = getattr(settings, "ZHENGWU_CSP", "") or DEFAULT_CONTENT_SECURITY_POLICY
        self.permissions = getattr(settings, "ZHENGWU_PERMISSIONS_POLICY", "") or DEFAULT_PERMISSIONS_POLICY
        self.coop = getattr(settings, "SECURE_CROSS_ORIGIN_OPENER_POLICY", None) or "same-origin"

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        response.headers.setdefault("Cross-Origin-Opener-Policy", self.coop)
        return response


class RejectNulMiddleware:
    """Answer 400 to any request carrying a NUL character in its path, query or form.

    PostgreSQL refuses NUL in text values, so such input would otherwise reach a query
    and fail as a 500 there (SQLite accepts it, which hides the problem in development).
    No legitimate URL, search or form value contains one. The 400 page is the project's
    handler400 (Chinese page, or the JSON error contract under /api/).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            raise BadRequest("request contains a NUL character")
        return self.get_response(request)


def _carries_nul(request) -> bool:
    if "\x00" in request.path or _any_nul(request.GET):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    # Multipart forms (applications, letters, disclosure requests: they carry files) check
    # their own text fields and say which field holds a control character on the form
    # itself, keeping what was typed; a bare 400 page here would be the worse answer.
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _any_nul(request.POST)
    if content_type.startswith("application/json"):
        return b"\\u0000" in request.body
    return False


def _any_nul(query_dict) -> bool:
    return any("\x00" in key or "\x00" in value for key, values in query_dict.lists() for value in values)


class PrivatePagesNoStoreMiddleware:
    """Send ``Cache-Control: no-store`` on every page a signed-in person gets.

    Logged-in pages (my cases, my account, the staff desk, the API with a session) hold
    personal data; a shared computer's browser cache or a proxy must not keep a copy that
    the next person can open with Back. Pages drawn from an anonymous session's data
    (the query code just issued for a letter) count as personal too. Public pages for
    anonymous visitors keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_personal(request):
            patch_cache_control(response, no_store=True, private=True, no_cache=True, max_age=0)
            response.headers.pop("Expires", None)
        return response


def _is_personal(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.accessed and not session.is_empty())
