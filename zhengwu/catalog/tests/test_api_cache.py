"""The public catalog API is cached like the catalog pages (issue 15): anonymous GETs only,
refreshed when public content changes."""

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.catalog.models import Item
from zhengwu.catalog.services import item_update

from .factories import ItemFactory

pytestmark = pytest.mark.django_db


def _url(item):
    return f"/api/v1/catalog/items/{item.code}"


def test_second_anonymous_call_is_served_without_queries(client, django_assert_num_queries):
    item = ItemFactory(name="居民身份证办理")
    first = client.get(_url(item))

    with django_assert_num_queries(0):
        second = client.get(_url(item))

    assert second.status_code == 200 and second["Content-Type"].startswith("application/json")
    assert second.json() == first.json()


def test_a_change_through_a_service_shows_on_the_next_call(client, django_capture_on_commit_callbacks):
    item = ItemFactory(place="一楼")
    client.get(_url(item))

    with django_capture_on_commit_callbacks(execute=True):
        item_update(actor=None, item=item, place="示例县政务服务中心二楼9号窗口")

    assert client.get(_url(item)).json()["place"] == "示例县政务服务中心二楼9号窗口"


def test_an_unaudited_row_change_is_not_seen_until_content_changes(client):
    # Proves the answer comes from the cache: a write that bypasses the services (and so
    # the version bump) does not show.
    item = ItemFactory(name="旧名称")
    client.get(_url(item))

    Item.objects.filter(pk=item.pk).update(name="新名称")

    assert client.get(_url(item)).json()["name"] == "旧名称"


def test_signed_in_callers_are_never_served_from_the_cache(client):
    item = ItemFactory(name="旧名称")
    client.get(_url(item))
    Item.objects.filter(pk=item.pk).update(name="新名称")
    client.force_login(CitizenFactory())

    assert client.get(_url(item)).json()["name"] == "新名称"


def test_errors_are_not_cached(client):
    assert client.get("/api/v1/catalog/items/NOPE1").status_code == 404
    item = ItemFactory(code="NOPE1")

    assert client.get(_url(item)).status_code == 200
