"""URL-walk samples for the access statistics (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample

PAGE_SAMPLES = {
    "webstats:dashboard": Sample(),
}
