import pytest

from zhengwu.webstats.buffer import HIT_BUFFER

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


@pytest.fixture(autouse=True)
def fresh_buffer(settings):
    # The buffer is per process: other tests' views must not leak into these counts.
    settings.ZHENGWU_WEBSTATS_FLUSH_SECONDS = 3600
    settings.ZHENGWU_WEBSTATS_FLUSH_HITS = 100000
    HIT_BUFFER.clear()
    yield HIT_BUFFER
    HIT_BUFFER.clear()
