"""Cost of rendering public pages WITHOUT the page cache (what logged-in visitors pay).

The wrk figures in run_bench.py measure the steady state for anonymous visitors, where
the page cache answers. This measures one process rendering each page from the
database with the cache emptied before every request, so a regression in queries or
templates stays visible even though the cache hides it from the load test.
"""

from __future__ import annotations

import time

if __package__:
    from .django_setup import setup_django
else:  # run as a script: only bench/ is on sys.path
    from django_setup import setup_django

PATHS = ("/catalog/", "/catalog/items/QL017/", "/")


def run(requests_per_page: int = 40) -> dict:
    setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()
    pages = {}
    for path in PATHS:
        cache.clear()
        status = client.get(path).status_code  # warm templates and the calendar
        # execute_wrapper, not CaptureQueriesContext: the request cycle reconnects, which
        # empties the debug query log.
        executed = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            cache.clear()
            client.get(path)
        started = time.perf_counter()
        for _ in range(requests_per_page):
            cache.clear()
            client.get(path)
        ms = (time.perf_counter() - started) / requests_per_page * 1000
        pages[path] = {"status": status, "ms_per_request": round(ms, 2), "queries": len(executed)}
    return {"name": "uncached_render", "requests_per_page": requests_per_page, "pages": pages}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
