"""Demo content for `manage.py load_demo_county`: two registered sites with a few entries.

The platform usually runs without internet, so the demo entries come from a bundled
feed file parsed exactly like a pulled one; the demo sources' own addresses end in
``.invalid`` (never resolvable), so the staff page also shows how a failed pull looks.
"""

from __future__ import annotations

from pathlib import Path

from .fetch import FetchResult
from .models import FeedSource, url_hash
from .parse import parse_feed
from .services import feed_entries_store, feed_source_register

DATA = Path(__file__).resolve().parent / "data"
DEMO_SOURCES = (
    ("示例市人民政府门户网站", "http://www.shili-shi.invalid/rss.xml", "示例市人民政府", "demo_city.xml"),
    ("示例省人民政府门户网站", "http://www.shili-sheng.invalid/atom.xml", "示例省人民政府", "demo_province.xml"),
)


def demo_sitegroup_load() -> str:
    created = stored = 0
    for name, url, site_name, filename in DEMO_SOURCES:
        source = FeedSource.objects.filter(url_hash=url_hash(url)).first()
        if source is None:
            source = feed_source_register(actor=None, name=name, url=url, site_name=site_name)
            created += 1
        body = (DATA / filename).read_bytes()
        outcome = feed_entries_store(
            actor=None, source=source, result=FetchResult(not_modified=False, body=body, final_url=url),
            entries=parse_feed(body, base_url=url),
        )
        stored += outcome.new_entries
    return f"网站群:新登记 {created} 个示例订阅源,新增 {stored} 条示例信息"
