"""The message centre page and the unread count in the header."""

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.notifications.models import Message
from zhengwu.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_message_centre_lists_only_my_messages(client):
    me, other = CitizenFactory(), CitizenFactory()
    notify(recipient=me, title="我的办件已受理", body="")
    notify(recipient=other, title="别人的消息", body="")
    client.force_login(me)

    page = client.get(reverse("notifications:centre")).content.decode()

    assert "我的办件已受理" in page and "别人的消息" not in page


def test_header_shows_the_unread_count_with_one_query(client, django_assert_num_queries):
    me = CitizenFactory()
    for n in range(3):
        notify(recipient=me, title=f"消息{n}", body="")
    client.force_login(me)
    from zhengwu.notifications.context_processors import unread_messages

    request = type("R", (), {"user": me})()
    with django_assert_num_queries(1):
        assert int(unread_messages(request)["unread_message_count"]) == 3
    assert 'aria-label="未读消息 3 条"' in client.get(reverse("portal:home")).content.decode()


def test_anonymous_pages_pay_no_query_for_the_count(client):
    request = type("R", (), {"user": type("A", (), {"is_authenticated": False})()})()
    from zhengwu.notifications.context_processors import unread_messages

    assert unread_messages(request) == {}


def test_marking_read_by_post_clears_the_count_and_opens_the_link(client):
    me = CitizenFactory()
    message = notify(recipient=me, title="办件进展", body="", link="/messages/")
    client.force_login(me)

    response = client.post(reverse("notifications:read", kwargs={"message_id": message.pk}), {"open": "1"})

    assert response.status_code == 302 and response["Location"] == "/messages/"
    assert Message.objects.get(pk=message.pk).read_at is not None
    assert "未读消息" not in client.get(reverse("notifications:centre")).content.decode()


def test_marking_someone_elses_message_is_a_404(client):
    message = notify(recipient=CitizenFactory(), title="别人的", body="")
    client.force_login(CitizenFactory())

    assert client.post(reverse("notifications:read", kwargs={"message_id": message.pk})).status_code == 404
    assert Message.objects.get(pk=message.pk).read_at is None


def test_mark_all_read(client):
    me = CitizenFactory()
    notify(recipient=me, title="一", body="")
    notify(recipient=me, title="二", body="")
    client.force_login(me)

    client.post(reverse("notifications:read_all"))

    assert not Message.objects.filter(recipient=me, read_at__isnull=True).exists()


def _queries_for_centre(client, n_messages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = CitizenFactory()
    for n in range(n_messages):
        notify(recipient=me, title=f"消息{n}", body="")
    client.force_login(me)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("notifications:centre")).status_code == 200
    return len(ctx.captured_queries)


def test_message_centre_query_count_does_not_grow_with_messages(client):
    few = _queries_for_centre(client, 2)
    many = _queries_for_centre(client, 30)

    assert many <= few  # the first request also warms the site-identity cache
    assert few <= 10  # session, user, MFA device, site identity, the page, the header count
