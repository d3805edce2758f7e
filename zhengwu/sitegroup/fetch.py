"""Fetch one feed over HTTP(S) without trusting the other end.

A feed server may be dead, slow, huge, hostile or just wrong; none of that may hang or
crash the task queue. So:

* only ``http``/``https``, also after redirects (urllib would follow ``ftp:``);
* one wall-clock deadline for the whole exchange (connect, headers, body): a timer shuts
  the socket down when it passes, which also stops a server that drips one byte at a
  time (a per-read socket timeout alone never fires on it);
* the body is read in chunks with ``read1`` and abandoned past the size limit, also when
  the server lied in Content-Length or compressed it (a gzip bomb stops at the limit);
* at most ``ZHENGWU_SITEGROUP_MAX_REDIRECTS`` redirects;
* conditional GET (ETag / Last-Modified); 304 means nothing new;
* when ``ZHENGWU_SITEGROUP_BLOCK_PRIVATE_NETWORKS`` is on, the address actually connected
  to must be public (checked on the socket, so DNS rebinding does not get around it).
  Link-local addresses (cloud metadata services) are always refused.

Every failure is a ``FetchError`` carrying a Chinese message for the staff page.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings

ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "zhengwu-sitegroup/1.0 (government site group reader)"


def timeout_seconds() -> float:
    return float(getattr(settings, "ZHENGWU_SITEGROUP_TIMEOUT_SECONDS", 10))


def max_bytes() -> int:
    return int(getattr(settings, "ZHENGWU_SITEGROUP_MAX_BYTES", 2 * 1024 * 1024))


def max_redirects() -> int:
    return int(getattr(settings, "ZHENGWU_SITEGROUP_MAX_REDIRECTS", 3))


def block_private_networks() -> bool:
    return bool(getattr(settings, "ZHENGWU_SITEGROUP_BLOCK_PRIVATE_NETWORKS", False))


class FetchError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FetchResult:
    not_modified: bool
    body: bytes = b""
    final_url: str = ""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


class _Deadline:
    """Shut every socket of one fetch down when the wall-clock limit passes."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.0, self.expires - time.monotonic())

    def check(self) -> None:
        if self.expired or time.monotonic() >= self.expires:
            self.expired = True
            raise FetchError(f"抓取超时(超过 {self.seconds:g} 秒)")

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shutdown(sock)

    @staticmethod
    def _shutdown(sock) -> None:
        try:
            # Wakes a recv() blocked in another thread (close() alone does not).
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _check_peer(sock: socket.socket) -> None:
    host = sock.getpeername()[0]
    address = ipaddress.ip_address(host.split("%", 1)[0])
    if address.is_link_local or address.is_multicast or address.is_unspecified:
        raise FetchError("订阅地址指向本机链路地址,已拒绝")
    if block_private_networks() and (address.is_private or address.is_loopback or address.is_reserved):
        raise FetchError("订阅地址指向内部网络地址,已拒绝")


