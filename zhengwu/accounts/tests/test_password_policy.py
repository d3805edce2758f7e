"""Password strength, the change service and page, and the 90-day age of staff passwords."""

from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from zhengwu.accounts import services
from zhengwu.accounts.password_validation import CharacterClassValidator
from zhengwu.core.errors import PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent

from .factories import PASSWORD, CitizenFactory, StaffFactory
from .mfa_helpers import login_verified
from .timetravel import at, start

NEW = "Xin#mima2026"
CHANGE = "/accounts/password/"


@pytest.mark.parametrize("password", ["Abcdefg1", "abcdef1!", "ABCDEF1!", "Abcdefg!", "Zw#citizen2026"])
def test_three_of_four_classes_and_eight_characters_pass(password):
    CharacterClassValidator().validate(password)


@pytest.mark.parametrize(
    "password, message",
    [("Ab1!", "至少需要8个字符"), ("abcdefgh12", "至少3类"), ("ABCDEFGH!!", "至少3类"), ("12345678!", "至少3类")],
)
def test_short_or_simple_passwords_fail_with_chinese_messages(password, message):
    with pytest.raises(ValidationError) as info:
        CharacterClassValidator().validate(password)
    assert any(message in m for m in info.value.messages)


def test_django_common_and_similarity_checks_stay_registered_in_chinese(db):
    with pytest.raises(ValidationError) as info:
        password_validation.validate_password("Password1!")
    assert "这个密码太常见了。" in info.value.messages
    user = CitizenFactory.build(real_name="zhangsanfeng", username="zhangsanfeng")
    with pytest.raises(ValidationError) as info:
        password_validation.validate_password("Zhangsanfeng1", user=user)
    assert any("相似" in m for m in info.value.messages)


def test_password_change_needs_the_old_password_and_audits_once(db):
    user = StaffFactory()
    with pytest.raises(ValidationFailed) as info:
        services.password_change(actor=user, user=user, old_password="Wrong#123x", new_password=NEW)
    assert info.value.message == "原密码不正确"
    assert AuditEvent.objects.get(action="accounts.password.change").result == "failure"
    services.password_change(actor=user, user=user, old_password=PASSWORD, new_password=NEW)
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(action="accounts.password.change", result="success").count() == 1


def test_new_password_must_differ_and_be_strong(db):
    user = StaffFactory()
    with pytest.raises(ValidationFailed) as info:
        services.password_change(actor=user, user=user, old_password=PASSWORD, new_password=PASSWORD)
    assert "不能与原密码相同" in info.value.message
    with pytest.raises(ValidationFailed) as info:
        services.password_change(actor=user, user=user, old_password=PASSWORD, new_password="abcdefgh")
    assert info.value.details["field"] == "new_password"
    assert not AuditEvent.objects.filter(action="accounts.password.change").exists()


def test_nobody_changes_someone_elses_password(db):
    user, other = StaffFactory(), StaffFactory()
    with pytest.raises(PermissionDenied):
        services.password_change(actor=other, user=user, old_password=PASSWORD, new_password=NEW)


def test_every_password_set_restarts_its_age_but_a_hasher_upgrade_does_not(db):
    t0 = start()
    with at(t0):
        user = services.staff_create(actor=None, username="wangwu", real_name="王五", password=PASSWORD)
    assert user.password_changed_at == t0
    with at(t0 + timedelta(days=10)):
        user.check_password(PASSWORD)
        assert user.password_changed_at == t0
        services.password_change(actor=user, user=user, old_password=PASSWORD, new_password=NEW)
    user.refresh_from_db()
    assert user.password_changed_at == t0 + timedelta(days=10)


