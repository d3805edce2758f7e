import pytest
from django.db import transaction

from zhengwu.core.audit import audit_record
from zhengwu.core.models import SiteIdentity

pytestmark = pytest.mark.django_db


def test_anonymous_page_without_session_cookie_costs_no_query_once_warm(client, django_assert_num_queries):
    # Given the footer identity has been read once
    client.get("/accounts/login/")

    # When another anonymous visitor without any cookie opens a page that is never page-cached
    client.cookies.clear()
    with django_assert_num_queries(0):
        response = client.get("/accounts/login/")

    # Then it is rendered without touching the database
    assert response.status_code == 200


def test_footer_shows_site_identity_change_after_audited_update(client, django_capture_on_commit_callbacks):
    SiteIdentity.objects.create(pk=1, site_name="旧县人民政府")
    assert "旧县人民政府" in client.get("/accounts/login/").content.decode()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        SiteIdentity.objects.filter(pk=1).update(site_name="新县人民政府")
        audit_record(actor=None, action="core.site_identity.update", object_type="core.siteidentity", object_id="1")

    assert "新县人民政府" in client.get("/accounts/login/").content.decode()
