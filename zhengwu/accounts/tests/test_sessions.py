"""Idle timeout, absolute limit, keep-alive and logout ending the session on the server."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session

from zhengwu.core.models import AuditEvent

from .factories import PASSWORD, CitizenFactory
from .timetravel import at, start

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ME = "/accounts/me/"
KEEPALIVE = "/accounts/session/keepalive/"
ID_A = "11010519491231002X"


def _login(client):
    CitizenFactory(id_number=ID_A)
    response = client.post(LOGIN, {"username": ID_A, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies["sessionid"].value


def test_thirty_minutes_idle_ends_the_session_with_a_chinese_message(client):
    t0 = start()
    with at(t0):
        old_key = _login(client)
    with at(t0 + timedelta(minutes=29)):
        assert client.get(ME).status_code == 200
    with at(t0 + timedelta(minutes=29 + 31)):
        response = client.get(ME)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        page = client.get(response["Location"])
    assert "登录已超时,请重新登录" in page.content.decode()
    assert not Session.objects.filter(session_key=old_key).exists()
    event = AuditEvent.objects.get(action="accounts.session.expire")
    assert event.details == {"reason": "idle"}


def test_expired_session_answers_json_clients_with_401(client):
    t0 = start()
    with at(t0):
        _login(client)
    with at(t0 + timedelta(minutes=31)):
        response = client.post(KEEPALIVE, HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired" and response.json()["message"] == "登录已超时,请重新登录"


def test_activity_keeps_the_session_but_eight_hours_is_the_absolute_limit(client):
    t0 = start()
    with at(t0):
        _login(client)
    minute = 0
    while minute + 25 < 8 * 60:
        minute += 25
        with at(t0 + timedelta(minutes=minute)):
            assert client.get(ME).status_code == 200, minute
    with at(t0 + timedelta(hours=8, minutes=1)):
        response = client.get(ME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.get(action="accounts.session.expire").details == {"reason": "absolute"}


def test_keepalive_returns_remaining_seconds_and_restarts_the_idle_clock(client):
    t0 = start()
    with at(t0):
        _login(client)
    with at(t0 + timedelta(minutes=28)):
        response = client.post(KEEPALIVE, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["remaining_seconds"] == 30 * 60
    with at(t0 + timedelta(minutes=28 + 29)):
        assert client.get(ME).status_code == 200


def test_keepalive_near_the_absolute_limit_reports_what_is_left_of_it(client):
    t0 = start()
    with at(t0):
        _login(client)
    for minute in range(20, 8 * 60 - 10, 20):
        with at(t0 + timedelta(minutes=minute)):
            client.post(KEEPALIVE)
    with at(t0 + timedelta(hours=8) - timedelta(minutes=10)):
        data = client.post(KEEPALIVE).json()
    assert data["remaining_seconds"] == 600 and data["absolute_remaining_seconds"] == 600


def test_pages_carry_the_timeout_for_the_warning_script(client):
    _login(client)
    html = client.get(ME).content.decode()
    assert 'data-session-remaining-seconds="1800"' in html
    assert f'data-keepalive-url="{KEEPALIVE}"' in html and "data-csrf-token=" in html


def test_logout_ends_the_session_on_the_server_and_the_old_cookie_is_worthless(client):
    old_key = _login(client)
    assert client.get(ME).status_code == 200
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=old_key).exists()
    client.cookies["sessionid"] = old_key  # replay the stolen cookie
    response = client.get(ME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_anonymous_keepalive_is_refused(client):
    response = client.post(KEEPALIVE, HTTP_ACCEPT="application/json")
    assert response.status_code == 401


def _session_data(key: str) -> str:
    return Session.objects.get(session_key=key).session_data


def test_page_requests_write_the_idle_clock_at_most_once_a_minute(client):
    """No session UPDATE on every signed-in page (ADR 0013); the clock still moves on."""
    t0 = start()
    with at(t0):
        key = _login(client)
    written = _session_data(key)
    with at(t0 + timedelta(seconds=30)):
        assert client.get(ME).status_code == 200
    assert _session_data(key) == written
    with at(t0 + timedelta(seconds=61)):
        assert client.get(ME).status_code == 200
    assert _session_data(key) != written


def test_idle_limit_counts_from_the_last_written_touch_never_later(client):
    """A request inside the touch interval is not written, so the session may end up to a
    minute early, never late: 30 minutes after the last written touch it is over."""
    t0 = start()
    with at(t0):
        _login(client)
    with at(t0 + timedelta(seconds=59)):
        assert client.get(ME).status_code == 200
    with at(t0 + timedelta(minutes=30, seconds=30)):
        response = client.get(ME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.get(action="accounts.session.expire").details == {"reason": "idle"}


def test_keepalive_always_restarts_the_idle_clock(client):
    t0 = start()
    with at(t0):
        _login(client)
    with at(t0 + timedelta(seconds=20)):
        response = client.post(KEEPALIVE, HTTP_ACCEPT="application/json")
    assert response.json()["remaining_seconds"] == 30 * 60
    with at(t0 + timedelta(minutes=30, seconds=10)):
        assert client.get(ME).status_code == 200
