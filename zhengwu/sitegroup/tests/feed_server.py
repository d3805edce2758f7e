"""A real HTTP server on 127.0.0.1:<free port> serving good, slow, huge and hostile feeds.

Tests never reach the network: the pulls under test talk to this server over a real
socket, so timeouts, size limits, redirects and conditional GET are exercised for real.
"""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>示例市政府</title><link>http://city.example.gov.cn/</link>
<item><title>示例市召开常务会议</title><link>http://city.example.gov.cn/a/1.html</link><guid>city-1</guid>
<pubDate>Mon, 05 Jan 2026 09:00:00 +0800</pubDate><description>&lt;p&gt;会议研究了&lt;b&gt;营商环境&lt;/b&gt;工作。&lt;/p&gt;</description></item>
<item><title>示例市发布统计公报</title><link>http://city.example.gov.cn/a/2.html</link><guid>city-2</guid>
<pubDate>Tue, 06 Jan 2026 09:00:00 +0800</pubDate><description>全市经济稳中向好。</description></item>
<item><title>省市联合发布的通知</title><link>http://shared.example.gov.cn/joint.html</link><guid>city-3</guid>
<pubDate>Wed, 07 Jan 2026 09:00:00 +0800</pubDate><description>两个网站都发布了这篇文章。</description></item>
</channel></rss>
""".encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>示例省政府</title><id>urn:province</id>
<updated>2026-01-08T09:00:00+08:00</updated><link href="http://province.example.gov.cn/"/>
<entry><title>示例省数字政府建设方案</title><id>urn:province:1</id><link href="http://province.example.gov.cn/p/1.html"/>
<updated>2026-01-08T09:00:00+08:00</updated><summary>到2027年全面建成。</summary></entry>
<entry><title>省市联合发布的通知</title><id>urn:province:2</id><link href="http://shared.example.gov.cn/joint.html"/>
<updated>2026-01-07T10:00:00+08:00</updated><summary>两个网站都发布了这篇文章。</summary></entry>
</feed>
""".encode()

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    b"<item><title>bomb &lol9;</title><link>http://bomb.example.gov.cn/1</link><description>&lol9;</description></item>"
    b"</channel></rss>"
)

HOSTILE = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>http://hostile.example.gov.cn/</link>'
    + '<item><title>&lt;script&gt;alert(1)&lt;/script&gt;&lt;b onmouseover="x()"&gt;正常标题&lt;/b&gt;</title>'
      '<link>javascript:alert(1)</link><description>x</description></item>'
    + '<item><title><![CDATA[<img src=x onerror=alert(1)>带图片的标题]]></title><link>/relative/page.html</link>'
      '<description><![CDATA[<script>steal()</script><p style="x">摘要<a href="javascript:x">链接</a></p>]]></description></item>'
    + "".join(
        f"<item><title>第{i}条</title><link>http://hostile.example.gov.cn/n/{i}.html</link><guid>h-{i}</guid></item>"
        for i in range(300)
    )
    + "</channel></rss>"
).encode()

HTML_PAGE = "<!DOCTYPE html><html><head><title>首页</title></head><body><h1>欢迎</h1><a href='/x'>x</a></body></html>".encode()
GARBAGE = bytes(range(256)) * 40


class FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FeedTest/1.0"
    # Set by FeedServer: seconds the slow routes sleep, bytes of the huge ones.
    slow_seconds = 3.0
    huge_bytes = 3 * 1024 * 1024

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None, content_type="application/rss+xml; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        self.server.hits.append(self.path)
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _route(self):
        path = self.path.split("?", 1)[0]
        if path == "/rss.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304)
                return
            self._send(200, RSS, {"ETag": '"v1"'})
        elif path == "/atom.xml":
            self._send(200, ATOM, content_type="application/atom+xml")
        elif path == "/slow.xml":
            time.sleep(self.slow_seconds)
            self._send(200, RSS)
        elif path == "/drip.xml":
            # Headers at once, then one byte at a time: every read is "on time", the whole is not.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            for b in RSS:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/huge.xml":
            # No Content-Length: the client must count for itself.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<!-- " + b"x" * 65000 + b" -->"
            sent = 0
            while sent < self.huge_bytes:
                self.wfile.write(chunk)
                sent += len(chunk)
            self.close_connection = True
        elif path == "/huge-declared.xml":
            self._send(200, b"", {"Content-Length": str(50 * 1024 * 1024)})
        elif path == "/gzip-bomb.xml":
            body = gzip.compress(b"\0" * (20 * 1024 * 1024))
            self._send(200, body, {"Content-Encoding": "gzip"})
        elif path == "/garbage":
            self._send(200, GARBAGE, content_type="application/octet-stream")
        elif path == "/bomb.xml":
            self._send(200, BILLION_LAUGHS)
        elif path == "/hostile.xml":
            self._send(200, HOSTILE)
        elif path == "/page.html":
            self._send(200, HTML_PAGE, content_type="text/html; charset=utf-8")
        elif path == "/loop-a":
            self._send(302, b"", {"Location": "/loop-b"})
        elif path == "/loop-b":
            self._send(302, b"", {"Location": "/loop-a"})
        elif path == "/moved":
            self._send(301, b"", {"Location": "/rss.xml"})
        elif path == "/to-ftp":
            self._send(302, b"", {"Location": "ftp://ftp.example.gov.cn/feed.xml"})
        elif path == "/error":
            self._send(500, b"oops", content_type="text/plain")
        else:
            self._send(404, "未找到".encode(), content_type="text/plain; charset=utf-8")


class FeedServer:
    def __init__(self, *, slow_seconds: float = 3.0, huge_bytes: int = 3 * 1024 * 1024):
        handler = type("Handler", (FeedHandler,), {"slow_seconds": slow_seconds, "huge_bytes": huge_bytes})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.hits = []
        self.httpd.handle_error = lambda request, address: None  # aborted clients are expected here
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def hits(self) -> list[str]:
        return self.httpd.hits

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
