"""Sample values for the URL walk (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample

PAGE_SAMPLES = {
    # 机构沿革: every staff member may read the county's institutional history.
    "org:history": Sample(),
}
