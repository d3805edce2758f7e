"""Samples for the URL walk (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample


def _ticket_number(world):
    from zhengwu.operations.services import ticket_open

    return ticket_open(actor=None, grade="C", title="网站首页加载缓慢").number


PAGE_SAMPLES = {
    "operations:healthz": Sample(),
    "operations:readyz": Sample(),
    # The test client connects from 127.0.0.1, the default /metrics allowlist.
    "operations:metrics": Sample(),
    "operations:desk": Sample(),
    "operations:ticket": Sample(kwargs={"number": _ticket_number}),
    "operations:oncall_add": Sample(ok=frozenset({405})),  # POST only
}
