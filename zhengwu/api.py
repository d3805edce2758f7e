"""The /api/v1/ entry point: one NinjaAPI, one router per app, one error contract.

Every error is JSON ``{"code", "message", "details"}`` with a Chinese ``message`` and a
4xx status, whether it comes from a service (DomainError), from request validation or
from an unknown route.
"""

import datetime as dt
import logging

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from zhengwu.core.api_auth import staff_auth
from zhengwu.core.bounds import json_loads_bounded
from zhengwu.core.errors import DomainError
from zhengwu.core.faults import fault_response, infrastructure_fault
from zhengwu.core.openapi import ContractAPI


class _LocalTimeEncoder(NinjaJSONEncoder):
    """Times in Beijing time (``+08:00``), as the pages show them, not in UTC (``Z``).

    The database hands back aware UTC datetimes; the conventions give every time the
    project shows in Asia/Shanghai. Both forms name the same instant; this one reads
    the same as the page beside it.
    """

    def default(self, o):
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class _Renderer(JSONRenderer):
    encoder_class = _LocalTimeEncoder


class _BoundedParser(Parser):
    """JSON bodies with a size and a nesting limit: deep nesting used to end in RecursionError."""

    def parse_body(self, request):
        return json_loads_bounded(request.body)


# Deny by default: an operation that declares nothing is for verified staff only; open
# ones say ``auth=public_auth`` (zhengwu.core.api_auth). ContractAPI documents the error
# body and each operation's 4xx, and builds openapi.json once (zhengwu.core.openapi).
api = ContractAPI(
    auth=staff_auth,
    title="政务信息平台 API",
    version="1.0.0",
    description="zhengwu 政务信息平台开放接口。所有错误返回 {code, message, details},message 为中文说明。",
    urls_namespace="api",
    docs_url="/docs",
    renderer=_Renderer(),
    parser=_BoundedParser(),
)

logger = logging.getLogger(__name__)

_FIELD_NAMES = {
    "start": "开始日期",
    "end": "结束日期",
    "working_days": "工作日数",
    "page": "页码",
    "page_size": "每页条数",
    "category": "类别",
    "work_area": "工作领域",
    "department": "部门",
    "q": "关键词",
}


def _describe(error: dict) -> str:
    loc = [str(p) for p in error.get("loc", []) if p not in ("query", "body", "path", "form")]
    field = ".".join(loc) or "请求"
    label = _FIELD_NAMES.get(loc[-1], field) if loc else field
    kind = error.get("type", "")
    if kind == "missing":
        return f"缺少参数:{label}"
    if kind.startswith("date"):
        return f"{label}不是有效日期(应为 YYYY-MM-DD)"
    if kind.startswith("int") or kind.startswith("float"):
        return f"{label}必须是数字"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{label}超出允许范围"
    if kind in ("enum", "literal_error"):
        return f"{label}取值无效"
    return f"{label}格式不正确"


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc):
    messages = [_describe(e) for e in exc.errors]
    return api.create_response(
        request,
        {"code": "invalid_parameters", "message": ";".join(messages) or "请求参数不正确", "details": {"errors": messages}},
        status=422,
    )


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if getattr(exc, "retry_after", 0):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "未找到请求的资源", "details": {}}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"code": "unauthenticated", "message": "请先登录", "details": {}}, status=401)


_HTTP_ERROR_MESSAGES = {
    400: "请求内容无法解析,请检查提交的数据格式",
    401: "请先登录",
    403: "无权执行此操作",
    404: "未找到请求的资源",
    405: "不支持该请求方法",
    413: "提交的内容过大",
    429: "请求过于频繁,请稍后再试",
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # django-ninja raises some HttpErrors with English text ("Cannot parse request body");
    # users only ever see Chinese, so English messages are replaced by the status's text.
    message = str(exc)
    if message.isascii():
        message = _HTTP_ERROR_MESSAGES.get(exc.status_code, "请求无法处理")
    return api.create_response(request, {"code": "http_error", "message": message, "details": {}}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return api.create_response(request, {"code": "body_too_large", "message": "提交的内容过大", "details": {}}, status=413)


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
def _bad_request(request, exc):
    return api.create_response(request, {"code": "bad_request", "message": _HTTP_ERROR_MESSAGES[400], "details": {}}, status=400)


@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"code": "permission_denied", "message": "无权执行此操作", "details": {}}, status=403)


@api.exception_handler(Exception)
def _server_error(request, exc):
    fault = infrastructure_fault(exc)
    if fault is not None:  # not a bug: the disk, database or Redis; try again later (ADR 0017)
        return fault_response(request, fault, exc)
    # A bug, not bad input: logged with its traceback, answered in the API's own JSON
    # contract (never Django's HTML error page), without internals.
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request, {"code": "server_error", "message": "服务器内部错误,请稍后再试", "details": {}}, status=500,
    )


def _register_routers():
    # Routers are imported here, not at module top, so this file stays the single map
    # of what /api/v1/ exposes.
    from zhengwu.cases.api.applicant import router as cases_applicant_router
    from zhengwu.cases.api.staff import router as cases_staff_router
    from zhengwu.catalog.api import router as catalog_router
    from zhengwu.core.api import router as calendar_router
    from zhengwu.disclosure.api import router as disclosure_router
    from zhengwu.disclosure_requests.api import router as disclosure_requests_router
    from zhengwu.exchange.api import router as exchange_router
    from zhengwu.insights.api import router as insights_router
    from zhengwu.letters.api import router as letters_router
    from zhengwu.participation.api import router as participation_router
    from zhengwu.routing.api import router as routing_router
    from zhengwu.search.api import router as search_router
    from zhengwu.supervision.api import router as supervision_router

    api.add_router("/calendar/", calendar_router)
    api.add_router("/catalog/", catalog_router)
    api.add_router("/supervision/", supervision_router)
    api.add_router("/cases/", cases_applicant_router)
    api.add_router("/staff/cases/", cases_staff_router)
    api.add_router("/search", search_router)
    api.add_router("/disclosure/", disclosure_router)
    api.add_router("/disclosure-requests/", disclosure_requests_router)
    api.add_router("/letters/", letters_router)
    api.add_router("/letters/", routing_router)  # POST /letters/route-suggestion
    api.add_router("/participation/", participation_router)
    api.add_router("/insights/", insights_router)
    api.add_router("/exchange/", exchange_router)


_register_routers()
