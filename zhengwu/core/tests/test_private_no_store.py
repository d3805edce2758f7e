"""Personal pages are never stored by a browser or proxy cache (issue 15, finding 6)."""

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/accounts/me/", "/cases/mine/", "/letters/mine/", "/", "/api/v1/cases/mine"])
def test_every_page_a_signed_in_citizen_gets_is_no_store(client, url):
    client.force_login(CitizenFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert _no_store(response) and "private" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/office/", "/accounts/me/"])
def test_staff_pages_are_no_store(client, url):
    login_verified(client, StaffFactory())
    response = client.get(url)
    assert response.status_code == 200 and _no_store(response)


def test_public_pages_for_anonymous_visitors_keep_their_caching(client):
    response = client.get("/")
    assert response.status_code == 200 and not _no_store(response)


def test_a_page_drawn_from_an_anonymous_session_is_no_store(client):
    session = client.session
    session["letters_last_code"] = "ABCDEFGHJKMN"
    session.save()
    response = client.get("/letters/submitted/")
    assert _no_store(response)
