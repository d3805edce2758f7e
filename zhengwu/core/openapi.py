"""The /api/v1/ OpenAPI document: the shared error body, every operation's 4xx, built once.

Every error the API sends is ``{"code", "message", "details"}`` (zhengwu/api.py's
handlers). django-ninja documents only the success response an operation declares, so a
client reading the document could not know that a 404 or a 422 exists, nor what it
carries. ``ContractSchema`` adds, for each operation, the errors its declaration implies:

* 400 and 422 when it takes any input (a service's ``ValidationFailed`` / request validation);
* 401 and 403 when it is not public (no session; wrong kind of account, second factor,
  post or CSRF token missing);
* 404 when its path names an object.

Statuses only some operations answer (409 stale version, 429 rate limit, a 403 or 404 of
a public operation) are declared on the operation with ``openapi_extra=error_responses(...)``.

Building the document walks every model of every operation (45-70 ms) and encoding it
another ~40 ms; ``ContractAPI`` does both once per process and prefix, since the
operations cannot change after start-up.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated, Any

from django.http import HttpResponse
from django.urls import path
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.responses import Response
from pydantic import Field

from .api_auth import PublicAuth

# Limits the API declares for every date and object id it takes. Dates outside these are
# typos, not requests, and stay far from date.max; ids fit a 32-bit key on every database.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
MAX_OBJECT_ID = 2**31 - 1
DATE_RANGE_SCHEMA = {"formatMinimum": EARLIEST_DATE.isoformat(), "formatMaximum": LATEST_DATE.isoformat()}

ApiDate = Annotated[date, Field(ge=EARLIEST_DATE, le=LATEST_DATE, json_schema_extra=DATE_RANGE_SCHEMA)]
"""A date parameter between EARLIEST_DATE and LATEST_DATE (else 422), declared so in the document."""

ObjectId = Annotated[int, Field(ge=1, le=MAX_OBJECT_ID)]
"""An object's numeric id in a path or query (else 422)."""

ERROR_SCHEMA_NAME = "ApiError"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}

ERROR_SCHEMA: dict[str, Any] = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "description": "所有错误响应的统一格式",
    "properties": {
        "code": {"type": "string", "description": "稳定的错误代码(英文),如 not_found、invalid_parameters"},
        "message": {"type": "string", "description": "中文错误说明,可直接展示给用户"},
        "details": {
            "type": "object",
            "description": "补充信息;参数校验失败(422)时 errors 为逐项中文说明",
            "additionalProperties": True,
        },
    },
    "required": ["code", "message", "details"],
}

ERROR_DESCRIPTIONS = {
    400: "请求内容不正确(如日期超出范围、取值不被接受)",
    401: "未登录",
    403: "无权执行此操作(账户类型、双因素认证、岗位或 CSRF 校验不符)",
    404: "未找到请求的资源,或无权查看",
    409: "数据已被他人修改(版本过期)或状态不允许此操作",
    413: "提交的内容过大",
    422: "请求参数校验失败",
    429: "请求过于频繁,请稍后再试",
}


def error_response(status: int) -> dict:
    return {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": dict(ERROR_REF)}}}


def error_responses(*statuses: int) -> dict:
    """``openapi_extra`` declaring the errors only this operation answers."""
    return {"responses": {status: error_response(status) for status in statuses}}


def _is_public(operation) -> bool:
    callbacks = list(operation.auth_callbacks or [])
    return bool(callbacks) and all(isinstance(cb, PublicAuth) for cb in callbacks)


def _takes_input(operation) -> bool:
    return bool(operation.models) or "{" in operation.path or bool(
        (operation.openapi_extra or {}).get("requestBody")
    )


class ContractSchema(OpenAPISchema):
    """ninja's document plus the shared error schema and each operation's implied errors."""

    def operation_details(self, operation) -> dict:
        details = super().operation_details(operation)
        implied: list[int] = []
        if _takes_input(operation):
            implied += [400, 422]
        if not _is_public(operation):
            implied += [401, 403]
        if "{" in operation.path:
            implied.append(404)
        responses = details["responses"]
        for status in implied:
            responses.setdefault(status, error_response(status))
        details["responses"] = dict(sorted(responses.items(), key=lambda kv: int(kv[0])))
        return details

    def get_components(self) -> dict:
        components = super().get_components()
        components["schemas"][ERROR_SCHEMA_NAME] = ERROR_SCHEMA
        return components


class ContractAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document is ``ContractSchema``, built once per process."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._openapi_cache: dict[str, OpenAPISchema] = {}
        self._openapi_bytes: dict[str, bytes] = {}
        self._openapi_lock = threading.Lock()

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = self._openapi_cache.get(path_prefix)
        if schema is None:
            with self._openapi_lock:
                schema = self._openapi_cache.get(path_prefix)
                if schema is None:
                    schema = self._openapi_cache[path_prefix] = ContractSchema(self, path_prefix)
        return schema

    def _get_urls(self):
        # Serve openapi.json from bytes encoded once as well: encoding the ~140 KB document
        # costs more than a cached page does.
        urls = super()._get_urls()
        for i, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "openapi-json":
                urls[i] = path(str(pattern.pattern), self._openapi_json, name="openapi-json")
        return urls

    def _openapi_json(self, request, **path_params):
        prefix = self.get_root_path(path_params)
        body = self._openapi_bytes.get(prefix)
        if body is None:
            body = self._openapi_bytes[prefix] = Response(self.get_openapi_schema(path_prefix=prefix)).content
        return HttpResponse(body, content_type="application/json")
