"""Our own RSS 2.0 and Atom 1.0 feeds of published records, per column, per department and all.

Built on Django's syndication framework; only published records appear, so a withdrawn
record drops out of every feed at once (the page cache is bumped by its audit action).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.views.decorators.http import require_safe

from zhengwu.core.access import PUBLIC, access
from zhengwu.core.errors import NotFound
from zhengwu.core.page_cache import cached_public_page

from . import selectors
from .models import Disclosure
from .richtext import text_excerpt

FEED_ITEMS = 30
SUMMARY_CHARS = 300


class _DisclosureFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "zh-cn"
    feed_url_name = ""

    def item_title(self, item: Disclosure) -> str:
        return item.title

    def item_description(self, item: Disclosure) -> str:
        return text_excerpt(item.body_text, SUMMARY_CHARS)

    def item_link(self, item: Disclosure) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Disclosure) -> str:
        # The 索引号 is unique and stable for the record's life.
        return f"zhengwu:disclosure:{item.index_number or item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Disclosure):
        return item.first_published_at

    def item_updateddate(self, item: Disclosure):
        return item.revised_at or item.first_published_at

    def item_author_name(self, item: Disclosure) -> str:
        return item.issuing_body or item.department.name

    def item_categories(self, item: Disclosure):
        return [item.get_column_display()]

    def feed_url(self, obj):
        return reverse(self.feed_url_name, args=self._feed_args(obj)) if self.feed_url_name else None

    def _feed_args(self, obj):
        return []


class AllRss(_DisclosureFeed):
    title = "政府信息公开 - 最新信息"
    description = "本站主动公开的最新政府信息"
    feed_url_name = "disclosure:feed_all_rss"

    def link(self):
        return reverse("disclosure:catalog")

    def items(self):
        return selectors.disclosure_list_public()[:FEED_ITEMS]


class AllAtom(AllRss):
    feed_type = Atom1Feed
    subtitle = AllRss.description
    feed_url_name = "disclosure:feed_all_atom"


class ColumnRss(_DisclosureFeed):
    feed_url_name = "disclosure:feed_column_rss"

    def get_object(self, request, column):
        try:
            return selectors.column_get(slug=column)
        except NotFound as exc:
            raise Http404(exc.message) from None

    def _feed_args(self, obj):
        return [obj.value]

    def title(self, obj):
        return f"政府信息公开 - {obj.label}"

    def description(self, obj):
        return f"本站“{obj.label}”栏目的最新信息"

    subtitle = description

    def link(self, obj):
        return reverse("disclosure:column", args=[obj.value])

    def items(self, obj):
        return selectors.disclosure_list_public(column=obj)[:FEED_ITEMS]


class ColumnAtom(ColumnRss):
    feed_type = Atom1Feed
    feed_url_name = "disclosure:feed_column_atom"


class DepartmentRss(_DisclosureFeed):
    feed_url_name = "disclosure:feed_department_rss"

    def get_object(self, request, code):
        try:
            return selectors.department_get_public(code=code)
        except NotFound as exc:
            raise Http404(exc.message) from None

    def _feed_args(self, obj):
        return [obj.code]

    def title(self, obj):
        return f"{obj.name} - 政府信息公开"

    def description(self, obj):
        return f"{obj.name}主动公开的最新政府信息"

    subtitle = description

    def link(self, obj):
        return reverse("disclosure:department", args=[obj.code])

    def items(self, obj):
        return selectors.disclosure_list_public(department=obj)[:FEED_ITEMS]


class DepartmentAtom(DepartmentRss):
    feed_type = Atom1Feed
    feed_url_name = "disclosure:feed_department_atom"


def _public_feed(feed_class):
    """A feed instance as a declared, cached public view."""
    view = feed_class()

    def feed_view(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    feed_view.__name__ = feed_view.__qualname__ = f"{feed_class.__name__.lower()}_feed"
    feed_view.__doc__ = feed_class.__doc__
    return access(PUBLIC)(require_safe(cached_public_page(feed_view)))


all_rss = _public_feed(AllRss)
all_atom = _public_feed(AllAtom)
column_rss = _public_feed(ColumnRss)
column_atom = _public_feed(ColumnAtom)
department_rss = _public_feed(DepartmentRss)
department_atom = _public_feed(DepartmentAtom)