def _check_peer_or_close(sock: socket.socket) -> None:
    try:
        _check_peer(sock)
    except FetchError:
        sock.close()
        raise


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, deadline: _Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self):
        super().connect()
        self._deadline.attach(self.sock)
        _check_peer_or_close(self.sock)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, deadline: _Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self):
        # Guard the plain socket before the TLS handshake, so a stalled handshake is cut too.
        http.client.HTTPConnection.connect(self)
        self._deadline.attach(self.sock)
        _check_peer_or_close(self.sock)
        server_hostname = self._tunnel_host or self.host
        self.sock = self._context.wrap_socket(self.sock, server_hostname=server_hostname)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self._deadline = deadline

    def http_open(self, req):
        return self.do_open(partial(_GuardedHTTPConnection, deadline=self._deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self._deadline = deadline

    def https_open(self, req):
        return self.do_open(partial(_GuardedHTTPSConnection, deadline=self._deadline), req,
                            context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    def __init__(self):
        super().__init__()
        self.max_redirections = max_redirects()
        # Also bounds the same URL seen twice (a loop) at the same number.
        self.max_repeats = min(self.max_repeats, self.max_redirections)

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ALLOWED_SCHEMES:
            raise FetchError("订阅源重定向到了不支持的地址(只允许 http/https)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def check_url(url: str) -> None:
    """Refuse what can never be fetched: not http(s), no host, credentials in the URL."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise FetchError("订阅地址格式不正确") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchError("订阅地址只支持 http:// 或 https://")
    if not parts.hostname:
        raise FetchError("订阅地址缺少网站域名")
    if parts.username or parts.password:
        raise FetchError("订阅地址不能包含用户名或密码")


def _read_limited(response, deadline: _Deadline, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"订阅源内容过大(超过 {limit // 1024} KB)")
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        # 32+15: accept both zlib and gzip headers; max_length bounds the inflated size.
        inflater = zlib.decompressobj(32 + 15 if encoding != "deflate" else 15)
    elif encoding in ("identity", ""):
        inflater = None
    else:
        raise FetchError(f"订阅源使用了不支持的压缩方式:{encoding[:20]}")
    chunks: list[bytes] = []
    size = 0
    while True:
        deadline.check()
        try:
            chunk = response.read1(64 * 1024)
        except (OSError, http.client.HTTPException):
            deadline.check()
            raise FetchError("读取订阅源时连接中断") from None
        if not chunk:
            deadline.check()  # a shut-down socket also reads as end of stream
            break
        if inflater is not None:
            try:
                chunk = inflater.decompress(chunk, limit + 1 - size)
            except zlib.error:
                raise FetchError("订阅源压缩数据已损坏") from None
        size += len(chunk)
        if size > limit:
            raise FetchError(f"订阅源内容过大(超过 {limit // 1024} KB)")
        chunks.append(chunk)
    return b"".join(chunks)


def _http_error_message(code: int) -> str:
    if code in (301, 302, 303, 307, 308):
        return "订阅源重定向次数过多或形成循环"
    if code == 404:
        return "订阅源不存在(HTTP 404)"
    if code in (401, 403):
        return f"订阅源拒绝访问(HTTP {code})"
    if code >= 500:
        return f"订阅源服务器出错(HTTP {code})"
    return f"订阅源返回错误(HTTP {code})"


def fetch_feed(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` within the time and size limits; raise ``FetchError`` on any failure."""
    check_url(url)
    limit = max_bytes()
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, identity",
               "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with _Deadline(timeout_seconds()) as deadline:
        opener = urllib.request.build_opener(_HTTPHandler(deadline), _HTTPSHandler(deadline), _RedirectHandler())
        # No proxy from the environment: a feed goes straight to its site.
        opener.handlers = [h for h in opener.handlers if not isinstance(h, urllib.request.ProxyHandler)]
        request = urllib.request.Request(url, headers=headers, method="GET")
        try:
            response = opener.open(request, timeout=max(0.1, deadline.remaining()))
        except FetchError:
            raise
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 304:
                return FetchResult(not_modified=True, final_url=url, etag=etag, last_modified=last_modified)
            raise FetchError(_http_error_message(exc.code)) from None
        except urllib.error.URLError as exc:
            deadline.check()
            reason = exc.reason
            if isinstance(reason, FetchError):
                raise reason from None
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise FetchError(f"抓取超时(超过 {deadline.seconds:g} 秒)") from None
            if isinstance(reason, socket.gaierror):
                raise FetchError("无法解析订阅源的域名") from None
            if isinstance(reason, ConnectionRefusedError):
                raise FetchError("订阅源网站拒绝连接") from None
            raise FetchError("无法连接订阅源网站") from None
        except TimeoutError:
            raise FetchError(f"抓取超时(超过 {deadline.seconds:g} 秒)") from None
        except (OSError, http.client.HTTPException, ValueError):
            deadline.check()
            raise FetchError("与订阅源网站通信失败") from None
        with response:
            body = _read_limited(response, deadline, limit)
            return FetchResult(
                not_modified=False,
                body=body,
                final_url=response.geturl(),
                content_type=response.headers.get("Content-Type", ""),
                etag=(response.headers.get("ETag") or "")[:200],
                last_modified=(response.headers.get("Last-Modified") or "")[:100],
            )
