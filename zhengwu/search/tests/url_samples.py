"""Samples for the URL walk (zhengwu/core/tests/test_url_walk.py): search is public, the
dictionary pages are for its keepers."""

from zhengwu.core.tests.url_sample import Sample


def synonym_id(world) -> int:
    """A dictionary entry (created once per world)."""
    pk = getattr(world, "_synonym_pk", None)
    if pk is None:
        from zhengwu.search.services import synonym_create

        pk = world._synonym_pk = synonym_create(actor=None, canonical="示例规范词", variants="示例俗称").pk
    return pk


PAGE_SAMPLES = {
    "search:page": Sample(query={"q": "登记 户口", "sort": "date"}),
    "search:office": Sample(),
    "search:synonym": Sample(kwargs={"synonym_id": synonym_id}),
}

API_SAMPLES = {
    # The walk joins API query strings without encoding them: "登记" percent-encoded.
    ("GET", "/api/v1/search"): Sample(query={"q": "%E7%99%BB%E8%AE%B0", "page_size": "5"}),
    ("GET", "/api/v1/search/hot-words"): Sample(),
}
