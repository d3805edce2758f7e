"""Samples for the URL walk (zhengwu/core/tests/test_url_walk.py): everything is public."""

from zhengwu.core.tests.url_sample import Sample

PAGE_SAMPLES = {
    "search:page": Sample(query={"q": "登记 户口", "sort": "date"}),
}

API_SAMPLES = {
    # The walk joins API query strings without encoding them: "登记" percent-encoded.
    ("GET", "/api/v1/search"): Sample(query={"q": "%E7%99%BB%E8%AE%B0", "page_size": "5"}),
    ("GET", "/api/v1/search/hot-words"): Sample(),
}
