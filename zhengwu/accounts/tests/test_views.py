from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from zhengwu.accounts.decorators import role_required, staff_required
from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import PASSWORD, CitizenFactory, StaffFactory
from zhengwu.core.models import AuditEvent
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .sms import register_with_code

ID_X = "11010519491231002X"
GOOD = "Zw#citizen2026"
REGISTER = "/accounts/register/"
LOGIN = "/accounts/login/"


def _citizen_post(client, **overrides):
    data = {"kind": "citizen", "c-name": "张三", "c-id_number": ID_X, "c-phone": "13812341234",
            "c-password": GOOD, "c-password2": GOOD} | overrides
    return client.post(REGISTER, data)


def test_urls_are_where_the_portal_expects_them():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:register") == REGISTER
    assert reverse("accounts:logout") == "/accounts/logout/"
    assert reverse("accounts:me") == "/accounts/me/"


def test_register_page_shows_both_tabs(client, db):
    html = client.get(REGISTER).content.decode()
    assert "个人注册" in html and "法人注册" in html


def _citizen_register(client, **overrides):
    data = {"kind": "citizen", "c-name": "张三", "c-id_number": ID_X, "c-phone": "13812341234",
            "c-password": GOOD, "c-password2": GOOD} | overrides
    return register_with_code(client, data)


def test_citizen_registration_succeeds_and_redirects_to_login(client, db):
    response = _citizen_register(client)
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert User.objects.get().id_number == ID_X
    assert "注册成功" in client.get(LOGIN).content.decode()


