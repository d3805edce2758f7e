"""Password recovery and the phone check at registration by SMS code (issue 16)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from zhengwu.accounts.models import User, VerificationCode
from zhengwu.accounts.tests.factories import PASSWORD, CitizenFactory, StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.core.models import AuditEvent
from zhengwu.notifications.models import OutboundSms

from .sms import REGISTER, last_sms_code

pytestmark = pytest.mark.django_db

NEW = "Neu#Passwort2026"
RESET = "/accounts/password/reset/"
CONFIRM = "/accounts/password/reset/confirm/"


def _request(client, identifier):
    return client.post(RESET, {"identifier": identifier})


def _confirm(client, code, password=NEW, password2=None):
    return client.post(CONFIRM, {"code": code, "new_password": password, "new_password2": password2 or password})


def test_urls():
    assert reverse("accounts:password_reset") == RESET and reverse("accounts:password_reset_confirm") == CONFIRM


def test_a_code_sent_to_the_phone_resets_the_password_and_ends_other_sessions(client, django_user_model):
    from django.test import Client

    citizen = CitizenFactory(phone="13811112222")
    other_session = Client()
    other_session.force_login(citizen)
    assert other_session.get("/accounts/me/").status_code == 200

    response = _request(client, citizen.id_number)
    assert response.status_code == 302 and response["Location"] == CONFIRM
    code = last_sms_code("13811112222")
    response = _confirm(client, code)

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)
    assert other_session.get("/accounts/me/").status_code == 302  # the old session is logged out
    assert AuditEvent.objects.filter(action="accounts.password.reset", result="success", actor=citizen).exists()
    # single use: the same code does not work twice
    client.post(RESET, {"identifier": citizen.id_number})
    assert _confirm(client, code, "Another#Pass2026").status_code == 400


def test_the_answer_is_the_same_whether_the_account_exists_or_not(client):
    CitizenFactory(phone="13811112222")

    known = _request(client, "13811112222")
    unknown = _request(client, "13899998888")

    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    assert OutboundSms.objects.count() == 1  # only the real account got a message
    assert _confirm(client, "123456").content.decode().count("验证码错误或已失效") >= 1
    assert AuditEvent.objects.filter(action="accounts.password.reset_request", result="failure").exists()


def test_a_code_dies_after_five_wrong_tries(client):
    citizen = CitizenFactory(phone="13811112222")
    _request(client, "13811112222")
    code = last_sms_code("13811112222")
    wrong = "000000" if code != "000000" else "111111"

    for _ in range(5):
        assert _confirm(client, wrong).status_code == 400

    assert _confirm(client, code).status_code == 400
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_a_code_expires(client):
    citizen = CitizenFactory(phone="13811112222")
    _request(client, "13811112222")
    code = last_sms_code("13811112222")
    VerificationCode.objects.update(expires_at=VerificationCode.objects.get().created_at - timedelta(seconds=1))

    assert _confirm(client, code).status_code == 400
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_requests_are_rate_limited_per_name(client):
    CitizenFactory(phone="13811112222")
    for _ in range(3):
        assert _request(client, "13811112222").status_code == 302
    assert _request(client, "13811112222").status_code == 429


def test_a_staff_member_still_needs_the_second_factor_after_a_reset(client):
    StaffFactory(username="zhangsan", phone="13922223333")
    _request(client, "zhangsan")
    assert _confirm(client, last_sms_code("13922223333")).status_code == 302

    response = client.post("/accounts/login/", {"username": "zhangsan", "password": NEW})

    assert response.status_code == 302 and "/accounts/mfa/" in response["Location"]


def test_a_weak_new_password_keeps_the_code_usable(client):
    citizen = CitizenFactory(phone="13811112222")
    _request(client, "13811112222")
    code = last_sms_code("13811112222")

    weak = _confirm(client, code, "12345678")
    assert weak.status_code == 400 and "至少3类" in weak.content.decode()
    assert _confirm(client, code).status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)


# --- registration ----------------------------------------------------------------------

ID_X = "11010519491231002X"
GOOD = "Zw#citizen2026"


def _form(**extra):
    return {"kind": "citizen", "c-name": "张三", "c-id_number": ID_X, "c-phone": "13812341234",
            "c-password": GOOD, "c-password2": GOOD, "privacy_consent": "on"} | extra


def test_registration_needs_the_code_sent_to_the_phone(client):
    response = client.post(REGISTER, _form(phone_code=""))
    assert response.status_code == 400 and "请先获取并填写短信验证码" in response.content.decode()

    sent = client.post(REGISTER, _form(action="send_code"))
    assert sent.status_code == 200 and "验证码已发送至 138****1234" in sent.content.decode()
    assert 'value="张三"' in sent.content.decode()  # what was typed stays
    assert client.post(REGISTER, _form(phone_code="000001" if last_sms_code("13812341234") != "000001" else "000002")).status_code == 400
    assert not User.objects.exists()

    response = client.post(REGISTER, _form(phone_code=last_sms_code("13812341234")))

    assert response.status_code == 302
    user = User.objects.get()
    assert user.phone_verified_at is not None
    assert AuditEvent.objects.filter(action="accounts.phone.verify", actor=user).exists()


def test_a_code_for_another_phone_does_not_register(client):
    client.post(REGISTER, _form(action="send_code", **{"c-phone": "13900001111"}))
    code = last_sms_code("13900001111")

    response = client.post(REGISTER, _form(phone_code=code))

    assert response.status_code == 400 and not User.objects.exists()


def test_a_registration_code_expires(client):
    client.post(REGISTER, _form(action="send_code"))
    code = last_sms_code("13812341234")
    with at(VerificationCode.objects.get().expires_at + timedelta(seconds=1)):
        response = client.post(REGISTER, _form(phone_code=code))
    assert response.status_code == 400 and not User.objects.exists()
