"""Staff second factor: enrolment, verification, recovery codes, reset, and the routes it guards."""

import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengwu.accounts import mfa
from zhengwu.accounts.models import User
from zhengwu.core.access import STAFF, AccessRule, check
from zhengwu.core.errors import Conflict, PermissionDenied
from zhengwu.core.models import AuditEvent
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .factories import PASSWORD, CitizenFactory, StaffFactory
from .mfa_helpers import login_verified, totp_code, totp_device

pytestmark = pytest.mark.django_db

VERIFY_URL = reverse("accounts:mfa_verify")
ENROL_URL = reverse("accounts:mfa_enrol")
OFFICE_URL = reverse("portal:office")


@pytest.fixture(autouse=True)
def mfa_settings(settings):
    settings.ZHENGWU_STAFF_MFA_REQUIRED = True
    # No waiting between attempts, except in the test about throttling.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def county():
    return org_services.unit_create(actor=None, code="C", name="示例县", kind=Unit.Kind.COUNTY)


@pytest.fixture
def staff():
    return StaffFactory(username="wangchuang", real_name="王窗口")


@pytest.fixture
def security_admin(county):
    user = StaffFactory(username="anquan", real_name="安全员")
    org_services.assignment_grant(actor=None, user=user, unit=county, role=Role.SECURITY_ADMIN)
    user.refresh_from_db()
    return user


