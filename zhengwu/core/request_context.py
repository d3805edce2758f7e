"""Who is acting, from where, in which request: read by the audit trail and the logs.

A contextvar (not thread-locals) so it is correct under threads and async alike.
Management commands and tasks run with an empty context: audit rows then carry no IP
and a generated request id.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "zhengwu_request_context", default=None
)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        ctx = RequestContext(request_id=new_request_id())
    return ctx


def new_request_id() -> str:
    return uuid.uuid4().hex


def activate(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
