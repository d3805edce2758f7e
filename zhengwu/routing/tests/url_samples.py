"""Samples for the URL walk (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample

PAGE_SAMPLES = {
    "routing:dashboard": Sample(),
}

API_SAMPLES = {
    # The walk posts no body at all: staff get ninja's Chinese 422 (the body is missing);
    # an empty text gets the service's 400, see tests/test_api.py.
    ("POST", "/api/v1/letters/route-suggestion"): Sample(ok=frozenset({422})),
}