def _password_login(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def _verify_rows(user):
    return AuditEvent.objects.filter(action="accounts.mfa.verify", actor=user).order_by("id")


def _wrong_code(device) -> str:
    current = totp_code(device)
    return "000000" if current != "000000" else "111111"


def _text(response) -> str:
    return response.content.decode()


def _codes(response) -> list[str]:
    return re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", _text(response))


# ---------------------------------------------------------------- what it guards


def test_unverified_staff_is_sent_from_office_to_the_verify_page(client, staff):
    totp_device(staff)
    client.force_login(staff)

    response = client.get(OFFICE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert "next=/office/" in response["Location"]


def test_unverified_staff_administrator_is_sent_from_admin_to_the_verify_page(client, county):
    sysadmin = StaffFactory(username="xitong")
    org_services.assignment_grant(actor=None, user=sysadmin, unit=county, role=Role.SYSTEM_ADMIN)
    totp_device(sysadmin)
    client.force_login(sysadmin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)


def test_verified_staff_administrator_opens_admin(client, county):
    sysadmin = StaffFactory(username="xitong")
    org_services.assignment_grant(actor=None, user=sysadmin, unit=county, role=Role.SYSTEM_ADMIN)
    login_verified(client, sysadmin)

    response = client.get("/admin/")

    assert response.status_code == 200


def test_admin_site_refuses_unverified_staff_even_with_admin_flags(rf, staff):
    from django.contrib import admin

    staff.is_staff = True
    request = rf.get("/admin/")
    request.user = staff
    staff.is_verified = lambda: False
    assert admin.site.has_permission(request) is False

    staff.is_verified = lambda: True
    assert admin.site.has_permission(request) is True


def test_admin_login_url_has_no_form_and_hands_over_to_the_platform_pages(rf, staff):
    from django.contrib import admin

    request = rf.get("/admin/login/?next=/admin/core/")
    request.user = staff
    staff.is_verified = lambda: False
    request.session = {}

    response = admin.site.login(request)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert "next=/admin/core/" in response["Location"]


def test_staff_rule_on_an_api_path_refuses_unverified_staff_with_403_json(staff):
    request = RequestFactory().get("/api/v1/anything/")
    request.user = staff
    staff.is_verified = lambda: False

    response = check(request, AccessRule(STAFF))

    assert response.status_code == 403
    body = json.loads(response.content)
    assert body["code"] == "permission_denied" and "双因素认证" in body["message"]


def test_citizen_gets_a_chinese_403_on_the_verify_page(client):
    client.force_login(CitizenFactory())

    response = client.get(VERIFY_URL)

    assert response.status_code == 403
    assert "仅适用于工作人员" in _text(response)


# ---------------------------------------------------------------- enrolment


def test_first_staff_login_leads_to_enrolment_with_an_inline_svg_qr_code(client, staff):
    response = _password_login(client, staff, next_url="/office/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY_URL)

    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(ENROL_URL)

    response = client.get(response["Location"])
    html = _text(response)
    device = TOTPDevice.objects.get(user=staff)
    assert response.status_code == 200
    assert device.confirmed is False
    assert "<svg" in html and "<path" in html and "http" not in html.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    assert mfa.totp_secret_base32(device) in html
    assert "示例县政务信息平台" in html
    assert AuditEvent.objects.filter(action="accounts.mfa.enrol", actor=staff, details__step="begin").count() == 1


def test_reloading_the_enrolment_page_keeps_the_same_secret(client, staff):
    client.force_login(staff)
    client.get(ENROL_URL)
    first = TOTPDevice.objects.get(user=staff).key

    client.get(ENROL_URL)

    assert list(TOTPDevice.objects.filter(user=staff).values_list("key", flat=True)) == [first]


def test_enrolment_with_a_wrong_code_is_refused_in_chinese_and_confirms_nothing(client, staff):
    client.force_login(staff)
    client.get(ENROL_URL)

    response = client.post(ENROL_URL, {"token": _wrong_code(totp_device(staff, confirmed=False))})

    assert response.status_code == 400
    assert "验证码不正确" in _text(response)
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    assert client.get(OFFICE_URL).status_code == 302


def test_enrolment_with_a_non_numeric_code_says_what_to_type(client, staff):
    client.force_login(staff)
    client.get(ENROL_URL)

    response = client.post(ENROL_URL, {"token": "abc"})

    assert response.status_code == 400
    assert "6 位数字验证码" in _text(response)


def test_enrolment_with_the_right_code_confirms_and_shows_ten_recovery_codes_once(client, staff):
    client.force_login(staff)
    client.get(ENROL_URL + "?next=/office/")
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(ENROL_URL, {"token": totp_code(device), "next": "/office/"})

    codes = _codes(response)
    assert response.status_code == 200
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "打印恢复码" in _text(response)
    device.refresh_from_db()
    assert device.confirmed is True
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    # Stored as keyed hashes, never the codes themselves.
    stored = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert not stored & {c.replace("-", "") for c in codes}
    # Enrolling proved possession: this session is verified.
    assert client.get(OFFICE_URL).status_code == 200
    confirm = AuditEvent.objects.get(action="accounts.mfa.enrol", actor=staff, details__step="confirm")
    assert confirm.result == "success"


def test_enrolment_begin_is_refused_once_a_device_is_confirmed(staff):
    totp_device(staff)

    with pytest.raises(Conflict):
        mfa.totp_enrol_begin(actor=staff)


def test_enrolled_staff_opening_enrolment_is_sent_to_verify(client, staff):
    totp_device(staff)
    client.force_login(staff)

    response = client.get(ENROL_URL)

    assert response.status_code == 302 and response["Location"].startswith(VERIFY_URL)


# ---------------------------------------------------------------- verification


def test_verify_with_the_current_totp_code_opens_the_office(client, staff):
    device = totp_device(staff)
    client.force_login(staff)

    code = totp_code(device)
    response = client.post(VERIFY_URL, {"token": code, "next": "/office/"})

    assert response.status_code == 302 and response["Location"] == "/office/"
    assert client.get(OFFICE_URL).status_code == 200
    rows = list(_verify_rows(staff))
    assert len(rows) == 1 and rows[0].result == "success" and rows[0].details == {"method": "totp"}
    assert code not in json.dumps(rows[0].details)


def test_the_same_totp_code_cannot_be_replayed(client, staff):
    device = totp_device(staff)
    code = totp_code(device)
    client.force_login(staff)
    client.post(VERIFY_URL, {"token": code})
    client.post(reverse("accounts:logout"))
    client.force_login(staff)

    response = client.post(VERIFY_URL, {"token": code})

    assert response.status_code == 400


def test_wrong_code_is_refused_with_one_failure_row_and_no_code_in_it(client, staff):
    device = totp_device(staff)
    client.force_login(staff)
    wrong = _wrong_code(device)

    response = client.post(VERIFY_URL, {"token": wrong})

    assert response.status_code == 400
    assert "验证码不正确" in _text(response)
    rows = list(_verify_rows(staff))
    assert len(rows) == 1 and rows[0].result == "failure"
    assert wrong not in json.dumps(rows[0].details)
    assert client.get(OFFICE_URL).status_code == 302


def test_each_attempt_writes_exactly_one_verify_row(client, staff):
    device = totp_device(staff)
    client.force_login(staff)

    client.post(VERIFY_URL, {"token": "12345678"})
    client.post(VERIFY_URL, {"token": "zzzzz-zzzzz"})
    client.post(VERIFY_URL, {"token": totp_code(device)})

    assert [r.result for r in _verify_rows(staff)] == ["failure", "failure", "success"]


def test_repeated_wrong_codes_are_throttled_with_a_chinese_wait_message(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = totp_device(staff)
    client.force_login(staff)
    client.post(VERIFY_URL, {"token": _wrong_code(device)})

    response = client.post(VERIFY_URL, {"token": totp_code(device)})

    assert response.status_code == 429
    assert "错误次数过多" in _text(response) and "秒后重试" in _text(response)
    last = _verify_rows(staff).last()
    assert last.result == "failure" and last.details["reason"] == "throttled"
    assert client.get(OFFICE_URL).status_code == 302


def test_a_recovery_code_verifies_once_and_is_refused_the_second_time(client, staff):
    totp_device(staff)
    codes = mfa.recovery_codes_regenerate(actor=staff)
    client.force_login(staff)

    response = client.post(VERIFY_URL, {"token": codes[0].upper(), "next": "/office/"})

    assert response.status_code == 302
    assert client.get(OFFICE_URL).status_code == 200
    used = AuditEvent.objects.get(action="accounts.mfa.recovery_used", actor=staff)
    assert used.details == {"remaining": 9}
    assert StaticToken.objects.filter(device__user=staff).count() == 9

    client.post(reverse("accounts:logout"))
    client.force_login(staff)
    response = client.post(VERIFY_URL, {"token": codes[0]})

    assert response.status_code == 400
    assert "备用恢复码不正确或已使用过" in _text(response)
    assert client.get(OFFICE_URL).status_code == 302
    assert all(codes[0].replace("-", "") not in json.dumps(r.details) for r in _verify_rows(staff))


def test_verification_does_not_carry_over_to_a_new_login(client, staff):
    device = totp_device(staff)
    _password_login(client, staff)
    client.post(VERIFY_URL, {"token": totp_code(device)})
    assert client.get(OFFICE_URL).status_code == 200

    client.post(reverse("accounts:logout"))
    response = _password_login(client, staff)

    assert response["Location"].startswith(VERIFY_URL)
    assert client.get(OFFICE_URL).status_code == 302


def test_logging_in_again_without_logging_out_needs_the_second_factor_again(client, staff):
    device = totp_device(staff)
    _password_login(client, staff)
    client.post(VERIFY_URL, {"token": totp_code(device)})
    assert client.get(OFFICE_URL).status_code == 200

    _password_login(client, staff)

    assert client.get(OFFICE_URL).status_code == 302


def test_citizen_login_is_not_sent_to_the_second_factor(client):
    citizen = CitizenFactory()

    response = _password_login(client, citizen)

    assert response.status_code == 302
    assert not response["Location"].startswith(VERIFY_URL)


def test_with_mfa_switched_off_staff_login_goes_straight_on(client, staff, settings):
    settings.ZHENGWU_STAFF_MFA_REQUIRED = False

    response = _password_login(client, staff, next_url="/office/")

    assert response["Location"] == "/office/"
    assert client.get(OFFICE_URL).status_code == 200


# ---------------------------------------------------------------- recovery codes page


def test_regenerating_recovery_codes_needs_a_verified_session(client, staff):
    totp_device(staff)
    client.force_login(staff)

    response = client.post(reverse("accounts:mfa_recovery"))

    assert response.status_code == 302 and response["Location"].startswith(VERIFY_URL)
    assert not StaticDevice.objects.filter(user=staff).exists()


def test_regenerating_recovery_codes_replaces_the_old_ones(client, staff):
    totp_device(staff)
    old = mfa.recovery_codes_regenerate(actor=staff)
    login_verified(client, staff)

    response = client.post(reverse("accounts:mfa_recovery"))

    new = _codes(response)
    assert response.status_code == 200 and len(new) == 10
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    assert set(new).isdisjoint(old)
    client.post(reverse("accounts:logout"))
    client.force_login(staff)
    assert client.post(VERIFY_URL, {"token": old[0]}).status_code == 400
    assert client.post(VERIFY_URL, {"token": new[0]}).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.mfa.recovery_regenerate", actor=staff).count() == 2


# ---------------------------------------------------------------- reset


def test_security_admin_resets_a_device_audited_and_the_user_must_enrol_again(client, staff, security_admin):
    totp_device(staff)
    mfa.recovery_codes_regenerate(actor=staff)
    login_verified(client, security_admin)

    response = client.post(reverse("accounts:mfa_reset"), {"user": staff.pk, "confirmed": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    row = AuditEvent.objects.get(action="accounts.mfa.reset")
    assert row.actor == security_admin and row.object_id == str(staff.pk) and row.result == "success"

    client.post(reverse("accounts:logout"))
    _password_login(client, staff)
    response = client.get(VERIFY_URL)
    assert response.status_code == 302 and response["Location"].startswith(ENROL_URL)


def test_reset_ends_the_verified_state_of_the_users_open_session(client, staff, security_admin):
    login_verified(client, staff)
    assert client.get(OFFICE_URL).status_code == 200

    mfa.mfa_reset(actor=security_admin, user=staff)

    assert client.get(OFFICE_URL).status_code == 302


def test_reset_page_lists_staff_with_their_second_factor_status(client, staff, security_admin):
    totp_device(staff)
    login_verified(client, security_admin)

    response = client.get(reverse("accounts:mfa_reset"), {"q": "wang"})

    html = _text(response)
    assert response.status_code == 200
    assert "王窗口" in html and "已设置" in html and "安全员" not in html.split("<tbody>")[1]


def test_reset_by_someone_who_is_not_security_admin_is_refused(client, staff, county):
    other = StaffFactory(username="xitong")
    org_services.assignment_grant(actor=None, user=other, unit=county, role=Role.SYSTEM_ADMIN)
    totp_device(staff)
    login_verified(client, other)

    response = client.post(reverse("accounts:mfa_reset"), {"user": staff.pk})

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=staff).exists()
    with pytest.raises(PermissionDenied):
        mfa.mfa_reset(actor=other, user=staff)
    assert not AuditEvent.objects.filter(action="accounts.mfa.reset").exists()


def test_security_admin_cannot_reset_their_own_device(security_admin):
    totp_device(security_admin)

    with pytest.raises(PermissionDenied, match="不能重置自己"):
        mfa.mfa_reset(actor=security_admin, user=security_admin)

    assert TOTPDevice.objects.filter(user=security_admin).exists()


# ---------------------------------------------------------------- demo


def test_demo_staff_device_uses_the_published_secret_and_demo_totp_prints_its_code(client, capsys):
    demo = StaffFactory(username="demo-staff", is_demo=True)
    mfa.demo_totp_device_ensure(user=demo)
    client.force_login(demo)

    call_command("demo_totp", "demo-staff")
    code = re.search(r"(\d{6})\s*$", capsys.readouterr().out).group(1)

    assert client.post(VERIFY_URL, {"token": code}).status_code == 302


def test_demo_totp_refuses_accounts_that_are_not_demo(staff):
    with pytest.raises(CommandError, match="演示账户"):
        call_command("demo_totp", staff.username)
    with pytest.raises(PermissionDenied):
        mfa.demo_totp_device_ensure(user=staff)
    assert User.objects.get(pk=staff.pk).is_demo is False


@pytest.mark.django_db(databases="__all__")  # the exchange's demo loader also writes its datastore
def test_demo_county_gives_demo_staff_the_published_device_and_prints_its_secret(client, settings, tmp_path, capsys):
    from zhengwu.catalog.services import catalog_load
    from zhengwu.demo.tests.test_load_demo_county import _small_catalog

    settings.VAR_DIR = tmp_path
    catalog_load(actor=None, data=_small_catalog())
    call_command("load_demo_county")
    table = (tmp_path / "demo_accounts.txt").read_text(encoding="utf-8")
    capsys.readouterr()

    assert mfa.demo_totp_secret_base32() in table and "demo_totp" in table
    sysadmin = User.objects.get(username="xitong")
    assert TOTPDevice.objects.filter(user=sysadmin, confirmed=True).count() == 1
    from zhengwu.demo.services import demo_data_read

    password = demo_data_read()["accounts"]["password"]
    client.post(reverse("accounts:login"), {"username": "xitong", "password": password})
    call_command("demo_totp", "xitong")
    code = re.search(r"(\d{6})\s*$", capsys.readouterr().out).group(1)
    assert client.post(VERIFY_URL, {"token": code, "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
