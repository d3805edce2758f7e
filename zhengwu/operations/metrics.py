"""Prometheus metrics (/metrics): request counts and latencies, queue depth, the sweep,
open clocks by colour, backup age, open fault tickets.

Request metrics are counted per process; under gunicorn ``PROMETHEUS_MULTIPROC_DIR``
(set by ``make run``) makes every worker write them to files that one scrape adds up.
The other figures are read from the database at scrape time (a handful of small queries:
the clock colours come from the last sweep's counts, not from scanning the clocks).
"""

from __future__ import annotations

import os
import time

from django.db.models import Count
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("zhengwu_http_requests_total", "HTTP 请求数", ["method", "status"])
LATENCY = Histogram(
    "zhengwu_http_request_seconds", "HTTP 请求耗时(秒)", ["method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class PlatformCollector:
    """Figures read at scrape time."""

    def collect(self):
        from zhengwu.supervision.models import SweepRun

        from .health import backup_age_seconds, queue_pending
        from .models import FaultTicket

        try:
            pending = queue_pending()
        except Exception:  # an unreachable queue is a missing figure, not a failed scrape
            pending = None
        if pending is not None:
            yield GaugeMetricFamily("zhengwu_task_queue_pending", "排队中的后台任务", value=pending)
        run = SweepRun.objects.order_by("-id").values("details").first()
        if run:
            details = run["details"] or {}
            clocks = GaugeMetricFamily("zhengwu_open_clocks", "最近一次巡检时在计时的时限(按颜色)", labels=["colour"])
            for colour in ("normal", "yellow", "red"):
                clocks.add_metric([colour], details.get(colour, 0))
            yield clocks
            yield GaugeMetricFamily("zhengwu_sweep_seconds", "最近一次电子监察巡检耗时(秒)",
                                    value=sum((details.get("seconds") or {}).values()))
        age = backup_age_seconds()
        if age is not None:
            yield GaugeMetricFamily("zhengwu_backup_age_seconds", "距最近一次备份的秒数", value=age)
        tickets = GaugeMetricFamily("zhengwu_fault_tickets_open", "未关闭的故障工单(按等级)", labels=["grade"])
        counts = dict(
            FaultTicket.objects.filter(state__in=["open", "responded"]).values_list("grade").annotate(n=Count("id"))
        )
        for grade in ("A", "B", "C"):
            tickets.add_metric([grade], counts.get(grade, 0))
        yield tickets


def metrics_text() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(PlatformCollector())
    return generate_latest(registry)


class RequestMetricsMiddleware:
    """Count every response by method and status class, and time it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in {"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE"} else "OTHER"
        REQUESTS.labels(method, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(method).observe(time.perf_counter() - started)
        return response
