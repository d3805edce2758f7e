"""Who is acting, from where, in which request: read by the audit trail and the logs.

A contextvar (not thread-locals) so it is correct under threads and async alike.
Management commands and tasks run with an empty context: audit rows then carry no IP
and a generated request id.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    # Lookups asked many times per request (a user's posts: menus, links, access rules
    # and the page's selector each ask). Lives and dies with the request.
    memo: dict = field(default_factory=dict, compare=False, repr=False)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "zhengwu_request_context", default=None
)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        ctx = RequestContext(request_id=new_request_id())
    return ctx


def memo(key, compute: Callable[[], T]) -> T:
    """``compute()`` once per request for ``key``; outside a request (commands, tasks,
    services called from tests) every call computes afresh."""
    ctx = _current.get()
    if ctx is None:
        return compute()
    try:
        return ctx.memo[key]
    except KeyError:
        value = ctx.memo[key] = compute()
        return value


def memo_forget() -> None:
    """Drop this request's memo: a write in the request changed what it holds."""
    ctx = _current.get()
    if ctx is not None:
        ctx.memo.clear()


def new_request_id() -> str:
    return uuid.uuid4().hex


def activate(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