def test_invalid_id_rerenders_with_chinese_error_keeps_input_and_saves_nothing(client, db):
    response = _citizen_post(client, **{"c-id_number": "110105194912310021", "c-name": "张小三"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "身份证号校验位错误" in html
    assert 'value="张小三"' in html and 'value="13812341234"' in html
    assert GOOD not in html  # the password is never echoed back
    assert not User.objects.exists()


def test_duplicate_registration_shows_conflict(client, db):
    _citizen_register(client)
    response = _citizen_register(client, **{"c-name": "李四", "c-phone": "13912340000"})
    assert response.status_code == 409
    assert "该身份证号已注册" in response.content.decode()
    assert User.objects.count() == 1


def test_weak_password_shows_validator_messages_in_chinese(client, db):
    response = _citizen_post(client, **{"c-password": "12345678", "c-password2": "12345678"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "至少3类" in html and "这个密码太常见" in html
    assert not User.objects.exists()


def test_bad_phone_shows_chinese_error(client, db):
    response = _citizen_post(client, **{"c-phone": "12345"})
    assert response.status_code == 400
    assert "手机号格式不对" in response.content.decode()
    assert not User.objects.exists()


def test_every_field_error_is_shown_at_once(client, db):
    response = _citizen_post(client, **{"c-id_number": "110105194912310021", "c-phone": "12345",
                                        "c-password": "12345678", "c-password2": "12345678"})
    html = response.content.decode()
    assert "校验位错误" in html and "手机号格式不对" in html and "至少3类" in html
    assert not User.objects.exists()


def test_password_similar_to_the_id_number_is_refused(client, db):
    response = _citizen_post(client, **{"c-password": ID_X, "c-password2": ID_X})
    assert response.status_code == 400
    assert "相似" in response.content.decode()
    assert not User.objects.exists()


def test_password_confirmation_mismatch_is_refused(client, db):
    response = _citizen_post(client, **{"c-password2": GOOD + "x"})
    assert response.status_code == 400
    assert "两次输入的密码不一致" in response.content.decode()
    assert not User.objects.exists()


def test_enterprise_registration_through_the_page(client, db):
    response = register_with_code(client, {
        "kind": "enterprise", "e-name": "示例县某某科技有限公司", "e-credit_code": "91350100M000100Y43",
        "e-legal_representative": "李四", "e-phone": "13912345678", "e-password": GOOD, "e-password2": GOOD,
    })
    assert response.status_code == 302
    assert User.objects.get().kind == User.Kind.ENTERPRISE


def test_enterprise_registration_with_letter_o_is_refused(client, db):
    response = client.post(REGISTER, {
        "kind": "enterprise", "e-name": "某公司", "e-credit_code": "91350100M0001O0Y43",
        "e-legal_representative": "李四", "e-phone": "13912345678", "e-password": GOOD, "e-password2": GOOD,
    })
    html = response.content.decode()
    assert response.status_code == 400 and "不允许的字符" in html
    assert 'value="某公司"' in html
    assert not User.objects.exists()


# --- login / logout ---------------------------------------------------------------


def test_login_with_lower_case_x_succeeds_rotates_session_and_is_audited_once(client, db):
    user = CitizenFactory(id_number=ID_X, username=ID_X)
    client.get(LOGIN)
    old_key = client.session.session_key
    response = client.post(LOGIN, {"username": " 11010519491231002x", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session.session_key != old_key
    events = AuditEvent.objects.filter(action="accounts.login")
    assert events.count() == 1
    assert events.get().result == "success" and events.get().actor_id == user.pk


def test_failed_login_shows_chinese_error_and_is_audited_once_without_password(client, db):
    user = CitizenFactory(id_number=ID_X, username=ID_X)
    response = client.post(LOGIN, {"username": ID_X, "password": "Wrong#pass999"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "账号或密码错误" in html
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.result == "failure" and event.actor_id == user.pk
    row = str(event.details) + event.actor_label
    assert "Wrong#pass999" not in row and ID_X not in row


def test_failed_login_for_unknown_account_is_audited_with_masked_name(client, db):
    client.post(LOGIN, {"username": "440301198001010018", "password": "Whatever#123"})
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.result == "failure" and event.actor_id is None
    assert event.details["login"] == "440***********0018"
    assert "Whatever#123" not in str(event.details)


def test_inactive_account_cannot_log_in(client, db):
    StaffFactory(username="gone", is_active=False)
    response = client.post(LOGIN, {"username": "gone", "password": PASSWORD})
    assert response.status_code == 400
    assert AuditEvent.objects.get(action="accounts.login").details["reason"] == "inactive"


def test_login_redirects_only_to_local_next(client, db):
    # a citizen: staff go through the second factor first (test_mfa.py covers their next)
    CitizenFactory(id_number=ID_X)
    ok = client.post(LOGIN, {"username": ID_X, "password": PASSWORD, "next": "/accounts/me/"})
    assert ok["Location"] == "/accounts/me/"
    client.logout()
    evil = client.post(LOGIN, {"username": ID_X, "password": PASSWORD, "next": "https://evil.example/"})
    assert "evil" not in evil["Location"]


def test_logout_requires_post(client, db):
    user = StaffFactory()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.logout", actor=user).count() == 1


# --- my account -----------------------------------------------------------------


def test_me_shows_masked_id_and_phone_only(client, db):
    user = CitizenFactory(id_number=ID_X, username=ID_X, real_name="张三", phone="13812341234")
    client.force_login(user)
    html = client.get("/accounts/me/").content.decode()
    assert "我的账户" in html and "张三" in html and "自然人" in html
    assert "110***********002X" in html and "138****1234" in html
    assert ID_X not in html and "13812341234" not in html


def test_me_lists_posts_of_staff(client, db):
    county = org_services.unit_create(actor=None, code="C", name="示例县", kind=Unit.Kind.COUNTY)
    dept = org_services.unit_create(actor=None, code="C-3", name="县公安局", kind=Unit.Kind.DEPARTMENT, parent=county)
    clerk = StaffFactory()
    org_services.assignment_grant(actor=None, user=clerk, unit=dept, role=Role.HANDLER)
    client.force_login(clerk)
    html = client.get("/accounts/me/").content.decode()
    assert "县公安局" in html and "承办人" in html


def test_me_requires_login(client, db):
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- guards for the back office ----------------------------------------------------


def _guarded(decorator, user):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    request = RequestFactory().get("/office/")
    request.user = user or AnonymousUser()
    if user is not None:
        user.is_verified = lambda: True  # second factor passed (unverified staff: test_mfa.py)
    request.session = SessionStore()
    return decorator(lambda r: HttpResponse("ok"))(request)


def test_staff_required_redirects_anonymous_to_login(db):
    response = _guarded(staff_required, None)
    assert response.status_code == 302 and LOGIN in response["Location"]


def test_staff_required_returns_chinese_403_for_citizens(db):
    response = _guarded(staff_required, CitizenFactory())
    assert response.status_code == 403
    assert "仅供工作人员使用" in response.content.decode()


def test_staff_required_lets_staff_through(db):
    assert _guarded(staff_required, StaffFactory()).content == b"ok"


def test_role_required_checks_the_post(db):
    county = org_services.unit_create(actor=None, code="C", name="示例县", kind=Unit.Kind.COUNTY)
    editor = StaffFactory()
    org_services.assignment_grant(actor=None, user=editor, unit=county, role=Role.EDITOR)
    assert _guarded(role_required(Role.EDITOR, Role.PUBLISHER), editor).content == b"ok"
    assert _guarded(role_required(Role.APPROVER), editor).status_code == 403