def test_page_changes_the_password_and_keeps_the_session(client, db):
    user = CitizenFactory()
    client.force_login(user)
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert client.get("/accounts/me/").status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_page_shows_chinese_errors_and_never_echoes_passwords(client, db):
    client.force_login(CitizenFactory())
    response = client.post(CHANGE, {"old_password": "Wrong#123x", "new_password": NEW, "new_password2": NEW + "x"})
    html = response.content.decode()
    assert response.status_code == 400 and "两次输入的新密码不一致" in html
    assert NEW not in html and "Wrong#123x" not in html


def test_staff_password_older_than_90_days_allows_only_the_change_page(client, db):
    t0 = start()
    with at(t0):
        staff = StaffFactory(password_changed_at=t0)
    with at(t0 + timedelta(days=89)):
        login_verified(client, staff)
        assert client.get("/accounts/me/").status_code == 200
    client.logout()
    with at(t0 + timedelta(days=90, minutes=1)):
        login_verified(client, staff)
        response = client.get("/accounts/me/")
        assert response.status_code == 302 and response["Location"].startswith(CHANGE)
        assert client.get("/office/").status_code == 302
        page = client.get(CHANGE)
        assert page.status_code == 200 and "超过90天" in page.content.decode()
        api = client.get("/api/v1/catalog/items", HTTP_ACCEPT="application/json")
        assert api.status_code == 403 and api.json()["code"] == "password_expired"
        client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW})
        assert client.get("/accounts/me/").status_code == 200


def test_citizen_passwords_do_not_expire(client, db):
    t0 = start()
    citizen = CitizenFactory(password_changed_at=t0)
    with at(t0 + timedelta(days=400)):
        client.force_login(citizen)
        assert client.get("/accounts/me/").status_code == 200


@pytest.mark.parametrize("password", ["Qwerty123!", "Asdf1234!x", "Zxcvbn#12", "Abcdef12#"])
def test_keyboard_walks_and_sequences_fail_the_policy(password):
    # Issue 15 finding 6: "Qwerty123!" has four classes yet tops every guessing list.
    with pytest.raises(ValidationError) as info:
        password_validation.validate_password(password)
    assert any("键盘" in m for m in info.value.messages)


@pytest.mark.parametrize("password", ["Zw#citizen2026", "Xin#mima2026", "Zhengwu#2024test", "Demo@2026zw"])
def test_ordinary_strong_passwords_still_pass(password):
    password_validation.validate_password(password)


def test_wrong_old_passwords_on_the_change_page_are_limited_like_logins(db, client, settings):
    settings.ZHENGWU_PASSWORD_CHANGE_MAX_FAILURES = 3
    user = CitizenFactory()
    client.force_login(user)
    t0 = start() + timedelta(seconds=1)  # after the account's password was set
    with at(t0):
        wrong = [client.post(CHANGE, {"old_password": f"Wrong#{n}x99", "new_password": NEW, "new_password2": NEW})
                 for n in range(3)]
        # Even the right old password is not checked while the page waits.
        right = client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW})
    assert [r.status_code for r in wrong] == [400, 400, 400]
    assert right.status_code == 429 and "次数过多" in right.content.decode()
    assert 0 < int(right["Retry-After"]) <= settings.ZHENGWU_LOGIN_LOCK_MINUTES * 60
    user.refresh_from_db()
    assert not user.check_password(NEW)
    assert AuditEvent.objects.filter(action="accounts.password.change", result="denied").count() == 1
    with at(t0 + timedelta(minutes=settings.ZHENGWU_LOGIN_LOCK_MINUTES, seconds=1)):
        later = client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW})
    assert later.status_code == 302


def test_the_change_limit_counts_only_this_accounts_failures(db, settings):
    settings.ZHENGWU_PASSWORD_CHANGE_MAX_FAILURES = 2
    guessed, other = StaffFactory(), StaffFactory()
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            services.password_change(actor=guessed, user=guessed, old_password="Wrong#123x", new_password=NEW)
    services.password_change(actor=other, user=other, old_password=PASSWORD, new_password=NEW)
    assert services.password_change_retry_after(user=guessed) > 0
    assert services.password_change_retry_after(user=other) == 0
