import logging

from . import request_context


def client_ip(request) -> str | None:
    # Behind nginx the real address arrives in X-Real-IP (set by our nginx config, not
    # by the client); directly exposed we trust only REMOTE_ADDR.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")


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
