"""Samples for the URL walk (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample

PAGE_SAMPLES = {
    "insights:dashboard": Sample(),
    "insights:export": Sample(),
}

API_SAMPLES = {
    ("GET", "/api/v1/insights/overview"): Sample(query={"start": "2026-01-01", "end": "2026-01-31"}),
}
