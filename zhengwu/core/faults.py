"""Infrastructure faults answered as a Chinese 503 with Retry-After (ADR 0017).

A full disk, a locked or unreachable database and an unreachable Redis are not bugs and
not bad input: the request was refused as a whole (its transaction rolled back, or
never began), and the same request succeeds once the fault clears. So the answer is
503 Service Unavailable with ``Retry-After`` and a Chinese message that says to try
again later, never a 500 with "工作人员已收到记录". Pages get a small self-contained
HTML page (rendered without a request context: the database may be what failed); the
API gets its JSON error body ``{"code", "message", "details"}``.

``infrastructure_fault(exc)`` classifies; ``FaultMiddleware`` answers view exceptions;
the 500 handler (``zhengwu.portal.views.error_500``) asks ``fault_response_for_current``
for exceptions raised in middleware; the API's catch-all handler asks too.
"""

from __future__ import annotations

import errno
import logging
import sys
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger("zhengwu.faults")

# errno values meaning "no room to write": the disk, a quota, or inode exhaustion.
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


@dataclass(frozen=True)
class Fault:
    code: str  # machine code in the API body
    message: str  # Chinese, shown to the person
    retry_after: int  # seconds


DISK_FULL = Fault("storage_full", "服务器存储空间已满,您的提交没有保存。请稍后再试,工作人员正在处理。", 300)
DATABASE_BUSY = Fault("database_busy", "系统正忙(数据库繁忙),您的提交没有保存。请稍后再试。", 5)
DATABASE_DOWN = Fault("database_unavailable", "数据库暂时无法访问,您的提交没有保存。请稍后再试。", 30)
QUEUE_DOWN = Fault("queue_unavailable", "后台服务暂时无法访问,请稍后再试。", 30)


def _redis_connection_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # redis is a dependency, but the embedded setup never touches it
        return ()
    return (RedisConnectionError, RedisTimeoutError)


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _driver_operational(exc: BaseException) -> bool:
    """A driver's own OperationalError (code that talks to sqlite3 or psycopg directly)."""
    return type(exc).__module__.split(".")[0] in ("sqlite3", "psycopg", "psycopg2") and any(
        cls.__name__ in ("OperationalError", "InterfaceError") for cls in type(exc).__mro__
    )


def infrastructure_fault(exc: BaseException | None) -> Fault | None:
    """The fault ``exc`` (or an exception it was raised from) stands for, or None for a bug."""
    if exc is None:
        return None
    redis_errors = _redis_connection_errors()
    for item in _chain(exc):
        text = str(item).lower()
        # Django wraps the driver's error; PostgreSQL's SQLSTATE sits on the driver's one.
        sqlstate = getattr(item, "sqlstate", None) or getattr(item.__cause__, "sqlstate", None) or ""
        if isinstance(item, OSError) and item.errno in _FULL_ERRNOS:
            return DISK_FULL
        if redis_errors and isinstance(item, redis_errors):
            return QUEUE_DOWN
        if isinstance(item, (OperationalError, InterfaceError)) or _driver_operational(item):
            # SQLite: SQLITE_FULL "database or disk is full"; PostgreSQL: DiskFull (53100).
            if "disk is full" in text or "no space left" in text or sqlstate == "53100":
                return DISK_FULL
            # PostgreSQL: lock_timeout (55P03) and statement_timeout (57014) are its "locked".
            if ("database is locked" in text or "database table is locked" in text or "busy" in text
                    or sqlstate in ("55P03", "57014")):
                return DATABASE_BUSY
            return DATABASE_DOWN
    return None


def fault_response(request, fault: Fault, exc: BaseException | None = None) -> HttpResponse:
    """The 503 for ``fault``: JSON under /api/, a Chinese page elsewhere; always Retry-After."""
    logger.warning(
        "503 %s on %s %s: %s", fault.code, request.method, request.path,
        f"{type(exc).__name__}: {exc}"[:300] if exc is not None else "",
    )
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": fault.code, "message": fault.message, "details": {}}, status=503)
    else:
        html = loader.get_template("core/503.html").render({"message": fault.message, "minutes": max(1, fault.retry_after // 60)})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(fault.retry_after)
    # Never cached by a proxy or the page cache: the next try must reach the server.
    response["Cache-Control"] = "no-store"
    return response


def fault_response_for_current(request) -> HttpResponse | None:
    """Inside an ``except`` block (Django's 500 handler): the 503 if the exception is a fault."""
    exc = sys.exc_info()[1]
    fault = infrastructure_fault(exc)
    return fault_response(request, fault, exc) if fault is not None else None


class FaultMiddleware:
    """Answer a view's infrastructure fault with a 503 instead of the 500 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        fault = infrastructure_fault(exception)
        if fault is None:
            return None
        return fault_response(request, fault, exception)
