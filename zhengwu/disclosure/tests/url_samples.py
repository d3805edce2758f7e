"""Sample objects for the URL walk (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample


def published_disclosure_id(world) -> int:
    """A published record of the walk's department X (created once per world)."""
    pk = getattr(world, "_disclosure_pk", None)
    if pk is None:
        from django.utils import timezone

        from zhengwu.disclosure.models import Column
        from zhengwu.disclosure.services import disclosure_import

        row = disclosure_import(
            actor=None, department=world.units["x"], column=Column.NEWS, title="示例新闻",
            body_html="正文", first_published_at=timezone.now(),
        )
        pk = world._disclosure_pk = row.pk
    return pk


ATTACHMENT_MISSING = "00000000-0000-0000-0000-000000000000"

PAGE_SAMPLES = {
    "disclosure:catalog": Sample(),
    "disclosure:guide": Sample(),
    "disclosure:detail": Sample(kwargs={"pk": published_disclosure_id}),
    "disclosure:item": Sample(kwargs={"code": "GK001"}),
    "disclosure:department": Sample(kwargs={"code": "W-X"}),
    "disclosure:column": Sample(kwargs={"column": "news"}),
    # No attachment has this id: everyone gets the same 404 (public view).
    "disclosure:attachment": Sample(kwargs={"file_id": ATTACHMENT_MISSING}, ok=frozenset({404})),
    "disclosure:feed_all_rss": Sample(),
    "disclosure:feed_all_atom": Sample(),
    "disclosure:feed_column_rss": Sample(kwargs={"column": "news"}),
    "disclosure:feed_column_atom": Sample(kwargs={"column": "notice"}),
    "disclosure:feed_department_rss": Sample(kwargs={"code": "W-X"}),
    "disclosure:feed_department_atom": Sample(kwargs={"code": "W-Y"}),
    # Staff pages: the walk's staff hold no 信息员/审核员 post, so they are refused by declaration.
    "disclosure:office_list": Sample(),
    "disclosure:office_create": Sample(),
    "disclosure:office_review": Sample(),
    "disclosure:office_edit": Sample(kwargs={"pk": published_disclosure_id}),
    "disclosure:office_action": Sample(kwargs={"pk": published_disclosure_id}, ok=frozenset({405})),  # POST only
    # The system administrator is among the site-health posts.
    "disclosure:site_health": Sample(),
}

API_SAMPLES = {
    ("GET", "/api/v1/disclosure/items"): Sample(query={"column": "news"}),
    ("GET", "/api/v1/disclosure/items/{disclosure_id}"): Sample(kwargs={"disclosure_id": published_disclosure_id}),
}
