"""Nothing secret reaches the logs or the audit details.

Captures every log record (root logger at DEBUG, django.request included) during a
registration, a failed and a successful login, a wrong second-factor code, a password
change and an unmask, then looks for the passwords, the ID number, the phone, the
session keys and the one-time code in them.
"""

import logging

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.factories import PASSWORD, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified, totp_device
from zhengwu.accounts.tests.sms import register_with_code
from zhengwu.core.models import AuditEvent
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

ID_NUMBER = "11010519491231002X"
PHONE = "13812341234"
CITIZEN_PASSWORD = "Zw#citizen2026"
WRONG_PASSWORD = "Wrong#pass999"
NEW_PASSWORD = "Xin#mima2026"
OTP_CODE = "482913"


def _session_keys(client, keys: set[str]) -> None:
    cookie = client.cookies.get("sessionid")
    if cookie is not None and cookie.value:
        keys.add(cookie.value)


def _record_texts(record: logging.LogRecord) -> list[str]:
    texts = [record.getMessage(), repr(record.args), record.exc_text or ""]
    if record.exc_info:
        texts.append(logging.Formatter().formatException(record.exc_info))
    return texts


@pytest.mark.django_db
def test_no_secret_is_logged_or_audited_during_the_account_flows(client, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    caplog.set_level(logging.DEBUG, logger="django.request")
    session_keys: set[str] = set()

    register_with_code(client, {
        "kind": "citizen", "c-name": "张三", "c-id_number": ID_NUMBER, "c-phone": PHONE,
        "c-password": CITIZEN_PASSWORD, "c-password2": CITIZEN_PASSWORD,
    })
    _session_keys(client, session_keys)
    assert client.post("/accounts/login/", {"username": ID_NUMBER, "password": WRONG_PASSWORD}).status_code == 400
    # a six-digit "password" stands in for a code typed into the wrong box
    client.post("/accounts/login/", {"username": ID_NUMBER, "password": OTP_CODE})
    assert client.post("/accounts/login/", {"username": ID_NUMBER, "password": CITIZEN_PASSWORD}).status_code == 302
    _session_keys(client, session_keys)
    client.post("/accounts/password/", {
        "old_password": CITIZEN_PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    _session_keys(client, session_keys)
    citizen_id = int(client.session["_auth_user_id"])
    client.post("/accounts/logout/")

    county = org_services.unit_create(actor=None, code="C", name="示例县", kind=Unit.Kind.COUNTY)
    clerk = StaffFactory(username="chuangkou")
    org_services.assignment_grant(actor=None, user=clerk, unit=county, role=Role.WINDOW_CLERK)
    totp_device(clerk)
    client.post("/accounts/login/", {"username": "chuangkou", "password": PASSWORD})
    _session_keys(client, session_keys)
    client.post(reverse("accounts:mfa_verify"), {"token": OTP_CODE})
    login_verified(client, clerk)
    _session_keys(client, session_keys)
    unmasked = client.post(f"/accounts/users/{citizen_id}/unmask/")
    assert unmasked.json()["id_number"] == ID_NUMBER

    secrets = [ID_NUMBER, ID_NUMBER.lower(), PHONE, CITIZEN_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, PASSWORD, OTP_CODE]
    secrets += sorted(session_keys)
    assert len(session_keys) >= 3
    assert any(r.name == "django.request" for r in caplog.records)  # the capture really works
    assert any(r.name == "zhengwu.accounts.services" for r in caplog.records)
    leaks = [
        # a little context around each hit, so a failure shows where the secret came from
        (record.name, text[max(0, text.find(secret) - 120): text.find(secret) + 20])
        for record in caplog.records
        for text in _record_texts(record)
        for secret in secrets
        if secret in text
    ]
    assert leaks == []

    audit_text = [str(e.details) + e.actor_label + e.object_id for e in AuditEvent.objects.all()]
    assert AuditEvent.objects.filter(action="accounts.personal_data.unmask").exists()
    assert [(t, s) for t in audit_text for s in secrets if s in t] == []
