"""Privacy notice and consent, download of one's own data, account closure (issue 16)."""

import io
import json
import zipfile

import pytest

from zhengwu.accounts.models import PrivacyConsent, User
from zhengwu.accounts.services.privacy import account_close, personal_data_export
from zhengwu.accounts.tests.factories import PASSWORD, CitizenFactory, StaffFactory
from zhengwu.core.errors import PermissionDenied
from zhengwu.core.models import AuditEvent

from .sms import register_with_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_the_privacy_page_shows_its_version_and_date(client, settings):
    settings.ZHENGWU_PRIVACY_VERSION, settings.ZHENGWU_PRIVACY_DATE = "2027.3", "2027-03-01"
    page = client.get("/accounts/privacy/").content.decode()
    assert "第 2027.3 版" in page and "2027-03-01" in page


def test_registration_records_consent_with_version_time_and_a_hash_of_the_address(client, settings):
    settings.ZHENGWU_PRIVACY_VERSION = "2026.1"
    response = register_with_code(client, {
        "kind": "citizen", "c-name": "张三", "c-id_number": "11010519491231002X", "c-phone": "13812341234",
        "c-password": "Zw#citizen2026", "c-password2": "Zw#citizen2026",
    })
    assert response.status_code == 302
    consent = PrivacyConsent.objects.get()
    assert consent.version == "2026.1" and consent.consented_at is not None
    assert consent.ip_hash and "127.0.0.1" not in consent.ip_hash and len(consent.ip_hash) == 64


def test_registration_without_agreeing_is_refused(client):
    response = client.post("/accounts/register/", {
        "kind": "citizen", "c-name": "张三", "c-id_number": "11010519491231002X", "c-phone": "13812341234",
        "c-password": "Zw#citizen2026", "c-password2": "Zw#citizen2026", "phone_code": "123456",
    })
    assert response.status_code == 400 and "请阅读并同意隐私政策后再注册" in response.content.decode()
    assert not User.objects.exists()


def test_a_new_version_is_asked_for_at_the_next_login_and_recorded(client, settings):
    citizen = CitizenFactory()  # agreed to the current version
    assert client.post(LOGIN, {"username": citizen.id_number, "password": PASSWORD, "next": "/accounts/me/"})[
        "Location"] == "/accounts/me/"
    client.logout()

    settings.ZHENGWU_PRIVACY_VERSION = "2099.1"
    response = client.post(LOGIN, {"username": citizen.id_number, "password": PASSWORD, "next": "/accounts/me/"})

    assert response["Location"].startswith("/accounts/privacy/consent/")
    page = client.get(response["Location"]).content.decode()
    assert "第 2099.1 版" in page
    refused = client.post("/accounts/privacy/consent/", {"next": "/accounts/me/"})
    assert refused.status_code == 400
    agreed = client.post("/accounts/privacy/consent/", {"agree": "1", "next": "/accounts/me/"})
    assert agreed["Location"] == "/accounts/me/"
    assert list(PrivacyConsent.objects.filter(user=citizen).values_list("version", flat=True).order_by("pk")) == [
        "2026.1", "2099.1"]
    assert AuditEvent.objects.filter(action="accounts.privacy.consent", actor=citizen).exists()


def test_staff_are_not_asked(client, settings):
    from zhengwu.accounts.services.privacy import privacy_consent_current

    assert privacy_consent_current(StaffFactory())


# --- own data -----------------------------------------------------------------------------


@pytest.fixture
def two_writers(settings, tmp_path):
    from zhengwu.letters.services import letter_submit
    from zhengwu.org.models import Unit
    from zhengwu.org.tests.factories import UnitFactory

    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    county = UnitFactory(code="LX", name="测试县", kind=Unit.Kind.COUNTY)
    UnitFactory(code="LX-XF", name="县信访局", kind=Unit.Kind.DEPARTMENT, parent=county)
    mine, theirs = CitizenFactory(real_name="王小明"), CitizenFactory(real_name="李四")
    for who, title in ((mine, "我家门口路灯坏了"), (theirs, "别人的来信标题")):
        letter_submit(actor=who, channel="suggestion", category="other", title=title,
                      body="这是一封测试来信的内容,足够十个字。", enforce_rate_limit=False)
    return mine, theirs


def _unzip(payload: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def test_the_download_holds_my_records_and_nobody_elses(client, two_writers):
    mine, theirs = two_writers
    client.force_login(mine)

    response = client.post("/accounts/me/data/")

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    files = _unzip(response.content)
    assert {"profile.json", "consents.json", "letters.json", "cases.json", "disclosure_requests.json",
            "survey_answers.json", "comments.json", "README.json"} <= set(files)
    assert files["profile.json"]["姓名/单位名称"] == "王小明" and files["profile.json"]["身份证号"] == mine.id_number
    assert [x["标题"] for x in files["letters.json"]] == ["我家门口路灯坏了"]
    everything = json.dumps(files, ensure_ascii=False)
    assert "李四" not in everything and "别人的来信标题" not in everything and theirs.id_number not in everything
    assert AuditEvent.objects.filter(action="accounts.personal_data.export", actor=mine).exists()


def test_the_download_is_refused_for_staff():
    staff = StaffFactory()
    with pytest.raises(PermissionDenied):
        personal_data_export(actor=staff, user=staff)


# --- closure ------------------------------------------------------------------------------


def test_a_closed_account_cannot_log_in_and_its_profile_is_erased_while_letters_stay(client, two_writers):
    from zhengwu.letters.models import Letter

    mine, _ = two_writers
    id_number = mine.id_number
    client.force_login(mine)
    page = client.get("/accounts/close/").content.decode()
    assert "信访工作条例" in page  # the reason records are kept is stated

    assert client.post("/accounts/close/", {"password": "wrong", "confirm": "on"}).status_code == 400
    response = client.post("/accounts/close/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    mine.refresh_from_db()
    assert not mine.is_active and mine.closed_at is not None
    assert mine.id_number is None and mine.phone == "" and mine.real_name.startswith("已注销用户")
    assert Letter.objects.filter(writer=mine).count() == 1
    assert client.get("/accounts/me/").status_code == 302  # logged out at once
    login = client.post(LOGIN, {"username": id_number, "password": PASSWORD})
    assert login.status_code == 400
    assert AuditEvent.objects.filter(action="accounts.close", actor=mine).exists()


def test_staff_cannot_close_their_own_account(client):
    staff = StaffFactory()
    with pytest.raises(PermissionDenied):
        account_close(actor=staff, user=staff, password=PASSWORD)
    staff.refresh_from_db()
    assert staff.is_active
