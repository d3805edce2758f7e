"""In the default set-up a client cannot name its own address (issue 15, finding 5).

`make run` serves gunicorn to the browser directly, and local clients come from
127.0.0.1 as a same-host nginx would. A forged X-Real-IP or X-Forwarded-For must
neither open a fresh allowance for the login slow-down nor end up in the audit trail.
"""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from zhengwu.core.models import AuditEvent

from .factories import PASSWORD, CitizenFactory
from .timetravel import at, start

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ID_A = "11010519491231002X"
WRONG = "Wrong#pass999"


def _forged(n: int) -> dict:
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": f"203.0.113.{n % 250 + 1}",
            "HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250 + 1}"}


def test_no_proxy_is_trusted_by_default():
    assert django_settings.ZHENGWU_TRUSTED_PROXIES == []


def test_make_run_starts_gunicorn_trusting_no_forwarding_header():
    run = (Path(django_settings.BASE_DIR) / "scripts" / "run.sh").read_text()
    assert '--forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-}"' in run


def test_rotating_forged_addresses_does_not_escape_the_login_slow_down(client, settings):
    settings.ZHENGWU_LOGIN_IP_MAX_FAILURES = 5
    CitizenFactory(id_number=ID_A)
    with at(start()):
        for n in range(5):
            assert client.post(LOGIN, {"username": f"guess{n:02d}", "password": WRONG}, **_forged(n)).status_code == 400
        throttled = client.post(LOGIN, {"username": ID_A, "password": PASSWORD}, **_forged(99))
    assert throttled.status_code == 429 and "Retry-After" in throttled


def test_the_audit_trail_records_the_peer_not_the_forged_header(client):
    CitizenFactory(id_number=ID_A)
    client.post(LOGIN, {"username": ID_A, "password": WRONG}, **_forged(7))
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.ip == "127.0.0.1"
    assert not AuditEvent.objects.filter(ip__in=["203.0.113.8", "198.51.100.8"]).exists()


def test_behind_a_configured_proxy_its_header_is_believed(client, settings):
    settings.ZHENGWU_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    CitizenFactory(id_number=ID_A)
    client.post(LOGIN, {"username": ID_A, "password": WRONG}, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert AuditEvent.objects.get(action="accounts.login").ip == "203.0.113.7"
