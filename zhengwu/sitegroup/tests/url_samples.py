"""URL-walk samples for the site group (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample


def source_id(world) -> int:
    """An enabled source (registered once per world by the system)."""
    sid = getattr(world, "_sitegroup_source", None)
    if sid is None:
        from zhengwu.sitegroup.services import feed_source_register

        sid = world._sitegroup_source = feed_source_register(
            actor=None, name="示例市政府", url="http://city.example.gov.cn/rss.xml",
        ).pk
    return sid


PAGE_SAMPLES = {
    "sitegroup:index": Sample(),
    "sitegroup:source": Sample(kwargs={"source_id": source_id}),
    "sitegroup:manage": Sample(),
    "sitegroup:source_action": Sample(kwargs={"source_id": source_id}, ok=frozenset({405})),  # POST only
}
