"""Rendered public pages are shared between anonymous visitors until public content changes."""

from django.urls import reverse

from zhengwu.catalog.services import item_retire, item_update
from zhengwu.core import page_cache
from zhengwu.core.audit import audit_record
from zhengwu.core.models import ContentVersion


def _item_url(item):
    return reverse("portal:item", args=[item.code])


def test_second_anonymous_view_is_served_without_queries(client, full_item, django_assert_num_queries):
    first = client.get(_item_url(full_item))
    assert first.status_code == 200

    with django_assert_num_queries(0):
        second = client.get(_item_url(full_item))

    assert second.status_code == 200
    assert second.content == first.content


def test_a_change_through_a_service_shows_on_the_next_view(client, full_item, django_capture_on_commit_callbacks):
    client.get(_item_url(full_item))

    with django_capture_on_commit_callbacks(execute=True):
        item_update(actor=None, item=full_item, place="示例县政务服务中心二楼9号窗口")

    assert "二楼9号窗口" in client.get(_item_url(full_item)).content.decode()


def test_other_processes_see_the_change_after_the_recheck_interval(client, full_item, settings):
    # Simulate another app server: its memo of the version is not reset by our commit.
    settings.ZHENGWU_PAGE_CACHE_RECHECK_SECONDS = 0
    client.get(_item_url(full_item))

    item_retire(actor=None, item=full_item, reason="职能调整")

    assert "已停用" in client.get(_item_url(full_item)).content.decode()


def test_unrelated_audited_actions_keep_the_cache(db):
    before = page_cache.content_version()
    from django.db import transaction

    with transaction.atomic():
        audit_record(actor=None, action="accounts.login")
    page_cache.forget_versions()
    assert page_cache.content_version() == before


def test_public_actions_bump_the_version_in_the_same_transaction(db):
    from django.db import transaction

    with transaction.atomic():
        audit_record(actor=None, action="catalog.item.update")
        audit_record(actor=None, action="org.unit.update")
    assert ContentVersion.objects.get(scope="public").version == 2


def test_logged_in_visitors_get_their_own_rendering(client, full_item, citizen_user):
    client.get(_item_url(full_item))
    client.force_login(citizen_user)

    html = client.get(_item_url(full_item)).content.decode()

    assert citizen_user.real_name in html


def test_elderly_mode_is_cached_separately(client, full_item):
    plain = client.get(_item_url(full_item)).content
    client.cookies["zw_elderly"] = "1"

    elderly = client.get(_item_url(full_item)).content

    assert elderly != plain


def test_error_pages_are_not_cached(client, county):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("portal:catalog") + "?category=nonsense"
    assert client.get(url).status_code == 400

    with CaptureQueriesContext(connection) as second_view:
        response = client.get(url)

    # Rendered again from the database, not served from the cache.
    assert len(second_view.captured_queries) > 0
    assert response.status_code == 400
