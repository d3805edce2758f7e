"""Account lockout, the per-IP slow-down and the audit rows of login attempts."""

from datetime import timedelta

import pytest

from zhengwu.accounts.models import LoginFailure, User
from zhengwu.core.models import AuditEvent

from .factories import PASSWORD, CitizenFactory, StaffFactory
from .timetravel import at, start

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ID_A = "11010519491231002X"
WRONG = "Wrong#pass999"


def _post(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_and_even_the_right_password_is_refused(client):
    user = CitizenFactory(id_number=ID_A)
    t0 = start()
    with at(t0):
        for _ in range(4):
            assert _post(client, ID_A, WRONG).status_code == 400
        fifth = _post(client, ID_A, WRONG)
        assert fifth.status_code == 403
        right = _post(client, ID_A, PASSWORD)
    html = right.content.decode()
    assert right.status_code == 403 and not _logged_in(client)
    unlock = (t0 + timedelta(minutes=15)).astimezone().strftime("%H:%M")
    assert "已被锁定" in html and unlock in html
    user.refresh_from_db()
    assert user.locked_until == t0 + timedelta(minutes=15)
    lockouts = AuditEvent.objects.filter(action="accounts.lockout")
    assert lockouts.count() == 1 and lockouts.get().actor_id == user.pk and lockouts.get().ip == "10.1.1.1"
    reasons = list(AuditEvent.objects.filter(action="accounts.login").values_list("details__reason", flat=True))
    assert reasons == ["bad_credentials"] * 5 + ["locked"]


def test_lock_expires_after_fifteen_minutes_and_success_resets_the_counter(client):
    user = CitizenFactory(id_number=ID_A)
    t0 = start()
    with at(t0):
        for _ in range(5):
            _post(client, ID_A, WRONG)
    with at(t0 + timedelta(minutes=14, seconds=59)):
        assert _post(client, ID_A, PASSWORD).status_code == 403
    with at(t0 + timedelta(minutes=15, seconds=1)):
        assert _post(client, ID_A, PASSWORD).status_code == 302
    assert _logged_in(client)
    user.refresh_from_db()
    assert user.failed_login_count == 0 and user.locked_until is None


def test_a_success_between_failures_starts_the_count_again(client):
    user = CitizenFactory(id_number=ID_A)
    for _ in range(4):
        _post(client, ID_A, WRONG)
    assert _post(client, ID_A, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _post(client, ID_A, WRONG)
    user.refresh_from_db()
    assert user.failed_login_count == 4 and not user.is_locked()


def test_locking_account_a_does_not_block_account_b_behind_the_same_address(client):
    CitizenFactory(id_number=ID_A)
    b = StaffFactory(username="clerk")
    for _ in range(5):
        _post(client, ID_A, WRONG)
    response = _post(client, "clerk", PASSWORD)
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == b.pk


def test_a_failure_heavy_address_is_slowed_to_one_try_a_minute_without_locking_accounts(client, settings):
    settings.ZHENGWU_LOGIN_IP_MAX_FAILURES = 30
    citizen = CitizenFactory(id_number=ID_A)
    t0 = start()
    with at(t0):
        # 30 guesses at 30 different (unknown) accounts: no account reaches its own limit.
        for n in range(30):
            assert _post(client, f"guess{n:02d}", WRONG).status_code == 400
        throttled = _post(client, ID_A, PASSWORD)
        other_address = _post(client, ID_A, PASSWORD, ip="10.1.1.2")
    assert throttled.status_code == 429 and "请稍后再试" in throttled.content.decode()
    assert 0 < int(throttled["Retry-After"]) <= 60
    # the same account from another address is not affected
    assert other_address.status_code == 302
    client.logout()
    with at(t0 + timedelta(seconds=61)):
        assert _post(client, ID_A, PASSWORD).status_code == 302
    citizen.refresh_from_db()
    assert not citizen.is_locked() and citizen.failed_login_count == 0
    throttled_rows = AuditEvent.objects.filter(action="accounts.login", details__reason="ip_throttled")
    assert throttled_rows.count() == 1


def test_old_failures_leave_the_window_and_are_pruned(client, settings):
    settings.ZHENGWU_LOGIN_IP_MAX_FAILURES = 3
    t0 = start()
    with at(t0):
        for n in range(3):
            _post(client, f"guess{n}", WRONG)
        assert _post(client, "guess9", WRONG).status_code == 429
    with at(t0 + timedelta(minutes=11)):
        assert _post(client, "guess10", WRONG).status_code == 400
    assert LoginFailure.objects.count() == 1


def test_success_and_failure_write_exactly_one_login_row_with_ip(client):
    user = CitizenFactory(id_number=ID_A)
    _post(client, ID_A, WRONG, ip="10.9.9.9")
    failure = AuditEvent.objects.get(action="accounts.login")
    assert failure.result == "failure" and failure.ip == "10.9.9.9" and failure.actor_id == user.pk
    _post(client, ID_A, PASSWORD, ip="10.9.9.8")
    events = AuditEvent.objects.filter(action="accounts.login").order_by("id")
    assert events.count() == 2
    assert events.last().result == "success" and events.last().ip == "10.9.9.8"


def test_a_phone_or_password_typed_as_login_name_is_masked_in_the_audit_row(client):
    _post(client, "13812341234", WRONG)
    _post(client, "Zw#citizen2026", WRONG)
    labels = [e.details["login"] for e in AuditEvent.objects.filter(action="accounts.login").order_by("id")]
    assert labels[0] == "138****1234"
    assert "citizen2026" not in labels[1].lower()


def test_new_session_key_at_login(client):
    CitizenFactory(id_number=ID_A)
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _post(client, ID_A, PASSWORD)
    assert _logged_in(client) and client.session.session_key != before


def test_login_by_id_number_never_stores_the_number_as_username(client):
    user = CitizenFactory(id_number=ID_A)
    assert ID_A not in user.username and not User.objects.filter(username=ID_A).exists()
    assert _post(client, ID_A.lower(), PASSWORD).status_code == 302


def _answers(client, login, tries, ip):
    out = []
    for _ in range(tries):
        response = _post(client, login, WRONG, ip=ip)
        out.append((response.status_code, response.content.decode().count("已被锁定")))
    return out


def test_an_unknown_id_number_locks_exactly_like_a_registered_one(client):
    # Issue 15 finding 6: the lock message used to tell which ID numbers have accounts.
    CitizenFactory(id_number=ID_A)
    unknown = "440301198001010018"
    with at(start()):
        registered = _answers(client, ID_A, 6, ip="10.1.1.1")
        not_registered = _answers(client, unknown, 6, ip="10.1.1.2")
        locked_a = _post(client, ID_A, WRONG, ip="10.1.1.3").content.decode()
        locked_b = _post(client, unknown, WRONG, ip="10.1.1.4").content.decode()
    assert registered == not_registered
    assert [status for status, _ in registered] == [400, 400, 400, 400, 403, 403]
    # the same words and the same unlock time
    lock_line = [line for line in locked_a.splitlines() if "已被锁定" in line]
    assert lock_line and lock_line == [line for line in locked_b.splitlines() if "已被锁定" in line]


def test_a_disabled_account_locks_like_an_active_one(client):
    CitizenFactory(id_number=ID_A, is_active=False)
    with at(start()):
        answers = _answers(client, ID_A, 5, ip="10.1.1.1")
    assert [status for status, _ in answers] == [400, 400, 400, 400, 403]


def test_the_lock_of_an_unknown_name_ends_like_an_accounts(client):
    t0 = start()
    with at(t0):
        _answers(client, "nobody01", 5, ip="10.1.1.1")
        assert _post(client, "nobody01", WRONG, ip="10.1.1.2").status_code == 403
    with at(t0 + timedelta(minutes=15, seconds=1)):
        assert _post(client, "nobody01", WRONG, ip="10.1.1.3").status_code == 400


def test_unknown_names_are_kept_only_as_a_keyed_index(client):
    from zhengwu.accounts.models import LoginNameLock

    _post(client, "440301198001010018", WRONG)
    stored = list(LoginNameLock.objects.values_list("name_index", flat=True))
    assert len(stored) == 1 and "440301198001010018" not in stored[0]
